"""masterplan: initiatives registry, duplicate review, AI screening

Revision ID: 0007_initiatives
Revises: 0006_sensors
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0007_initiatives"
down_revision = "0006_sensors"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)


def _initiative() -> None:
    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("funding", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned", "active", "completed", "discontinued",
                name="initiative_status", native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_measure_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"], ["organisation.id"],
            name=op.f("fk_initiative_owner_organisation_id_organisation"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["initiative.id"],
            name=op.f("fk_initiative_duplicate_of_id_initiative"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_measure_id"], ["measure.id"],
            name=op.f("fk_initiative_duplicate_of_measure_id_measure"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative")),
        sa.UniqueConstraint("code", name=op.f("uq_initiative_code")),
    )  # fmt: skip
    for column in ("owner_organisation_id", "duplicate_of_id", "duplicate_of_measure_id"):
        op.create_index(op.f(f"ix_initiative_{column}"), "initiative", [column])


def _links() -> None:
    op.create_table(
        "initiative_measure",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"], ["initiative.id"],
            name=op.f("fk_initiative_measure_initiative_id_initiative"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"],
            name=op.f("fk_initiative_measure_measure_id_measure"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "measure_id", name=op.f("pk_initiative_measure")),
    )  # fmt: skip
    op.create_index(op.f("ix_initiative_measure_measure_id"), "initiative_measure", ["measure_id"])


def _suggestions() -> None:
    op.create_table(
        "duplicate_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("other_kind", sa.String(length=20), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "confirmed", "rejected", name="suggestion_status", native_enum=False),
            nullable=False,
        ),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decided_by", sa.String(length=400), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"], ["initiative.id"],
            name=op.f("fk_duplicate_suggestion_initiative_id_initiative"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_suggestion")),
        sa.UniqueConstraint(
            "initiative_id", "other_kind", "other_id",
            name=op.f("uq_duplicate_suggestion_initiative_id"),
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_duplicate_suggestion_initiative_id"), "duplicate_suggestion", ["initiative_id"]
    )
    op.create_index(op.f("ix_duplicate_suggestion_status"), "duplicate_suggestion", ["status"])


def _screening() -> None:
    op.create_table(
        "measure_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("proposed", "confirmed", "overridden", name="review_status", native_enum=False),
            nullable=False,
        ),
        sa.Column("override", sa.JSON(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=400), nullable=False),
        sa.Column("reviewed_at", _TS, nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"],
            name=op.f("fk_measure_screening_measure_id_measure"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_screening")),
        sa.UniqueConstraint("measure_id", name=op.f("uq_measure_screening_measure_id")),
    )  # fmt: skip


def upgrade() -> None:
    """Initiatives, their measure links, duplicate suggestions and AI screenings."""
    _initiative()
    _links()
    _suggestions()
    _screening()


def downgrade() -> None:
    """Reverse of upgrade()."""
    op.drop_table("measure_screening")
    op.drop_table("duplicate_suggestion")
    op.drop_table("initiative_measure")
    op.drop_table("initiative")
