"""catalogue search at a million datasets (issue 15)

Revision ID: 0030_catalog_search
Revises: 0029_privacy_job
"""

from __future__ import annotations

revision = "0030_catalog_search"
down_revision = "0029_privacy_job"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
