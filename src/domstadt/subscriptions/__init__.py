"""Subscriptions to a measure or a field of action (S1.3): e-mail digests and signed webhooks."""
