"""catalog: DCAT-AP.de datasets, distributions, harvesting, DataStore

Revision ID: 0005_catalog
Revises: 0004_masterplan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0005_catalog"
down_revision = "0004_masterplan"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Catalogue tables: datasets with keywords and themes, distributions, harvesting."""
    op.create_table(
        "catalog_harvest_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("license_id", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("created", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_catalog_harvest_source_department_id_department"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_harvest_source")),
        sa.UniqueConstraint("name", name=op.f("uq_catalog_harvest_source_name")),
    )
    op.create_table(
        "catalog_dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("identifier", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=300), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("license_id", sa.String(length=100), nullable=False),
        sa.Column("political_geocoding_uri", sa.String(length=500), nullable=False),
        sa.Column("spatial_uri", sa.String(length=500), nullable=False),
        sa.Column("temporal_start", sa.Date(), nullable=True),
        sa.Column("temporal_end", sa.Date(), nullable=True),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("access_rights", sa.String(length=20), nullable=False),
        sa.Column("restriction_reason", sa.String(length=40), nullable=False),
        sa.Column("landing_page", sa.String(length=1000), nullable=False),
        sa.Column("issued", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("modified", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("metadata_created", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("metadata_modified", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("harvest_source_id", sa.Integer(), nullable=True),
        sa.Column("harvest_guid", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("contributor_id", sa.String(length=500), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_catalog_dataset_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["harvest_source_id"],
            ["catalog_harvest_source.id"],
            name=op.f("fk_catalog_dataset_harvest_source_id_catalog_harvest_source"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_catalog_dataset_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_dataset")),
        sa.UniqueConstraint("name", name=op.f("uq_catalog_dataset_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_catalog_dataset_uuid")),
    )
    op.create_index(
        op.f("ix_catalog_dataset_access_rights"), "catalog_dataset", ["access_rights"], unique=False
    )
    op.create_index(
        op.f("ix_catalog_dataset_department_id"), "catalog_dataset", ["department_id"], unique=False
    )
    op.create_index(
        op.f("ix_catalog_dataset_harvest_source_id"),
        "catalog_dataset",
        ["harvest_source_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_catalog_dataset_license_id"), "catalog_dataset", ["license_id"], unique=False
    )
    op.create_index(
        op.f("ix_catalog_dataset_metadata_modified"),
        "catalog_dataset",
        ["metadata_modified"],
        unique=False,
    )
    op.create_index(
        op.f("ix_catalog_dataset_organisation_id"),
        "catalog_dataset",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(op.f("ix_catalog_dataset_state"), "catalog_dataset", ["state"], unique=False)
    op.create_table(
        "catalog_harvest_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False, server_default="3600"),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["catalog_harvest_source.id"],
            name=op.f("fk_catalog_harvest_job_source_id_catalog_harvest_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_harvest_job")),
    )
    op.create_index(
        op.f("ix_catalog_harvest_job_source_id"), "catalog_harvest_job", ["source_id"], unique=False
    )
    op.create_table(
        "catalog_dataset_keyword",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_dataset_keyword_dataset_id_catalog_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", "keyword", name=op.f("pk_catalog_dataset_keyword")),
    )
    op.create_index(
        op.f("ix_catalog_dataset_keyword_keyword"),
        "catalog_dataset_keyword",
        ["keyword"],
        unique=False,
    )
    op.create_table(
        "catalog_dataset_theme",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_dataset_theme_dataset_id_catalog_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", "theme", name=op.f("pk_catalog_dataset_theme")),
    )
    op.create_index(
        op.f("ix_catalog_dataset_theme_theme"), "catalog_dataset_theme", ["theme"], unique=False
    )
    op.create_table(
        "catalog_distribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("access_url", sa.String(length=2000), nullable=False),
        sa.Column("download_url", sa.String(length=2000), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("license_id", sa.String(length=100), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("derived_from_id", sa.Integer(), nullable=True),
        sa.Column("datastore_path", sa.String(length=500), nullable=False),
        sa.Column("table_schema", sa.JSON(), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=True),
        sa.Column("created", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_distribution_dataset_id_catalog_dataset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["derived_from_id"],
            ["catalog_distribution.id"],
            name=op.f("fk_catalog_distribution_derived_from_id_catalog_distribution"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_distribution")),
        sa.UniqueConstraint("uuid", name=op.f("uq_catalog_distribution_uuid")),
    )
    op.create_index(
        op.f("ix_catalog_distribution_dataset_id"),
        "catalog_distribution",
        ["dataset_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_catalog_distribution_derived_from_id"),
        "catalog_distribution",
        ["derived_from_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_catalog_distribution_format"), "catalog_distribution", ["format"], unique=False
    )
    op.create_table(
        "catalog_harvest_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_harvest_object_dataset_id_catalog_dataset"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["catalog_harvest_job.id"],
            name=op.f("fk_catalog_harvest_object_job_id_catalog_harvest_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_harvest_object")),
        sa.UniqueConstraint("job_id", "guid", name=op.f("uq_catalog_harvest_object_job_id")),
    )
    op.create_index(
        op.f("ix_catalog_harvest_object_job_id"), "catalog_harvest_object", ["job_id"], unique=False
    )
    op.create_table(
        "catalog_privacy_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("column", sa.String(length=200), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("example", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_privacy_finding_dataset_id_catalog_dataset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["catalog_distribution.id"],
            name=op.f("fk_catalog_privacy_finding_distribution_id_catalog_distribution"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_privacy_finding")),
    )
    op.create_index(
        op.f("ix_catalog_privacy_finding_dataset_id"),
        "catalog_privacy_finding",
        ["dataset_id"],
        unique=False,
    )
    op.create_table(
        "catalog_dataset_relation",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["catalog_dataset.id"],
            name=op.f("fk_catalog_dataset_relation_dataset_id_catalog_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset_id", "kind", "ref", name=op.f("pk_catalog_dataset_relation")
        ),
    )
    op.create_index(
        op.f("ix_catalog_dataset_harvest_guid"),
        "catalog_dataset",
        ["harvest_source_id", "harvest_guid"],
        unique=False,
    )


def downgrade() -> None:
    """Reverse of upgrade()."""
    op.drop_index(op.f("ix_catalog_dataset_harvest_guid"), table_name="catalog_dataset")
    op.drop_table("catalog_dataset_relation")
    op.drop_index(
        op.f("ix_catalog_privacy_finding_dataset_id"), table_name="catalog_privacy_finding"
    )
    op.drop_table("catalog_privacy_finding")
    op.drop_index(op.f("ix_catalog_harvest_object_job_id"), table_name="catalog_harvest_object")
    op.drop_table("catalog_harvest_object")
    op.drop_index(op.f("ix_catalog_distribution_format"), table_name="catalog_distribution")
    op.drop_index(
        op.f("ix_catalog_distribution_derived_from_id"), table_name="catalog_distribution"
    )
    op.drop_index(op.f("ix_catalog_distribution_dataset_id"), table_name="catalog_distribution")
    op.drop_table("catalog_distribution")
    op.drop_index(op.f("ix_catalog_dataset_theme_theme"), table_name="catalog_dataset_theme")
    op.drop_table("catalog_dataset_theme")
    op.drop_index(op.f("ix_catalog_dataset_keyword_keyword"), table_name="catalog_dataset_keyword")
    op.drop_table("catalog_dataset_keyword")
    op.drop_index(op.f("ix_catalog_harvest_job_source_id"), table_name="catalog_harvest_job")
    op.drop_table("catalog_harvest_job")
    op.drop_index(op.f("ix_catalog_dataset_state"), table_name="catalog_dataset")
    op.drop_index(op.f("ix_catalog_dataset_organisation_id"), table_name="catalog_dataset")
    op.drop_index(op.f("ix_catalog_dataset_metadata_modified"), table_name="catalog_dataset")
    op.drop_index(op.f("ix_catalog_dataset_license_id"), table_name="catalog_dataset")
    op.drop_index(op.f("ix_catalog_dataset_harvest_source_id"), table_name="catalog_dataset")
    op.drop_index(op.f("ix_catalog_dataset_department_id"), table_name="catalog_dataset")
    op.drop_index(op.f("ix_catalog_dataset_access_rights"), table_name="catalog_dataset")
    op.drop_table("catalog_dataset")
    op.drop_table("catalog_harvest_source")
