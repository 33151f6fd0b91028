"""participation: juror forms, pitch edits, vote index (issue 10)

Revision ID: 0027_participation_more
Revises: 0026_api_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_participation_more"
down_revision = "0026_api_keys"
branch_labels = None
depends_on = None
phase = "expand"

VOTE_INDEX = "ix_challenge_vote_challenge_submission"


def upgrade() -> None:
    """Votes of a challenge per submission from the index alone (results and vote counts);
    a winning submission may become an initiative of the register (``initiative_id``)."""
    op.create_index(VOTE_INDEX, "challenge_vote", ["challenge_id", "submission_id"])
    # Batch mode: SQLite cannot add a foreign key in place, so it copies the table (no
    # triggers hang on challenge_submission); PostgreSQL alters it.
    with op.batch_alter_table("challenge_submission") as batch:
        batch.add_column(sa.Column("initiative_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_challenge_submission_initiative_id_initiative",
            "initiative",
            ["initiative_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(
        "ix_challenge_submission_initiative_id", "challenge_submission", ["initiative_id"]
    )


def downgrade() -> None:
    """Drop the index and the initiative link (the initiatives themselves stay)."""
    op.drop_index("ix_challenge_submission_initiative_id", "challenge_submission")
    with op.batch_alter_table("challenge_submission") as batch:
        batch.drop_constraint("fk_challenge_submission_initiative_id_initiative", "foreignkey")
        batch.drop_column("initiative_id")
    op.drop_index(VOTE_INDEX, "challenge_vote")
