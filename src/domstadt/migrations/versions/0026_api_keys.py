"""developer apps, API keys and rate-limit plans (issue 12)

Revision ID: 0026_api_keys
Revises: 0025_funding
"""

from __future__ import annotations

revision = "0026_api_keys"
down_revision = "0025_funding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
