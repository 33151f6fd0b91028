"""The Observations' duplicate keys index only the rows they apply to (issue 16)

The duplicate rule (one Observation per stream and whole phenomenonTime) is two unique
indexes, one per kind of stream. Each held an entry for every row of the *other* kind as
well, with NULL as its stream: an entry per row that can never conflict (NULLs are distinct
in a unique index) but costs an index insertion on every write. They are replaced by partial
unique indexes that enforce the same rule on the rows it concerns (``WHERE datastream_id IS
NOT NULL`` and ``WHERE multi_datastream_id IS NOT NULL``). Measured on PostgreSQL
(docs/benchmarks.md): a 5,000-row binary COPY of Datastream rows, interleaved, median 54 → 39 ms
in the database. Reads that name a stream (``datastream_id = …``) can use a partial index.

An expand step: the rule is the same for the release before this one, which names neither
index (no ``ON CONFLICT`` on Observations); the new indexes are built before the old ones are
dropped (``replaced_constraints``, ``same_rule_keys``). On PostgreSQL the builds hold a SHARE
lock on the Observations for their duration (reads go on, writes wait; docs/operations.md
gives the time per 10^7 rows and the concurrent way for large stores).

Revision ID: 0049_observation_keys_partial
Revises: 0048_catalog_change
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0049_observation_keys_partial"
down_revision = "0048_catalog_change"
branch_labels = None
depends_on = None
phase = "expand"

replaced_constraints = (
    "uq_sta_observation_datastream_time",
    "uq_sta_observation_multi_datastream_time",
)
"""The unique indexes over every row, dropped once their partial successors exist."""
same_rule_keys = (
    "uq_sta_observation_datastream_phenomenon",
    "uq_sta_observation_multi_datastream_phenomenon",
)
"""The partial unique indexes that enforce the rule of ``replaced_constraints`` (in order)."""
TABLE = "sta_observation"
KEY = ["phenomenon_time_start", "phenomenon_time_key"]


def _where(column: str) -> dict[str, Any]:
    condition = sa.text(f"{column} IS NOT NULL")
    return {"postgresql_where": condition, "sqlite_where": condition}


def upgrade() -> None:
    """Partial keys in, the keys over every row out."""
    op.create_index(
        "uq_sta_observation_datastream_phenomenon",
        TABLE,
        ["datastream_id", *KEY],
        unique=True,
        **_where("datastream_id"),
    )
    op.create_index(
        "uq_sta_observation_multi_datastream_phenomenon",
        TABLE,
        ["multi_datastream_id", *KEY],
        unique=True,
        **_where("multi_datastream_id"),
    )
    for name in replaced_constraints:
        op.drop_index(name, table_name=TABLE)


def downgrade() -> None:
    """The keys over every row back."""
    for name, column in zip(
        replaced_constraints, ("datastream_id", "multi_datastream_id"), strict=True
    ):
        op.create_index(name, TABLE, [column, *KEY], unique=True)
    for name in same_rule_keys:
        op.drop_index(name, table_name=TABLE)
