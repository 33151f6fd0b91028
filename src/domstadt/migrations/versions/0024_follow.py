"""follow challenges, events and organisations through subscriptions (issue 10)

Revision ID: 0024_follow
Revises: 0023_privacy_scan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_follow"
down_revision = "0023_privacy_scan"
branch_labels = None
depends_on = None
# Contract step: subscription.target_kind and target_id become NOT NULL without a default (code
# before it inserts neither).
phase = "contract"

TARGET_TABLES = {"challenge": "challenge", "event": "event", "organisation": "organisation"}
"""Followable kind → its table; deleting a row there deletes the subscriptions to it."""

_PG_FUNCTION = """
CREATE FUNCTION subscription_target_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM subscription WHERE target_kind = TG_ARGV[0] AND target_id = OLD.id;
    RETURN OLD;
END
$$
"""


def _trigger(kind: str) -> str:
    return f"subscription_gone_{kind}"


def upgrade() -> None:
    """Every subscription names its target by ``target_kind`` + ``target_id`` (existing rows:
    'measure' or 'field' with the id of their foreign key); triggers remove subscriptions to
    a challenge, event or organisation when it is deleted (the foreign-key cascade of the
    kinds without a foreign-key column)."""
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(sa.Column("target_kind", sa.String(20), nullable=True))
        batch.add_column(sa.Column("target_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE subscription SET target_kind = CASE WHEN measure_id IS NOT NULL "
        "THEN 'measure' ELSE 'field' END, target_id = COALESCE(measure_id, field_id)"
    )
    with op.batch_alter_table("subscription") as batch:
        batch.alter_column("target_kind", existing_type=sa.String(20), nullable=False)
        batch.alter_column("target_id", existing_type=sa.Integer(), nullable=False)
    op.create_index("ix_subscription_target", "subscription", ["target_kind", "target_id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(_PG_FUNCTION)
    for kind, table in TARGET_TABLES.items():
        if postgres:
            op.execute(
                f"CREATE TRIGGER {_trigger(kind)} AFTER DELETE ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION subscription_target_gone('{kind}')"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {_trigger(kind)} AFTER DELETE ON {table} BEGIN "
                f"DELETE FROM subscription WHERE target_kind = '{kind}' "
                "AND target_id = OLD.id; END"
            )


def downgrade() -> None:
    """Reverse of upgrade(); subscriptions to challenges, events and organisations go."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for kind, table in TARGET_TABLES.items():
        op.execute(f"DROP TRIGGER {_trigger(kind)}" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION subscription_target_gone()")
    op.execute("DELETE FROM subscription WHERE target_kind NOT IN ('measure', 'field')")
    op.drop_index("ix_subscription_target", table_name="subscription")
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("target_id")
        batch.drop_column("target_kind")
