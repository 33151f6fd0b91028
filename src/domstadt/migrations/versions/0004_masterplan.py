"""masterplan: measures, initiatives, budgets, screening, feedback

Revision ID: 0004_masterplan
Revises: 0003_masterplan_taxonomy
"""

from __future__ import annotations

revision = "0004_masterplan"
down_revision = "0003_masterplan_taxonomy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema of this domain (filled in by the domain's issue)."""


def downgrade() -> None:
    """Reverse of upgrade()."""
