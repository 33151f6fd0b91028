"""Shared kernel: configuration, database, errors, auth, audit, text services, jobs.

`core` imports no domain package; domains build on it.
"""
