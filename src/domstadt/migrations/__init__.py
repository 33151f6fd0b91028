"""The one Alembic migration tree for the whole schema (run with `domstadt db upgrade`)."""
