"""Migration 0024 on a database with subscriptions to a measure and a field of action: they
get their target kind and id and keep working; the delete triggers come and go with it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from domstadt.core.db import Database
from domstadt.core.migrate import alembic_config
from tests.masterplan.conftest import add_measure


def _migrate(db: Database, revision: str, *, down: bool = False) -> None:
    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _subscribe(db: Database, column: str, value: int, token: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO subscription (email, {column}, channel, webhook_url, secret, token, "
                "client_key, created_at, confirmed_at, cursor_at, last_error) VALUES "
                f"('lena@example.org', :value, 'email', '', '', :token, '', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '')"
            ),
            {"value": value, "token": token},
        )


def test_existing_subscriptions_get_their_target_and_survive_down_and_up(plan: Database) -> None:
    measure = add_measure(plan, code="DV-20", title="Digitales Bauamt")
    with plan.engine.connect() as connection:
        field_id = connection.execute(text("SELECT min(id) FROM field_of_action")).scalar_one()
    _migrate(plan, "0023_privacy_scan", down=True)
    _subscribe(plan, "measure_id", measure.id, "t-measure")
    _subscribe(plan, "field_id", field_id, "t-field")
    _migrate(plan, "head")
    with plan.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT token, target_kind, target_id FROM subscription ORDER BY token")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("t-field", "field", field_id),
        ("t-measure", "measure", measure.id),
    ]
    _migrate(plan, "0023_privacy_scan", down=True)
    _migrate(plan, "head")
    with plan.engine.begin() as connection:
        connection.execute(text("DELETE FROM measure WHERE id = :id"), {"id": measure.id})
        left = connection.execute(text("SELECT token FROM subscription")).scalars().all()
    assert left == ["t-field"]
