"""events, labs and UX tests with SUS answers (issue 10)

Revision ID: 0014_events_labs
Revises: 0013_challenges
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0014_events_labs"
down_revision = "0013_challenges"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False)


def _fk(column: str, target: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{target_table}"), ondelete=ondelete
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


_STATUS = ("confirmed", "waiting", "cancelled")


def _events() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "event_kind",
                "meetup",
                "congress",
                "hackathon_day",
                "pitch_event",
                "lab_session",
                "workshop",
                "other",
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("online_url", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", _enum("event_status", "planned", "cancelled"), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("hidden_at", _TS, nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.Column("hidden_by", sa.String(length=400), nullable=False),
        _fk("department_id", "department.id", "event", "SET NULL"),
        _fk("organisation_id", "organisation.id", "event", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    _index("event", "department_id", "organisation_id", "starts_at")
    op.create_table(
        "event_measure",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        _fk("event_id", "event.id", "event_measure", "CASCADE"),
        _fk("measure_id", "measure.id", "event_measure", "CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "measure_id", name=op.f("pk_event_measure")),
    )
    op.create_table(
        "event_field",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("field_of_action_id", sa.Integer(), nullable=False),
        _fk("event_id", "event.id", "event_field", "CASCADE"),
        _fk("field_of_action_id", "field_of_action.id", "event_field", "CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "field_of_action_id", name=op.f("pk_event_field")),
    )
    _index("event_field", "field_of_action_id")
    op.create_table(
        "event_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum("event_registration_status", *_STATUS), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("event_id", "event.id", "event_registration", "CASCADE"),
        _fk("user_id", "user_account.id", "event_registration", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registration")),
        sa.UniqueConstraint("event_id", "user_id", name=op.f("uq_event_registration_event_id")),
    )
    _index("event_registration", "event_id", "user_id")


def _labs() -> None:
    op.create_table(
        "lab_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", _enum("lab_kind", "lab", "ux_test"), nullable=False),
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("hidden_at", _TS, nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        _fk("measure_id", "measure.id", "lab_session", "SET NULL"),
        _fk("department_id", "department.id", "lab_session", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_session")),
    )
    _index("lab_session", "service_name", "measure_id", "department_id", "starts_at")
    op.create_table(
        "lab_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum("lab_signup_status", *_STATUS), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk("session_id", "lab_session.id", "lab_signup", "CASCADE"),
        _fk("user_id", "user_account.id", "lab_signup", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_signup")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_lab_signup_session_id")),
    )
    _index("lab_signup", "session_id", "user_id")
    op.create_table(
        "lab_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "severity",
            _enum("lab_finding_severity", "cosmetic", "minor", "major", "critical"),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("hidden_at", _TS, nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        _fk("session_id", "lab_session.id", "lab_finding", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_finding")),
    )
    _index("lab_finding", "session_id")
    op.create_table(
        "lab_sus_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk("session_id", "lab_session.id", "lab_sus_response", "CASCADE"),
        _fk("user_id", "user_account.id", "lab_sus_response", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_sus_response")),
    )
    _index("lab_sus_response", "session_id", "user_id")


def upgrade() -> None:
    """Events with links, registrations; lab sessions with sign-ups, findings, SUS answers."""
    _events()
    _labs()


def downgrade() -> None:
    """Reverse of upgrade()."""
    for table in (
        "lab_sus_response",
        "lab_finding",
        "lab_signup",
        "lab_session",
        "event_registration",
        "event_field",
        "event_measure",
        "event",
    ):
        op.drop_table(table)
