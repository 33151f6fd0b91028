"""participation: juror forms, pitch edits, vote index (issue 10)

Revision ID: 0027_participation_more
Revises: 0026_api_keys
"""

from __future__ import annotations

revision = "0027_participation_more"
down_revision = "0026_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
