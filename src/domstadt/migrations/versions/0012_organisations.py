"""organisations: registration, membership requests, verification (issue 10)

Revision ID: 0012_organisations
Revises: 0011_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0012_organisations"
down_revision = "0011_accounts"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    """Organisation: Handelsregister number, Stadtbezirk, competences, verification date and
    reason. Membership: requested/accepted state (existing rows are accepted) and opt-in."""
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(
            sa.Column("register_number", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("district", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("competences", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("verified_at", _TS, nullable=True))
        batch.add_column(
            sa.Column("verification_reason", sa.Text(), nullable=False, server_default="")
        )
        batch.create_index("ix_organisation_district", ["district"])
    with op.batch_alter_table("membership") as batch:
        batch.add_column(
            sa.Column(
                "state",
                sa.Enum("requested", "accepted", name="membership_state", native_enum=False),
                nullable=False,
                server_default="accepted",
            )
        )
        batch.add_column(
            sa.Column("listed_publicly", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Drop the columns again."""
    with op.batch_alter_table("membership") as batch:
        batch.drop_column("listed_publicly")
        batch.drop_column("state")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_index("ix_organisation_district")
        batch.drop_column("verification_reason")
        batch.drop_column("verified_at")
        batch.drop_column("competences")
        batch.drop_column("district")
        batch.drop_column("register_number")
