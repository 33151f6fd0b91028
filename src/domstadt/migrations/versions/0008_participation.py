"""masterplan: feedback on measures, subscriptions

Revision ID: 0008_participation
Revises: 0007_initiatives
"""

from __future__ import annotations

revision = "0008_participation"
down_revision = "0007_initiatives"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema of this part (filled in by the issue that builds it)."""


def downgrade() -> None:
    """Reverse of upgrade()."""
