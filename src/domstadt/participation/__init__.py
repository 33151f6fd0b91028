"""Participation domain: feedback, challenges, pitches, events, labs and UX tests (planned)."""
