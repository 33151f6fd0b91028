"""A row per removal of datasets, written by a trigger, so the catalogue's state changes with
every removal without counting all datasets (issue 15)

Revision ID: 0046_catalog_removal
Revises: 0045_postgis
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.core.db import IdType

revision = "0046_catalog_removal"
down_revision = "0045_postgis"
branch_labels = None
depends_on = None
phase = "expand"

_POSTGRESQL = [
    """
    CREATE FUNCTION catalog_dataset_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO catalog_removal DEFAULT VALUES;
        RETURN NULL;
    END
    $$
    """,
    # one row per statement: a removal of many datasets is one change of the catalogue
    """
    CREATE TRIGGER catalog_dataset_removed AFTER DELETE OR TRUNCATE ON catalog_dataset
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_dataset_removed()
    """,
]
_SQLITE = [
    # SQLite has row triggers only; removals are rare (the platform marks datasets deleted)
    """
    CREATE TRIGGER catalog_dataset_removed AFTER DELETE ON catalog_dataset
    BEGIN
        INSERT INTO catalog_removal (id) VALUES (NULL);
    END
    """,
]


def upgrade() -> None:
    """The table and the trigger on ``catalog_dataset``."""
    op.create_table("catalog_removal", sa.Column("id", IdType, primary_key=True))
    statements = _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Trigger, function and table gone."""
    op.execute(
        "DROP TRIGGER IF EXISTS catalog_dataset_removed ON catalog_dataset"
        if op.get_bind().dialect.name == "postgresql"
        else "DROP TRIGGER IF EXISTS catalog_dataset_removed"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS catalog_dataset_removed()")
    op.drop_table("catalog_removal")
