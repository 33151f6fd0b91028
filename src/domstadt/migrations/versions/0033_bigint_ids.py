"""64-bit ids on PostgreSQL (issue 16)

Every id column and every column naming an id (foreign keys, ``entity_id``, ``item_id``,
``department_id`` …) becomes ``bigint``, and every id sequence ``AS bigint``: an ``integer``
id ends at 2,147,483,647, which 2^31 observations reach. SQLite changes nothing (its
``INTEGER PRIMARY KEY`` is the 64-bit rowid, and its integers are 64 bits).

On PostgreSQL ``ALTER COLUMN … TYPE bigint`` rewrites each table and its indexes under an
``ACCESS EXCLUSIVE`` lock: instant on a small database, minutes per large table (see
docs/operations.md, "Upgrading a large installation"). Each table is rewritten once (all its
columns in one statement), all in the migration's one transaction.

Revision ID: 0033_bigint_ids
Revises: 0032_infrastructure
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0033_bigint_ids"
down_revision = "0032_infrastructure"
branch_labels = None
depends_on = None
phase = "expand"

# The integer columns that are a primary key, a foreign key or end in ``_id``, as reflected
# from the schema at 0032 (212 columns in 88 tables).
COLUMNS: dict[str, tuple[str, ...]] = {
    "account_token": ("id", "user_id"),
    "api_token": ("id", "user_id"),
    "app_key": ("app_id", "id"),
    "app_usage": ("app_id",),
    "audit_entry": ("actor_id", "id"),
    "budget_allocation": ("id", "measure_id", "pool_id"),
    "budget_pool": ("id",),
    "budget_pool_year": ("id", "pool_id"),
    "catalog_dataset": ("department_id", "harvest_source_id", "id", "organisation_id"),
    "catalog_dataset_keyword": ("dataset_id",),
    "catalog_dataset_relation": ("dataset_id", "ref"),
    "catalog_dataset_theme": ("dataset_id",),
    "catalog_distribution": ("dataset_id", "derived_from_id", "id"),
    "catalog_harvest_job": ("id", "source_id"),
    "catalog_harvest_object": ("dataset_id", "id", "job_id"),
    "catalog_harvest_source": ("department_id", "id"),
    "catalog_privacy_finding": ("dataset_id", "distribution_id", "id"),
    "catalog_privacy_scan": ("dataset_id", "distribution_id", "id"),
    "challenge": ("department_id", "id"),
    "challenge_attachment": ("id", "submission_id"),
    "challenge_juror": ("challenge_id", "id", "user_id"),
    "challenge_score": ("id", "juror_id", "submission_id"),
    "challenge_submission": (
        "challenge_id",
        "id",
        "initiative_id",
        "measure_id",
        "organisation_id",
        "user_id",
    ),
    "challenge_vote": ("challenge_id", "id", "submission_id", "user_id"),
    "content_hidden": ("id", "item_id", "organisation_id", "owner_id"),
    "content_report": ("id", "item_id", "reporter_id"),
    "department": ("id", "parent_id"),
    "developer_app": ("id", "owner_id"),
    "duplicate_suggestion": ("id", "initiative_id", "other_id"),
    "event": ("department_id", "id", "organisation_id"),
    "event_field": ("event_id", "field_of_action_id"),
    "event_measure": ("event_id", "measure_id"),
    "event_registration": ("event_id", "id", "user_id"),
    "field_of_action": ("id",),
    "funding_feed": ("id",),
    "funding_match": ("department_id", "id", "programme_id", "target_id"),
    "funding_programme": ("department_id", "id"),
    "funding_programme_version": ("id", "programme_id"),
    "initiative": ("duplicate_of_id", "duplicate_of_measure_id", "id", "owner_organisation_id"),
    "initiative_measure": ("initiative_id", "measure_id"),
    "lab_finding": ("id", "session_id"),
    "lab_session": ("department_id", "id", "measure_id"),
    "lab_signup": ("id", "session_id", "user_id"),
    "lab_sus_response": ("id", "session_id", "user_id"),
    "measure": ("id", "lead_department_id", "parent_id"),
    "measure_dependency": ("measure_id", "requires_id"),
    "measure_feedback": ("id", "measure_id", "organisation_id", "user_id"),
    "measure_feedback_report": ("feedback_id", "id", "reporter_id"),
    "measure_field": ("field_of_action_id", "measure_id"),
    "measure_kpi": ("id", "measure_id"),
    "measure_kpi_value": ("id", "kpi_id"),
    "measure_milestone": ("id", "measure_id"),
    "measure_partner_department": ("department_id", "measure_id"),
    "measure_partner_organisation": ("measure_id", "organisation_id"),
    "measure_screening": ("id", "measure_id"),
    "measure_sector": ("measure_id", "sector_id"),
    "measure_version": ("actor_id", "id", "measure_id"),
    "membership": ("id", "organisation_id", "user_id"),
    "organisation": ("id",),
    "pitch": ("id", "organisation_id", "statement_id", "user_id"),
    "pitch_juror": ("id", "statement_id", "user_id"),
    "pitch_score": ("id", "juror_id", "pitch_id"),
    "problem_statement": ("department_id", "event_id", "id"),
    "search_document": ("entity_id", "id"),
    "sector": ("id",),
    "sign_in_session": ("id", "user_id"),
    "site_search_entry": ("entity_id", "id"),
    "site_search_term": ("entry_id",),
    "site_search_word": ("id",),
    "sta_datastream": ("id", "observed_property_id", "sensor_id", "thing_id"),
    "sta_feature_of_interest": ("department_id", "id", "source_location_id"),
    "sta_historical_location": ("id", "thing_id"),
    "sta_historical_location_location": ("historical_location_id", "location_id"),
    "sta_location": ("department_id", "id"),
    "sta_mqtt_select_topic": ("id",),
    "sta_multi_datastream": ("id", "sensor_id", "thing_id"),
    "sta_multi_datastream_observed_property": ("multi_datastream_id", "observed_property_id"),
    "sta_observation": ("datastream_id", "feature_of_interest_id", "id", "multi_datastream_id"),
    "sta_observed_property": ("department_id", "id"),
    "sta_sensor": ("department_id", "id"),
    "sta_thing": ("department_id", "id"),
    "sta_thing_location": ("location_id", "thing_id"),
    "status_incident": ("id",),
    "status_report": ("id", "previous_id"),
    "subscription": ("field_id", "id", "measure_id", "target_id", "user_id"),
    "text_embedding": ("entity_id", "id"),
    "user_account": ("department_id", "id"),
    "webhook_delivery": ("id", "subscription_id"),
}


def _alter(type_name: str) -> None:
    for table, columns in COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN "{column}" TYPE {type_name}' for column in columns)
        op.execute(f'ALTER TABLE "{table}" {changes}')


def _sequences() -> list[str]:
    """The sequences (serial or identity) that hand out values of the columns above."""
    bind = op.get_bind()
    found = []
    for table, columns in COLUMNS.items():
        for column in columns:
            name = bind.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table}"', "column": column},
            ).scalar()
            if name is not None:
                found.append(name)
    return found


def upgrade() -> None:
    """PostgreSQL: the columns to ``bigint``, their sequences to ``AS bigint`` (whose maximum
    then rises to 2^63-1). SQLite: nothing to change."""
    if op.get_bind().dialect.name != "postgresql":
        return
    _alter("bigint")
    for sequence in _sequences():
        op.execute(f"ALTER SEQUENCE {sequence} AS bigint")


def downgrade() -> None:
    """PostgreSQL: back to ``integer``. This fails ("integer out of range", or a sequence
    whose value is beyond its new maximum) once any id or sequence has passed 2,147,483,647:
    such a database cannot go back to 0032 without deleting those rows."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for sequence in _sequences():
        op.execute(f"ALTER SEQUENCE {sequence} AS integer")
    _alter("integer")
