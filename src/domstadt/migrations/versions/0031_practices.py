"""best-practice library and ecosystem directory (issue 11)

Revision ID: 0031_practices
Revises: 0030_catalog_search
"""

from __future__ import annotations

revision = "0031_practices"
down_revision = "0030_catalog_search"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
