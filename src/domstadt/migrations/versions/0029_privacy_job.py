"""privacy scans as jobs with progress (issue 15)

Revision ID: 0029_privacy_job
Revises: 0028_processes
"""

from __future__ import annotations

revision = "0029_privacy_job"
down_revision = "0028_processes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
