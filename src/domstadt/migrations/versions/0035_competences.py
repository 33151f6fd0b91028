"""competence and ecosystem directory, market exploration (issue 11)

Revision ID: 0035_competences
Revises: 0034_practices
"""

from __future__ import annotations

revision = "0035_competences"
down_revision = "0034_practices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
