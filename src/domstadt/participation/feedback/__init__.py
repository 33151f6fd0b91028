"""Feedback on measures (S1.1): comments and ratings by people and verified organisations."""
