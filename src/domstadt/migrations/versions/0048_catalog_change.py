"""A counter of committed catalogue writes, so that a process sees every change of the
catalogue when it commits (issue 15)

The catalogue's state (``catalog/search_cache.catalogue_state``) was the newest
``metadata_modified``, the highest id and the removals: an update committed after another
with a later timestamp changed none of them, so counts and facets could miss it until the next
write. Now every write to ``catalog_dataset`` bumps one counter row, inside its own
transaction, so the counter changes exactly when the write becomes visible:

- PostgreSQL: a deferred constraint trigger (``AFTER INSERT OR UPDATE … DEFERRABLE INITIALLY
  DEFERRED``), so the counter row is locked only at commit, after every dataset row the
  transaction writes (no deadlock between two writers holding datasets), and bumped once per
  transaction (a transaction-local setting remembers it);
- SQLite: a row trigger per insert and update (one writer at a time; an upsert of one row).

The counter row is created by its first bump (an emptied table simply starts again).

Revision ID: 0048_catalog_change
Revises: 0047_observation_link_checks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.core.db import IdType

revision = "0048_catalog_change"
down_revision = "0047_observation_link_checks"
branch_labels = None
depends_on = None
phase = "expand"

BUMP = (
    "INSERT INTO catalog_change (id, writes) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET writes = catalog_change.writes + 1"
)
_POSTGRESQL = [
    f"""
    CREATE FUNCTION catalog_dataset_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('domstadt.catalog_written', true) = txid_current()::text THEN
            RETURN NULL;
        END IF;
        PERFORM set_config('domstadt.catalog_written', txid_current()::text, true);
        {BUMP};
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER catalog_dataset_written AFTER INSERT OR UPDATE ON catalog_dataset
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_dataset_written()
    """,
]
_SQLITE = [
    f"""
    CREATE TRIGGER catalog_dataset_{event.lower()} AFTER {event} ON catalog_dataset
    BEGIN
        {BUMP};
    END
    """
    for event in ("INSERT", "UPDATE")
]


def upgrade() -> None:
    """The counter table and the triggers on ``catalog_dataset``."""
    op.create_table(
        "catalog_change",
        sa.Column("id", IdType, primary_key=True, autoincrement=False),
        sa.Column("writes", sa.BigInteger, nullable=False),
    )
    statements = _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Triggers, function and table gone."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS catalog_dataset_written ON catalog_dataset")
        op.execute("DROP FUNCTION IF EXISTS catalog_dataset_written()")
    else:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS catalog_dataset_{event}")
    op.drop_table("catalog_change")
