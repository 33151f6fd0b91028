"""problem statements, pitches and pitch events (issue 10)

Revision ID: 0018_pitches
Revises: 0017_sta_duplicates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0018_pitches"
down_revision = "0017_sta_duplicates"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)


def _statement() -> None:
    op.create_table(
        "problem_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("deadline", _TS, nullable=False),
        sa.Column("review_ends", _TS, nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("pitch_slots", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_problem_statement_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_problem_statement_event_id_event"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_statement")),
    )
    with op.batch_alter_table("problem_statement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_statement_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_problem_statement_event_id"), ["event_id"], unique=False
        )


def _pitch() -> None:
    op.create_table(
        "pitch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_name", sa.String(length=300), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("video_url", sa.String(length=1000), nullable=False),
        sa.Column("team", sa.JSON(), nullable=False),
        sa.Column("deck_filename", sa.String(length=200), nullable=False),
        sa.Column("deck_size", sa.Integer(), nullable=False),
        sa.Column("deck", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "invited",
                "selected",
                "not_selected",
                name="pitch_status",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("submitted_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_pitch_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["problem_statement.id"],
            name=op.f("fk_pitch_statement_id_problem_statement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_pitch_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitch")),
        sa.UniqueConstraint("statement_id", "organisation_id", name="uq_pitch_organisation"),
        sa.UniqueConstraint("statement_id", "slot", name="uq_pitch_slot"),
    )
    with op.batch_alter_table("pitch", schema=None) as batch_op:
        for column in ("organisation_id", "statement_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_pitch_{column}"), [column], unique=False)


def _jury() -> None:
    op.create_table(
        "pitch_juror",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["problem_statement.id"],
            name=op.f("fk_pitch_juror_statement_id_problem_statement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_pitch_juror_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitch_juror")),
        sa.UniqueConstraint("statement_id", "user_id", name=op.f("uq_pitch_juror_statement_id")),
    )
    with op.batch_alter_table("pitch_juror", schema=None) as batch_op:
        for column in ("statement_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_pitch_juror_{column}"), [column], unique=False)
    op.create_table(
        "pitch_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pitch_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["user_account.id"],
            name=op.f("fk_pitch_score_juror_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pitch_id"],
            ["pitch.id"],
            name=op.f("fk_pitch_score_pitch_id_pitch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitch_score")),
        sa.UniqueConstraint(
            "pitch_id", "juror_id", "criterion", name=op.f("uq_pitch_score_pitch_id")
        ),
    )
    with op.batch_alter_table("pitch_score", schema=None) as batch_op:
        for column in ("juror_id", "pitch_id"):
            batch_op.create_index(batch_op.f(f"ix_pitch_score_{column}"), [column], unique=False)


def upgrade() -> None:
    """Problem statements with pitches (deck stored in the row), jurors and scores."""
    _statement()
    _pitch()
    _jury()


def downgrade() -> None:
    """Drop the pitch tables (scores, jurors, pitches, statements)."""
    for table in ("pitch_score", "pitch_juror", "pitch", "problem_statement"):
        op.drop_table(table)
