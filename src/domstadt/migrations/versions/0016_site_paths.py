"""links built when shown: stored links of the platform itself become site paths (issue 13)

Revision ID: 0016_site_paths
Revises: 0015_catalog_extras
"""

from __future__ import annotations

revision = "0016_site_paths"
down_revision = "0015_catalog_extras"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
