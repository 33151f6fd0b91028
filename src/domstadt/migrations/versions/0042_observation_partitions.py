"""Observations partitioned by month on PostgreSQL (issue 16)

``sta_observation`` becomes ``PARTITION BY RANGE (phenomenon_time_start)``: a partition for
every UTC month that holds rows, for the current month and three months ahead, and the default
partition for everything else (see ``sensors/partitions.py``). The existing rows are copied
into the new table, the indexes are built after the copy, and the primary key becomes
``(id, phenomenon_time_start)`` (PostgreSQL requires the partition key in every unique key; the
ids still come from the same sequence). The downgrade copies the rows back into one plain
table. SQLite changes nothing.

The copy rewrites the table once under an ``ACCESS EXCLUSIVE`` lock (about a minute per 10^7
rows here); see docs/operations.md, "Upgrading a large installation".

Revision ID: 0042_observation_partitions
Revises: 0041_report_schedule
"""

from __future__ import annotations

import datetime as dt

from alembic import op

from domstadt.sensors.partitions import AHEAD, DEFAULT, PARENT, add_months, bound_sql, month_start
from domstadt.sensors.partitions import partition_name as month_name

revision = "0042_observation_partitions"
down_revision = "0041_report_schedule"
branch_labels = None
depends_on = None
phase = "contract"
"""Not an online step: the copy holds ``sta_observation`` under an ``ACCESS EXCLUSIVE`` lock, so
it runs in a maintenance window (docs/operations.md), although the release before it could
read and write the partitioned table (same name, columns and ORM key)."""

OLD = f"{PARENT}_old"
BRIN = "ix_sta_observation_time_brin"
INDEXES = (
    "uq_sta_observation_datastream_time",
    "uq_sta_observation_multi_datastream_time",
    "ix_sta_observation_feature_of_interest_id",
)


def _sql(statement: str, params: dict[str, object] | None = None) -> None:
    op.get_bind().exec_driver_sql(statement, params or {})


def _set_aside() -> None:
    """Rename the current table and its indexes out of the way."""
    _sql(f"ALTER TABLE {PARENT} RENAME TO {OLD}")
    for index in (f"pk_{PARENT}", *INDEXES):
        _sql(f"ALTER INDEX {index} RENAME TO {index}_old")


def _keys_and_links(primary_key: str) -> None:
    """Primary key, the indexes and the foreign keys of ``sta_observation``."""
    _sql(f"ALTER TABLE {PARENT} ADD CONSTRAINT pk_{PARENT} PRIMARY KEY ({primary_key})")
    for stream in ("datastream", "multi_datastream"):
        _sql(
            f"CREATE UNIQUE INDEX uq_sta_observation_{stream}_time ON {PARENT}"
            f" ({stream}_id, phenomenon_time_start, phenomenon_time_key)"
        )
    _sql(f"CREATE INDEX {INDEXES[2]} ON {PARENT} (feature_of_interest_id)")
    for column, target, name in (
        ("datastream_id", "sta_datastream", "fk_sta_observation_datastream_id_sta_datastream"),
        (
            "multi_datastream_id",
            "sta_multi_datastream",
            "fk_sta_observation_multi_datastream_id_sta_multi_datastream",
        ),
        (
            "feature_of_interest_id",
            "sta_feature_of_interest",
            "fk_sta_observation_feature_of_interest_id_sta_feature_o_a1f8",
        ),
    ):
        _sql(
            f"ALTER TABLE {PARENT} ADD CONSTRAINT {name} FOREIGN KEY ({column})"
            f" REFERENCES {target} (id) ON DELETE CASCADE"
        )


def _copy_and_finish(primary_key: str) -> None:
    _sql(f"ALTER SEQUENCE {PARENT}_id_seq OWNED BY {PARENT}.id")
    _sql(f"INSERT INTO {PARENT} SELECT * FROM {OLD}")
    _keys_and_links(primary_key)
    _sql(f"DROP TABLE {OLD} CASCADE")
    _sql(f"ANALYZE {PARENT}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside()
    _sql(
        f"CREATE TABLE {PARENT} (LIKE {OLD} INCLUDING DEFAULTS)"
        " PARTITION BY RANGE (phenomenon_time_start)"
    )
    _sql(f"CREATE TABLE {DEFAULT} PARTITION OF {PARENT} DEFAULT")
    found = op.get_bind().exec_driver_sql(
        f"SELECT DISTINCT date_trunc('month', phenomenon_time_start AT TIME ZONE 'UTC') FROM {OLD}"
    )
    first = month_start(dt.datetime.now(dt.UTC))
    months = {month.replace(tzinfo=dt.UTC) for month in found.scalars()}
    months |= {add_months(first, k) for k in range(AHEAD + 1)}
    for start in sorted(months):
        _sql(
            f"CREATE TABLE {month_name(start)} PARTITION OF {PARENT} FOR VALUES {bound_sql(start)}"
        )
    _copy_and_finish("id, phenomenon_time_start")
    # a time window over all datastreams (measured at 10^7 rows: docs/benchmarks.md); tiny,
    # and useful because live ingest writes each partition in time order
    _sql(f"CREATE INDEX {BRIN} ON {PARENT} USING brin (phenomenon_time_start)")
    # a stream's observations in id order (the default order of Datastreams(n)/Observations):
    # without these, each partition without rows of that stream is read to its end along the
    # primary key (867 ms instead of 1 ms at 10^6 rows, docs/benchmarks.md)
    for stream in ("datastream", "multi_datastream"):
        _sql(
            f"CREATE INDEX ix_sta_observation_{stream}_id ON {PARENT} ({stream}_id, id)"
            f" WHERE {stream}_id IS NOT NULL"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in (
        BRIN,
        "ix_sta_observation_datastream_id",
        "ix_sta_observation_multi_datastream_id",
    ):
        _sql(f"DROP INDEX {index}")
    _set_aside()
    _sql(f"CREATE TABLE {PARENT} (LIKE {OLD} INCLUDING DEFAULTS)")
    _copy_and_finish("id")
