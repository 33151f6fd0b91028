"""participation follow-ups (issue 10)

Revision ID: 0040_participation
Revises: 0039_sta_harvest
"""

from __future__ import annotations

revision = "0040_participation"
down_revision = "0039_sta_harvest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
