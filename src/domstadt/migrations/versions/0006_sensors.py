"""sensors: SensorThings entities and observations

Revision ID: 0006_sensors
Revises: 0005_catalog
"""

from __future__ import annotations

revision = "0006_sensors"
down_revision = "0005_catalog"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema of this domain (filled in by the domain's issue)."""


def downgrade() -> None:
    """Reverse of upgrade()."""
