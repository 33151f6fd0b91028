"""catalogue: CKAN extras and harvest of real portals (issue 15)

Revision ID: 0015_catalog_extras
Revises: 0014_events_labs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_catalog_extras"
down_revision = "0014_events_labs"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """``catalog_dataset.extras``: CKAN extras whose keys the catalogue has no field for,
    kept verbatim as a JSON object (null for datasets written before)."""
    op.add_column("catalog_dataset", sa.Column("extras", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the extras column (its values are lost)."""
    op.drop_column("catalog_dataset", "extras")
