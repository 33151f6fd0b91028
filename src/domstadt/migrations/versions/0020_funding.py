"""funding programmes and their imports (issue 11)

Revision ID: 0020_funding
Revises: 0019_moderation
"""

from __future__ import annotations

revision = "0020_funding"
down_revision = "0019_moderation"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
