"""security (issue 14): server-side sign-in sessions, one key per organisation name, owning
departments of SensorThings entities

Revision ID: 0010_security
Revises: 0009_sta_link_order
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db
from domstadt.core.names import name_key, normalise_name

revision = "0010_security"
down_revision = "0009_sta_link_order"
branch_labels = None
depends_on = None
# Contract step: a unique index on organisation.name_key, which code before it leaves at its
# default ''.
phase = "contract"

OWNED = (
    "sta_thing",
    "sta_location",
    "sta_sensor",
    "sta_observed_property",
    "sta_feature_of_interest",
)
"""SensorThings tables with an owning department; Datastreams, Observations and
HistoricalLocations belong to one through their Thing."""


def upgrade() -> None:
    """Create ``sign_in_session``; add and fill ``organisation.name_key`` (unique); add
    ``department_id`` to the owned SensorThings tables (existing rows: none, admins only)."""
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_sign_in_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_sign_in_session_key_hash")),
    )
    op.create_index(
        op.f("ix_sign_in_session_user_id"), "sign_in_session", ["user_id"], unique=False
    )
    op.add_column(
        "organisation",
        sa.Column("name_key", sa.String(length=300), nullable=False, server_default=""),
    )
    _fill_name_keys()
    op.create_index("uq_organisation_name_key", "organisation", ["name_key"], unique=True)
    for table in OWNED:
        op.add_column(table, sa.Column("department_id", sa.Integer(), nullable=True))


def _fill_name_keys() -> None:
    """Fill the keys and normalise stored names (where no other row holds the normal form).
    Rows that were already duplicates under the new rule keep their name and get the key
    with ``#id``, so both survive."""
    organisation = sa.table(
        "organisation",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("name_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(organisation.c.id, organisation.c.name).order_by("id")).all()
    names = {name for _, name in rows}
    taken: set[str] = set()
    for org_id, name in rows:
        key = name_key(name)
        values = {"name_key": key if key not in taken else f"{key} #{org_id}"}
        clean = normalise_name(name)
        if key not in taken and clean and clean != name and clean not in names:
            values["name"] = clean
            names.add(clean)
        taken.add(key)
        bind.execute(organisation.update().where(organisation.c.id == org_id).values(**values))


def downgrade() -> None:
    """Drop what ``upgrade`` added (SQLite: native DROP COLUMN, the columns have no
    constraints)."""
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} DROP COLUMN department_id")
    op.drop_index("uq_organisation_name_key", table_name="organisation")
    op.execute("ALTER TABLE organisation DROP COLUMN name_key")
    op.drop_index(op.f("ix_sign_in_session_user_id"), table_name="sign_in_session")
    op.drop_table("sign_in_session")
