"""privacy scan of every row (issue 15)

Revision ID: 0023_privacy_scan
Revises: 0022_catalog_orgs
"""

from __future__ import annotations

revision = "0023_privacy_scan"
down_revision = "0022_catalog_orgs"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
