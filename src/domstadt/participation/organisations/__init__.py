"""Organisations taking part (S1.1): registration, join requests, verification by moderators,
public pages listing opted-in members, their feedback and (through ``contributions``) what
other parts of participation add for them."""
