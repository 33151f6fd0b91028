"""masterplan: initiatives registry, duplicate review, AI screening

Revision ID: 0007_initiatives
Revises: 0006_sensors
"""

from __future__ import annotations

revision = "0007_initiatives"
down_revision = "0006_sensors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema of this part (filled in by the issue that builds it)."""


def downgrade() -> None:
    """Reverse of upgrade()."""
