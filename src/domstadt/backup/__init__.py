"""Backups that restore (issue 16): one archive holding a manifest, the database (SQLite
through the online backup API, PostgreSQL through ``pg_dump --format=custom``) and the data
directory's files. The operations are in ``domstadt.backup_service``; this package is the
engine and imports no domain: it reads every table through SQLAlchemy reflection."""
