"""coverage, transit and connectivity (issue 12)

Revision ID: 0032_infrastructure
Revises: 0031_practices
"""

from __future__ import annotations

revision = "0032_infrastructure"
down_revision = "0031_practices"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
