"""challenges: idea competitions, hackathons, problem statements, pitches, jury, votes (issue 10)

Revision ID: 0013_challenges
Revises: 0012_organisations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0013_challenges"
down_revision = "0012_organisations"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    """Challenges with jurors, submissions with attachments, scores and votes."""
    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("ideas", "hackathon", name="challenge_kind", native_enum=False),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("prizes", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("measure_ids", sa.JSON(), nullable=False),
        sa.Column("dataset_names", sa.JSON(), nullable=False),
        sa.Column("submission_opens", _TS, nullable=False),
        sa.Column("review_opens", _TS, nullable=False),
        sa.Column("vote_opens", _TS, nullable=False),
        sa.Column("results_at", _TS, nullable=False),
        sa.Column("vote_changeable", sa.Boolean(), nullable=False),
        sa.Column("exclude_late_accounts", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_challenge_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
    )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "challenge_juror",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_juror_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_juror_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_juror")),
        sa.UniqueConstraint(
            "challenge_id", "user_id", name=op.f("uq_challenge_juror_challenge_id")
        ),
    )
    with op.batch_alter_table("challenge_juror", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_juror_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_challenge_juror_user_id"), ["user_id"], unique=False)

    op.create_table(
        "challenge_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_name", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "shortlisted",
                "finalist",
                "winner",
                "not_selected",
                name="submission_status",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("submitted_at", _TS, nullable=True),
        sa.Column("hidden_at", _TS, nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.Column("hidden_by", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_submission_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_challenge_submission_measure_id_measure"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_challenge_submission_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_submission_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_submission")),
    )
    with op.batch_alter_table("challenge_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_submission_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_challenge_submission_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_challenge_submission_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_challenge_submission_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "challenge_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submission.id"],
            name=op.f("fk_challenge_attachment_submission_id_challenge_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_attachment")),
    )
    with op.batch_alter_table("challenge_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_attachment_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "challenge_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_score_juror_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submission.id"],
            name=op.f("fk_challenge_score_submission_id_challenge_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_score")),
        sa.UniqueConstraint(
            "submission_id", "juror_id", "criterion", name=op.f("uq_challenge_score_submission_id")
        ),
    )
    with op.batch_alter_table("challenge_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_score_juror_id"), ["juror_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_challenge_score_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "challenge_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_vote_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submission.id"],
            name=op.f("fk_challenge_vote_submission_id_challenge_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_vote_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_vote")),
        sa.UniqueConstraint("challenge_id", "user_id", name=op.f("uq_challenge_vote_challenge_id")),
    )
    with op.batch_alter_table("challenge_vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_vote_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_challenge_vote_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_challenge_vote_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Reverse of upgrade()."""
    for table in (
        "challenge_vote",
        "challenge_score",
        "challenge_attachment",
        "challenge_juror",
        "challenge_submission",
        "challenge",
    ):
        op.drop_table(table)
