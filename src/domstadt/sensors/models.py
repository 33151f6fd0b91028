"""Database models of the sensors domain (imported by the migration environment)."""
