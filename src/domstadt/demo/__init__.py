"""Cologne demo data, loaded through the service layer (``domstadt demo load``).

Each domain contributes a loader; loaders are idempotent, so loading twice changes nothing.
"""
