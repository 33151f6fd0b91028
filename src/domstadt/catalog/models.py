"""Database models of the catalog domain (imported by the migration environment)."""
