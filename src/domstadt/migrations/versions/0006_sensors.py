"""sensors: SensorThings entities and observations

Revision ID: 0006_sensors
Revises: 0005_catalog
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sensors"
down_revision = "0005_catalog"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """The eight SensorThings tables, their link tables and the observation index."""
    op.create_table(
        "sta_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("encoding_type", sa.String(length=200), nullable=False),
        sa.Column("location", sa.JSON(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.Column("bbox_min_x", sa.Float(), nullable=True),
        sa.Column("bbox_min_y", sa.Float(), nullable=True),
        sa.Column("bbox_max_x", sa.Float(), nullable=True),
        sa.Column("bbox_max_y", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_location")),
    )
    op.create_index(op.f("ix_sta_location_name"), "sta_location", ["name"], unique=False)
    op.create_index(
        "ix_sta_location_bbox",
        "sta_location",
        ["bbox_min_x", "bbox_max_x", "bbox_min_y", "bbox_max_y"],
    )
    op.create_table(
        "sta_observed_property",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("definition", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_observed_property")),
    )
    op.create_index(
        op.f("ix_sta_observed_property_name"), "sta_observed_property", ["name"], unique=False
    )
    op.create_table(
        "sta_sensor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("encoding_type", sa.String(length=200), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_sensor")),
    )
    op.create_index(op.f("ix_sta_sensor_name"), "sta_sensor", ["name"], unique=False)
    op.create_table(
        "sta_thing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_thing")),
    )
    op.create_index(op.f("ix_sta_thing_name"), "sta_thing", ["name"], unique=False)
    op.create_table(
        "sta_datastream",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("observation_type", sa.String(length=200), nullable=False),
        sa.Column("unit_of_measurement", sa.JSON(), nullable=False),
        sa.Column("observed_area", sa.JSON(), nullable=True),
        sa.Column("phenomenon_time_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phenomenon_time_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_time_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_time_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("thing_id", sa.Integer(), nullable=False),
        sa.Column("sensor_id", sa.Integer(), nullable=False),
        sa.Column("observed_property_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observed_property_id"],
            ["sta_observed_property.id"],
            name=op.f("fk_sta_datastream_observed_property_id_sta_observed_property"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sensor_id"],
            ["sta_sensor.id"],
            name=op.f("fk_sta_datastream_sensor_id_sta_sensor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["sta_thing.id"],
            name=op.f("fk_sta_datastream_thing_id_sta_thing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_datastream")),
    )
    op.create_index(op.f("ix_sta_datastream_name"), "sta_datastream", ["name"], unique=False)
    op.create_index(
        op.f("ix_sta_datastream_observed_property_id"),
        "sta_datastream",
        ["observed_property_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_sta_datastream_sensor_id"), "sta_datastream", ["sensor_id"], unique=False
    )
    op.create_index(
        op.f("ix_sta_datastream_thing_id"), "sta_datastream", ["thing_id"], unique=False
    )
    op.create_table(
        "sta_feature_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("encoding_type", sa.String(length=200), nullable=False),
        sa.Column("feature", sa.JSON(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.Column("bbox_min_x", sa.Float(), nullable=True),
        sa.Column("bbox_min_y", sa.Float(), nullable=True),
        sa.Column("bbox_max_x", sa.Float(), nullable=True),
        sa.Column("bbox_max_y", sa.Float(), nullable=True),
        sa.Column("source_location_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_location_id"],
            ["sta_location.id"],
            name=op.f("fk_sta_feature_of_interest_source_location_id_sta_location"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_feature_of_interest")),
    )
    op.create_index(
        op.f("ix_sta_feature_of_interest_name"), "sta_feature_of_interest", ["name"], unique=False
    )
    op.create_index(
        "ix_sta_feature_of_interest_bbox",
        "sta_feature_of_interest",
        ["bbox_min_x", "bbox_max_x", "bbox_min_y", "bbox_max_y"],
    )
    op.create_index(
        op.f("ix_sta_feature_of_interest_source_location_id"),
        "sta_feature_of_interest",
        ["source_location_id"],
        unique=False,
    )
    op.create_table(
        "sta_historical_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("thing_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["sta_thing.id"],
            name=op.f("fk_sta_historical_location_thing_id_sta_thing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_historical_location")),
    )
    op.create_index(
        op.f("ix_sta_historical_location_thing_id"),
        "sta_historical_location",
        ["thing_id"],
        unique=False,
    )
    op.create_table(
        "sta_thing_location",
        sa.Column("thing_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["sta_location.id"],
            name=op.f("fk_sta_thing_location_location_id_sta_location"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["sta_thing.id"],
            name=op.f("fk_sta_thing_location_thing_id_sta_thing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thing_id", "location_id", name=op.f("pk_sta_thing_location")),
    )
    op.create_index(
        op.f("ix_sta_thing_location_location_id"),
        "sta_thing_location",
        ["location_id"],
        unique=False,
    )
    op.create_table(
        "sta_historical_location_location",
        sa.Column("historical_location_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["historical_location_id"],
            ["sta_historical_location.id"],
            name=op.f(
                "fk_sta_historical_location_location_historical_location_id_sta_historical_location"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["sta_location.id"],
            name=op.f("fk_sta_historical_location_location_location_id_sta_location"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "historical_location_id",
            "location_id",
            name=op.f("pk_sta_historical_location_location"),
        ),
    )
    op.create_index(
        op.f("ix_sta_historical_location_location_location_id"),
        "sta_historical_location_location",
        ["location_id"],
        unique=False,
    )
    op.create_table(
        "sta_multi_datastream",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("observation_type", sa.String(length=200), nullable=False),
        sa.Column("multi_observation_data_types", sa.JSON(), nullable=False),
        sa.Column("unit_of_measurements", sa.JSON(), nullable=False),
        sa.Column("observed_area", sa.JSON(), nullable=True),
        sa.Column("phenomenon_time_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phenomenon_time_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_time_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_time_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.Column("thing_id", sa.Integer(), nullable=False),
        sa.Column("sensor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sensor_id"],
            ["sta_sensor.id"],
            name=op.f("fk_sta_multi_datastream_sensor_id_sta_sensor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["sta_thing.id"],
            name=op.f("fk_sta_multi_datastream_thing_id_sta_thing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_multi_datastream")),
    )
    for column in ("name", "sensor_id", "thing_id"):
        op.create_index(op.f(f"ix_sta_multi_datastream_{column}"), "sta_multi_datastream", [column])
    op.create_table(
        "sta_multi_datastream_observed_property",
        sa.Column("multi_datastream_id", sa.Integer(), nullable=False),
        sa.Column("observed_property_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["multi_datastream_id"],
            ["sta_multi_datastream.id"],
            name=op.f(
                "fk_sta_multi_datastream_observed_property_multi_datastream_id_sta_multi_datastream"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["observed_property_id"],
            ["sta_observed_property.id"],
            name=op.f(
                "fk_sta_multi_datastream_observed_property_observed_property_id_sta_observed_property"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "multi_datastream_id",
            "observed_property_id",
            name=op.f("pk_sta_multi_datastream_observed_property"),
        ),
    )
    op.create_index(
        op.f("ix_sta_multi_datastream_observed_property_observed_property_id"),
        "sta_multi_datastream_observed_property",
        ["observed_property_id"],
    )
    op.create_table(
        "sta_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("datastream_id", sa.Integer(), nullable=True),
        sa.Column("multi_datastream_id", sa.Integer(), nullable=True),
        sa.Column("phenomenon_time_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("phenomenon_time_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_number", sa.Float(), nullable=True),
        sa.Column("result_json", sa.JSON(), nullable=True),
        sa.Column("result_quality", sa.JSON(), nullable=True),
        sa.Column("valid_time_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_time_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("feature_of_interest_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["datastream_id"],
            ["sta_datastream.id"],
            name=op.f("fk_sta_observation_datastream_id_sta_datastream"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feature_of_interest_id"],
            ["sta_feature_of_interest.id"],
            name=op.f("fk_sta_observation_feature_of_interest_id_sta_feature_of_interest"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["multi_datastream_id"],
            ["sta_multi_datastream.id"],
            name=op.f("fk_sta_observation_multi_datastream_id_sta_multi_datastream"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_observation")),
    )
    op.create_index(
        op.f("ix_sta_observation_feature_of_interest_id"),
        "sta_observation",
        ["feature_of_interest_id"],
        unique=False,
    )
    op.create_index(
        "uq_sta_observation_datastream_time",
        "sta_observation",
        ["datastream_id", "phenomenon_time_start"],
        unique=True,
    )
    op.create_index(
        "uq_sta_observation_multi_datastream_time",
        "sta_observation",
        ["multi_datastream_id", "phenomenon_time_start"],
        unique=True,
    )
    op.create_table(
        "sta_mqtt_select_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=1000), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sta_mqtt_select_topic")),
        sa.UniqueConstraint("topic", name=op.f("uq_sta_mqtt_select_topic_topic")),
    )


def downgrade() -> None:
    """Reverse of upgrade()."""
    op.drop_table("sta_mqtt_select_topic")
    op.drop_index("uq_sta_observation_datastream_time", table_name="sta_observation")
    op.drop_index(op.f("ix_sta_observation_feature_of_interest_id"), table_name="sta_observation")
    op.drop_table("sta_observation")
    op.drop_table("sta_multi_datastream_observed_property")
    op.drop_table("sta_multi_datastream")
    op.drop_index(
        op.f("ix_sta_historical_location_location_location_id"),
        table_name="sta_historical_location_location",
    )
    op.drop_table("sta_historical_location_location")
    op.drop_index(op.f("ix_sta_thing_location_location_id"), table_name="sta_thing_location")
    op.drop_table("sta_thing_location")
    op.drop_index(op.f("ix_sta_historical_location_thing_id"), table_name="sta_historical_location")
    op.drop_table("sta_historical_location")
    op.drop_index(
        op.f("ix_sta_feature_of_interest_source_location_id"), table_name="sta_feature_of_interest"
    )
    op.drop_index("ix_sta_feature_of_interest_bbox", table_name="sta_feature_of_interest")
    op.drop_index(op.f("ix_sta_feature_of_interest_name"), table_name="sta_feature_of_interest")
    op.drop_table("sta_feature_of_interest")
    op.drop_index(op.f("ix_sta_datastream_thing_id"), table_name="sta_datastream")
    op.drop_index(op.f("ix_sta_datastream_sensor_id"), table_name="sta_datastream")
    op.drop_index(op.f("ix_sta_datastream_observed_property_id"), table_name="sta_datastream")
    op.drop_index(op.f("ix_sta_datastream_name"), table_name="sta_datastream")
    op.drop_table("sta_datastream")
    op.drop_index(op.f("ix_sta_thing_name"), table_name="sta_thing")
    op.drop_table("sta_thing")
    op.drop_index(op.f("ix_sta_sensor_name"), table_name="sta_sensor")
    op.drop_table("sta_sensor")
    op.drop_index(op.f("ix_sta_observed_property_name"), table_name="sta_observed_property")
    op.drop_table("sta_observed_property")
    op.drop_index("ix_sta_location_bbox", table_name="sta_location")
    op.drop_index(op.f("ix_sta_location_name"), table_name="sta_location")
    op.drop_table("sta_location")
