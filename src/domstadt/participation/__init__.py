"""Participation domain: feedback on measures (``feedback/``) and organisations; challenges,
pitches, events, labs and UX tests are planned."""
