"""competence and ecosystem directory, market exploration (issue 11)

People's opt-in profiles for the ecosystem directory (``ecosystem_person``) and the CPV codes
set on measures and organisations (``ecosystem_cpv``). The organisation and measure tables
are not changed.

Revision ID: 0035_competences
Revises: 0034_practices
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db
from domstadt.core.db import IdType

revision = "0035_competences"
down_revision = "0034_practices"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "ecosystem_person",
        sa.Column("user_id", IdType, nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("competences", sa.JSON(), nullable=False),
        sa.Column("updated_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_ecosystem_person_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_ecosystem_person")),
    )
    op.create_table(
        "ecosystem_cpv",
        sa.Column("id", IdType, nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", IdType, nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecosystem_cpv")),
        sa.UniqueConstraint(
            "subject_kind", "subject_id", "code", name=op.f("uq_ecosystem_cpv_subject_kind")
        ),
    )
    op.create_index(op.f("ix_ecosystem_cpv_subject_id"), "ecosystem_cpv", ["subject_id"])
    op.create_index(op.f("ix_ecosystem_cpv_code"), "ecosystem_cpv", ["code"])


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_index(op.f("ix_ecosystem_cpv_code"), table_name="ecosystem_cpv")
    op.drop_index(op.f("ix_ecosystem_cpv_subject_id"), table_name="ecosystem_cpv")
    op.drop_table("ecosystem_cpv")
    op.drop_table("ecosystem_person")
