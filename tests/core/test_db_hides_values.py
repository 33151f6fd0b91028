"""Issue 16: a failed SQL statement's message names the statement, never the values bound to
it (e-mail addresses, password hashes, tokens), so logs of a refused write carry no personal
data. (PostgreSQL's own DETAIL line still names the key of a unique violation: here "k1".)"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from domstadt.core.db import Database

SECRET = "geheim-ada@example.org"


def test_a_failed_insert_does_not_show_its_values(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE hide_probe (id VARCHAR(9) PRIMARY KEY, note TEXT)"))
    try:
        with pytest.raises(IntegrityError) as failed, db.engine.begin() as conn:
            for _ in range(2):
                conn.execute(
                    text("INSERT INTO hide_probe (id, note) VALUES ('k1', :note)"),
                    {"note": SECRET},
                )
        message = str(failed.value)
        assert "INSERT INTO hide_probe" in message
        assert SECRET not in message and "hidden due to hide_parameters" in message
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE hide_probe"))
