"""masterplan: fields of action and sectors

Revision ID: 0003_masterplan_taxonomy
Revises: 0002_text
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_masterplan_taxonomy"
down_revision = "0002_text"
branch_labels = None
depends_on = None
phase = "expand"


def _taxon_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("slug", name=op.f(f"uq_{name}_slug")),
    )


def upgrade() -> None:
    _taxon_table("field_of_action")
    _taxon_table("sector")


def downgrade() -> None:
    op.drop_table("sector")
    op.drop_table("field_of_action")
