"""Migration 0010 on a database with organisations that are duplicates under the new name
rule: the upgrade keeps every row, fills unique keys and normalises what it can."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from domstadt.core.db import Database
from domstadt.core.migrate import alembic_config

NAMES = ["Veedel Mobil", "Veedel  Mobil ", "veedel mobil", "Domblick\u200b UG", "IHK Köln"]


def _migrate(db: Database, revision: str, *, down: bool = False) -> None:
    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_upgrade_keeps_duplicate_organisations_and_makes_keys_unique(db: Database) -> None:
    _migrate(db, "0009_sta_link_order", down=True)
    with db.engine.begin() as connection:
        for name in NAMES:
            connection.execute(
                text(
                    "INSERT INTO organisation (name, kind, verified, website, city, description, "
                    "created_at) VALUES (:name, 'company', false, '', '', '', CURRENT_TIMESTAMP)"
                ),
                {"name": name},
            )
    _migrate(db, "head")
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT name, name_key FROM organisation ORDER BY id"))
        stored = [tuple(r) for r in rows]
    assert stored[0] == ("Veedel Mobil", "veedel mobil")
    assert stored[1][0] == "Veedel  Mobil " and stored[1][1].startswith("veedel mobil #")
    assert stored[2][0] == "veedel mobil" and stored[2][1].startswith("veedel mobil #")
    assert stored[3] == ("Domblick UG", "domblick ug")
    assert stored[4] == ("IHK Köln", "ihk köln")
    _migrate(db, "0009_sta_link_order", down=True)  # and back down on this data too
    _migrate(db, "head")
