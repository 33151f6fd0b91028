"""catalog: DCAT-AP.de datasets, distributions, harvesting, DataStore

Revision ID: 0005_catalog
Revises: 0004_masterplan
"""

from __future__ import annotations

revision = "0005_catalog"
down_revision = "0004_masterplan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema of this domain (filled in by the domain's issue)."""


def downgrade() -> None:
    """Reverse of upgrade()."""
