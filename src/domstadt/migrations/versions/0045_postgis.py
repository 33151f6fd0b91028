"""PostGIS side tables of coverage and transit (issue 12), where PostGIS is available

Revision ID: 0045_postgis
Revises: 0041_report_schedule
"""

from __future__ import annotations

from alembic import op

from domstadt.infrastructure import postgis

revision = "0045_postgis"
down_revision = "0041_report_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """On PostgreSQL with PostGIS: the extension and the side tables with GiST indexes (see
    ``domstadt.infrastructure.postgis``); elsewhere nothing (the app also creates them when
    PostGIS is installed later)."""
    postgis.create_tables(op.get_bind())


def downgrade() -> None:
    """Drop the side tables (PostgreSQL; the extension stays)."""
    postgis.drop_tables(op.get_bind())
