"""masterplan: measures, milestones, KPIs, dependencies, versions, budgets, status reports

Revision ID: 0004_masterplan
Revises: 0003_masterplan_taxonomy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.core.db import UTCDateTime

revision = "0004_masterplan"
down_revision = "0003_masterplan_taxonomy"
branch_labels = None
depends_on = None
phase = "expand"

MONEY = sa.Numeric(14, 2)


def _fk(column: str, target: str, ondelete: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        column, sa.Integer(), sa.ForeignKey(f"{target}.id", ondelete=ondelete), nullable=nullable
    )


def _link(name: str, left: str, right: str) -> None:
    op.create_table(
        name,
        sa.Column(f"{left}_id", sa.Integer(), nullable=False),
        sa.Column(f"{right}_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint([f"{left}_id"], [f"{left}.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint([f"{right}_id"], [f"{right}.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(f"{left}_id", f"{right}_id", name=op.f(f"pk_{name}")),
    )


def _measure() -> None:
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        _fk("parent_id", "measure", "RESTRICT", nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        _fk("lead_department_id", "department", "RESTRICT"),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("progress_entered", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("rollout_stage", sa.String(32), nullable=False),
        sa.Column("success_criteria", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column("council_decision", sa.String(200), nullable=False),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    for column in ("parent_id", "lead_department_id", "planned_end", "status"):
        op.create_index(op.f(f"ix_measure_{column}"), "measure", [column])
    op.create_index(op.f("ix_measure_rollout_stage"), "measure", ["rollout_stage"])
    op.create_index(op.f("ix_measure_updated_at"), "measure", ["updated_at"])


def _measure_parts() -> None:
    op.create_table(
        "measure_milestone",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("measure_id", "measure", "CASCADE"),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("actual_date", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_table(
        "measure_kpi",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("measure_id", "measure", "CASCADE"),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("unit", sa.String(60), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_table(
        "measure_kpi_value",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("kpi_id", "measure_kpi", "CASCADE"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
    )
    op.create_table(
        "measure_dependency",
        _fk("measure_id", "measure", "CASCADE"),
        _fk("requires_id", "measure", "CASCADE"),
        sa.PrimaryKeyConstraint("measure_id", "requires_id", name=op.f("pk_measure_dependency")),
    )
    op.create_table(
        "measure_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("measure_id", "measure", "CASCADE"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _fk("actor_id", "user_account", "SET NULL", nullable=True),
        sa.Column("actor_label", sa.String(400), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.UniqueConstraint("measure_id", "version", name=op.f("uq_measure_version_measure_id")),
    )
    op.create_index(op.f("ix_measure_milestone_measure_id"), "measure_milestone", ["measure_id"])
    op.create_index(op.f("ix_measure_kpi_measure_id"), "measure_kpi", ["measure_id"])
    op.create_index(op.f("ix_measure_kpi_value_kpi_id"), "measure_kpi_value", ["kpi_id"])
    op.create_index(
        op.f("ix_measure_dependency_requires_id"), "measure_dependency", ["requires_id"]
    )
    op.create_index(op.f("ix_measure_version_measure_id"), "measure_version", ["measure_id"])
    op.create_index(op.f("ix_measure_version_at"), "measure_version", ["at"])


def _budget_and_reports() -> None:
    op.create_table(
        "budget_pool",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
    )
    op.create_table(
        "budget_pool_year",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("pool_id", "budget_pool", "CASCADE"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.UniqueConstraint("pool_id", "year", name=op.f("uq_budget_pool_year_pool_id")),
    )
    op.create_table(
        "budget_allocation",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("pool_id", "budget_pool", "CASCADE"),
        _fk("measure_id", "measure", "CASCADE"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("planned", MONEY, nullable=False),
        sa.Column("approved", MONEY, nullable=False),
        sa.Column("spent", MONEY, nullable=False),
        sa.UniqueConstraint(
            "pool_id", "measure_id", "year", name=op.f("uq_budget_allocation_pool_id")
        ),
    )
    op.create_index(op.f("ix_budget_allocation_measure_id"), "budget_allocation", ["measure_id"])
    op.create_table(
        "status_report",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(400), nullable=False),
        _fk("previous_id", "status_report", "RESTRICT", nullable=True),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
    )


def upgrade() -> None:
    """Create the measure, budget and report tables."""
    _measure()
    _link("measure_field", "measure", "field_of_action")
    _link("measure_sector", "measure", "sector")
    _link("measure_partner_department", "measure", "department")
    _link("measure_partner_organisation", "measure", "organisation")
    _measure_parts()
    _budget_and_reports()


def downgrade() -> None:
    """Drop them again, dependents first."""
    for name in (
        "status_report",
        "budget_allocation",
        "budget_pool_year",
        "budget_pool",
        "measure_version",
        "measure_dependency",
        "measure_kpi_value",
        "measure_kpi",
        "measure_milestone",
        "measure_partner_organisation",
        "measure_partner_department",
        "measure_sector",
        "measure_field",
        "measure",
    ):
        op.drop_table(name)
