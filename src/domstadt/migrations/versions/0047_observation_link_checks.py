"""Observations' links checked once per statement on PostgreSQL, not once per row (issue 16)

The three foreign keys of ``sta_observation`` (Datastream, MultiDatastream,
FeatureOfInterest, each ``ON DELETE CASCADE``) made PostgreSQL run one lookup per row and
key: two thirds of the database's time in a 5,000-row CreateObservations (104 instead of
176 ms per 5,000 rows without them, docs/benchmarks.md). They are replaced by triggers that
keep the same guarantees with one set-based query per statement:

- ``AFTER INSERT`` and ``AFTER UPDATE … FOR EACH STATEMENT`` with the new rows as a transition
  table: the referenced rows are locked ``FOR KEY SHARE`` (as the foreign key's check does,
  so a concurrent delete of the Datastream waits for this transaction, or this one fails
  when the delete committed first), then any row whose link is missing fails the statement
  with ``foreign_key_violation`` (SQLSTATE 23503) and the foreign key's own message;
- ``AFTER DELETE … FOR EACH STATEMENT`` on each parent table deletes its Observations (the
  cascade).

As before, the rules hold for statements on ``sta_observation`` itself (every path of the
platform); a statement that names one partition directly, or a cascade seen from a
``REPEATABLE READ`` transaction that started before the Observations were committed, is not
covered (docs/architecture.md). SQLite keeps its foreign keys (row checks there are cheap).

An expand step: the release before this one writes and deletes as it did and cannot tell the
triggers from the foreign keys (``replaced_constraints``; ``tests/core/test_cross_release.py``
runs its SensorThings write tests on this schema).

Revision ID: 0047_observation_link_checks
Revises: 0046_catalog_removal
"""

from __future__ import annotations

from alembic import op

revision = "0047_observation_link_checks"
down_revision = "0046_catalog_removal"
branch_labels = None
depends_on = None
phase = "expand"

replaced_constraints = (
    "fk_sta_observation_datastream_id_sta_datastream",
    "fk_sta_observation_multi_datastream_id_sta_multi_datastream",
    "fk_sta_observation_feature_of_interest_id_sta_feature_o_a1f8",
)
"""The foreign keys the triggers replace (``core.migration_lint`` lets an expand step drop
these, and only these)."""
LINKS = tuple(
    zip(
        ("datastream_id", "multi_datastream_id", "feature_of_interest_id"),
        ("sta_datastream", "sta_multi_datastream", "sta_feature_of_interest"),
        replaced_constraints,
        strict=True,
    )
)
"""(column, referenced table, the foreign key the checks replace)."""
CHECK = "sta_observation_links_check"


def _check_block(column: str, target: str, constraint: str) -> str:
    """One link's part of the check function, one query: each distinct linked id of the new
    rows, its row locked; the first without one fails the statement."""
    return f"""
    SELECT n.{column} INTO missing
      FROM (SELECT DISTINCT {column} FROM new_rows WHERE {column} IS NOT NULL) n
      LEFT JOIN LATERAL (
          SELECT 1 AS found FROM {target} p WHERE p.id = n.{column} FOR KEY SHARE
      ) linked ON true
     WHERE linked.found IS NULL
     LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'insert or update on table "sta_observation" violates foreign key '
                      'constraint "{constraint}"',
            DETAIL = format('Key ({column})=(%s) is not present in table "{target}".', missing),
            CONSTRAINT = '{constraint}', TABLE = 'sta_observation';
    END IF;"""


def _statements() -> list[str]:
    body = "".join(_check_block(*link) for link in LINKS)
    statements = [
        f"""CREATE FUNCTION {CHECK}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing bigint;
        BEGIN{body}
            RETURN NULL;
        END
        $$"""
    ]
    for event in ("INSERT", "UPDATE"):
        statements.append(
            f"CREATE TRIGGER {CHECK}_{event.lower()} AFTER {event} ON sta_observation"
            f" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {CHECK}()"
        )
    for column, target, _ in LINKS:
        statements += [
            f"""CREATE FUNCTION {target}_observations_cascade() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM sta_observation o USING old_rows p WHERE o.{column} = p.id;
                RETURN NULL;
            END
            $$""",
            f"CREATE TRIGGER {target}_observations_cascade AFTER DELETE ON {target}"
            " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"
            f" EXECUTE FUNCTION {target}_observations_cascade()",
        ]
    return statements


def upgrade() -> None:
    """Triggers in, foreign keys of ``sta_observation`` out (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _statements():
        op.execute(statement)
    for name in replaced_constraints:
        op.drop_constraint(name, "sta_observation", type_="foreignkey")


def downgrade() -> None:
    """The foreign keys back (each checks every stored row), the triggers gone."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, target, name in LINKS:
        op.create_foreign_key(name, "sta_observation", target, [column], ["id"], ondelete="CASCADE")
        op.execute(f"DROP TRIGGER {target}_observations_cascade ON {target}")
        op.execute(f"DROP FUNCTION {target}_observations_cascade()")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER {CHECK}_{event} ON sta_observation")
    op.execute(f"DROP FUNCTION {CHECK}()")
