"""Pydantic models of the catalogue: what services accept and return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class DatasetCreate(BaseModel):
    """A new dataset. ``name`` (URL slug) is derived from the title when empty."""

    title: str = Field(default="", max_length=500)
    name: str = Field(default="", max_length=100)
    identifier: str = Field(default="", max_length=500)
    description: str = ""
    department_code: str | None = None
    organisation_id: int | None = None
    contact_name: str = Field(default="", max_length=300)
    contact_email: str = Field(default="", max_length=320)
    license_id: str = "dl-by-de/2.0"
    themes: list[str] = []
    keywords: list[str] = []
    political_geocoding_uri: str = ""
    spatial_uri: str = ""
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    frequency: str = ""
    access_rights: str = "PUBLIC"
    restriction_reason: str = ""
    landing_page: str = ""
    issued: dt.datetime | None = None
    modified: dt.datetime | None = None
    contributor_id: str = Field(default="", max_length=500)
    measures: list[str | int] = []
    """Masterplan measures the dataset belongs to: ids or /massnahmen/{id} URLs."""
    datastreams: list[str | int] = []
    """SensorThings Datastreams it relates to: ids or /sta/v1.1/Datastreams(id) URLs."""
    extras: dict[str, str] = {}
    """Free key/value pairs (CKAN extras) with keys that are no field of the catalogue."""


class DatasetPatch(BaseModel):
    """Fields to change; only the fields given are touched."""

    title: str | None = Field(default=None, max_length=500)
    name: str | None = Field(default=None, max_length=100)
    identifier: str | None = None
    description: str | None = None
    department_code: str | None = None
    organisation_id: int | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    license_id: str | None = None
    themes: list[str] | None = None
    keywords: list[str] | None = None
    political_geocoding_uri: str | None = None
    spatial_uri: str | None = None
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    frequency: str | None = None
    access_rights: str | None = None
    restriction_reason: str | None = None
    landing_page: str | None = None
    issued: dt.datetime | None = None
    modified: dt.datetime | None = None
    contributor_id: str | None = Field(default=None, max_length=500)
    measures: list[str | int] | None = None
    datastreams: list[str | int] | None = None
    extras: dict[str, str] | None = None


class DistributionCreate(BaseModel):
    """A new distribution: a download URL, or a file given separately to the service."""

    title: str = Field(default="", max_length=500)
    description: str = ""
    download_url: str = Field(default="", max_length=2000)
    access_url: str = Field(default="", max_length=2000)
    format: str = Field(default="", max_length=40)
    media_type: str = Field(default="", max_length=200)
    license_id: str = ""
    byte_size: int | None = None
    checksum: str = Field(default="", max_length=64)


class DistributionPublic(BaseModel):
    """A distribution as shown to everyone."""

    id: str
    dataset_id: str
    title: str
    description: str
    access_url: str
    download_url: str
    format: str
    media_type: str
    license_id: str
    byte_size: int | None
    checksum: str
    position: int
    derived_from: str | None = None
    datastore_active: bool = False
    table_schema: Any = None
    provenance: Any = None
    has_file: bool = False
    created: dt.datetime
    modified: dt.datetime


class Publisher(BaseModel):
    """The department or organisation that publishes a dataset (CKAN organization)."""

    name: str
    title: str
    kind: str


class DatasetPublic(BaseModel):
    """A dataset with its distributions."""

    id: str
    name: str
    identifier: str
    title: str
    description: str
    department_code: str | None
    publisher: Publisher | None
    contact_name: str
    contact_email: str
    license_id: str
    license_title: str
    themes: list[str]
    keywords: list[str]
    political_geocoding_uri: str
    spatial_uri: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    frequency: str
    access_rights: str
    restriction_reason: str
    landing_page: str
    issued: dt.datetime | None
    modified: dt.datetime | None
    state: str
    metadata_created: dt.datetime
    metadata_modified: dt.datetime
    contributor_id: str = ""
    extras: dict[str, str] = {}
    """CKAN extras with keys the catalogue has no field for."""
    harvest_source: str | None = None
    harvest_source_url: str | None = None
    measures: list[int] = []
    """Ids of the masterplan measures the dataset belongs to (pages at /massnahmen/{id})."""
    datastreams: list[int] = []
    """Ids of related SensorThings Datastreams (/sta/v1.1/Datastreams({id}))."""
    distributions: list[DistributionPublic]


class DataServicePublic(BaseModel):
    """dcat:DataService: an API of this platform that serves catalogue datasets."""

    id: str
    title: str
    description: str
    endpoint_url: str
    endpoint_description: str
    conforms_to: str = ""
    serves: list[str] = []
    """URL names of the datasets it serves (of those given to :func:`catalog_services`)."""


class FacetItem(BaseModel):
    """One value of a facet with its count."""

    name: str
    display_name: str
    count: int


class SearchQuery(BaseModel):
    """A catalogue search: text, facet filters, sort, page."""

    q: str = ""
    filters: dict[str, list[str]] = {}
    modified_since: dt.datetime | None = None
    modified_until: dt.datetime | None = None
    facets: list[str] = []
    sort: str = ""
    rows: int = 10
    start: int = 0
    facet_limit: int = 50


class SearchPage(BaseModel):
    """A page of search results with the facet counts over all matches."""

    count: int
    results: list[DatasetPublic]
    facets: dict[str, list[FacetItem]]
    sort: str


class HarvestReport(BaseModel):
    """Outcome of one harvest job."""

    job_id: int
    source: str
    status: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errored: int = 0
    errors: list[dict[str, str]] = []
    waiting: int = 0
    """Datasets held back by the privacy gate (their files hold personal data)."""
    held_back: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    """Files that could not be fetched or normalised (guid, url, reason)."""
    error: str = ""
    started: dt.datetime | None = None
    finished: dt.datetime | None = None


class HarvestSourcePublic(BaseModel):
    """A harvest source and its last job."""

    id: int
    name: str
    url: str
    type: str
    department_code: str | None = None
    license_id: str = ""
    last_job: HarvestReport | None = None


class HarvestSourceOverview(HarvestSourcePublic):
    """A harvest source with its latest jobs, newest first (the harvest page)."""

    jobs: list[HarvestReport] = []


class HarvestObjectPublic(BaseModel):
    """One remote record a job saw: its outcome and, when it failed, the reason."""

    guid: str
    state: str
    reason: str = ""
    dataset_name: str | None = None


class HarvestJobDetail(HarvestReport):
    """A job's report with its per-record objects (filtered by state, paged)."""

    objects: list[HarvestObjectPublic] = []
    object_count: int = 0


class FindingPublic(BaseModel):
    """A privacy-gate finding as editors see it (the example is masked)."""

    id: int
    distribution_id: str
    distribution_title: str
    kind: str
    column: str
    hits: int
    example: str
    status: str
    reason: str
    decided_by: str
    decided_at: dt.datetime | None


class ScanPublic(BaseModel):
    """The privacy scan of a large table, run as a job, with its progress."""

    id: int
    distribution_id: str
    distribution_title: str
    status: str
    rows_total: int
    rows_done: int
    percent: int
    findings: int
    error: str
    created: dt.datetime
    started: dt.datetime | None
    finished: dt.datetime | None


class DepartmentCounts(BaseModel):
    """Datasets of one department by publication status."""

    department_code: str | None
    department_name: str
    open: int = 0
    restricted: int = 0
    restricted_reasons: dict[str, int] = {}
    waiting: int = 0


class QualityRow(BaseModel):
    """One dataset's metadata quality."""

    name: str
    title: str
    department_code: str | None
    state: str
    access_rights: str
    score: int
    missing: list[str]


class Dashboard(BaseModel):
    """Open-by-default dashboard: counts per department and quality per dataset."""

    departments: list[DepartmentCounts]
    datasets: list[QualityRow]
    average_score: float
