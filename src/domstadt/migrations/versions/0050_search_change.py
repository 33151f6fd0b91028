"""A log of changed search documents, so that an index kept outside the database can follow
every committed change (issue 15: the catalogue's text index, ``core/text/tantivy_index.py``)

Every insert, update and delete of a ``search_document`` row adds a row (kind, entity id) to
``search_change``, in the writing transaction, so it becomes visible when the write commits:

- PostgreSQL: statement triggers with transition tables (one INSERT … SELECT per statement,
  also for bulk upserts), each row with the writing transaction's id (``xid``): a reader that
  remembers the oldest transaction still running when it read (``pg_snapshot_xmin``) reads
  from there next time, so a transaction that commits after a later one is never missed.
- SQLite: row triggers; one writer at a time, so the ids rise in commit order.

``created`` (seconds since 1970) lets old rows be pruned.

Revision ID: 0050_search_change
Revises: 0049_observation_keys_partial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.core.db import IdType

revision = "0050_search_change"
down_revision = "0049_observation_keys_partial"
branch_labels = None
depends_on = None
phase = "expand"

_PG_ROWS = (
    "INSERT INTO search_change (kind, entity_id, xid, created) "
    "SELECT kind, entity_id, pg_current_xact_id()::text::bigint, "
    "extract(epoch FROM now())::bigint FROM {table}"
)
_POSTGRESQL = [
    f"""
    CREATE FUNCTION search_document_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {_PG_ROWS.format(table="old_rows")};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {_PG_ROWS.format(table="new_rows")};
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER search_document_inserted AFTER INSERT ON search_document
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_document_changed()
    """,
    """
    CREATE TRIGGER search_document_updated AFTER UPDATE ON search_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_document_changed()
    """,
    """
    CREATE TRIGGER search_document_deleted AFTER DELETE ON search_document
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_document_changed()
    """,
]
_SQLITE_ROW = (
    "INSERT INTO search_change (kind, entity_id, created) "
    "VALUES ({row}.kind, {row}.entity_id, CAST(strftime('%s', 'now') AS INTEGER))"
)
_SQLITE = [
    f"""
    CREATE TRIGGER search_document_inserted AFTER INSERT ON search_document
    BEGIN {_SQLITE_ROW.format(row="NEW")}; END
    """,
    f"""
    CREATE TRIGGER search_document_updated AFTER UPDATE ON search_document
    BEGIN {_SQLITE_ROW.format(row="OLD")}; {_SQLITE_ROW.format(row="NEW")}; END
    """,
    f"""
    CREATE TRIGGER search_document_deleted AFTER DELETE ON search_document
    BEGIN {_SQLITE_ROW.format(row="OLD")}; END
    """,
]


def upgrade() -> None:
    """The log table and the triggers on ``search_document``."""
    op.create_table(
        "search_change",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("entity_id", IdType, nullable=False),
        sa.Column("xid", sa.BigInteger, nullable=True),
        sa.Column("created", sa.BigInteger, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_search_change_xid", "search_change", ["xid"])
    op.create_index("ix_search_change_created", "search_change", ["created"])
    statements = _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Triggers, function and table gone."""
    for event in ("inserted", "updated", "deleted"):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS search_document_{event} ON search_document")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS search_document_{event}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS search_document_changed()")
    op.drop_table("search_change")
