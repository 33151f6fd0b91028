"""Turn catalogue rows into their public pydantic shape (used by the catalogue's services)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.catalog import vocab
from domstadt.catalog.models import Dataset, Distribution, HarvestSource
from domstadt.catalog.schemas import DatasetPublic, DistributionPublic, Publisher
from domstadt.core.auth.models import Department, Organisation
from domstadt.core.weburl import absolute


def department_org_name(code: str) -> str:
    """The CKAN organization name of a department (``stadt-koeln-69``)."""
    return "stadt-koeln-" + code.lower()


def organisation_org_name(organisation_id: int) -> str:
    """The CKAN organization name of a registered organisation (``org-3``)."""
    return f"org-{organisation_id}"


def publisher_of(session: Session, ds: Dataset) -> Publisher | None:
    """The organisation when set, else the owning department."""
    if ds.organisation_id is not None:
        org = session.get(Organisation, ds.organisation_id)
        if org is not None:
            return Publisher(
                name=organisation_org_name(org.id), title=org.name, kind="organisation"
            )
    if ds.department_id is not None:
        dept = session.get(Department, ds.department_id)
        if dept is not None:
            return Publisher(
                name=department_org_name(dept.code), title=dept.name, kind="department"
            )
    return None


def distribution_public(
    dist: Distribution, dataset_uuid: str, parent_uuid: str | None
) -> DistributionPublic:
    """A distribution as the world sees it (file paths stay private)."""
    return DistributionPublic(
        id=dist.uuid,
        dataset_id=dataset_uuid,
        title=dist.title,
        description=dist.description,
        access_url=dist.access_url,
        download_url=dist.download_url,
        format=dist.format,
        media_type=dist.media_type,
        license_id=dist.license_id,
        byte_size=dist.byte_size,
        checksum=dist.checksum,
        position=dist.position,
        derived_from=parent_uuid,
        datastore_active=bool(dist.datastore_path),
        table_schema=dist.table_schema,
        provenance=dist.provenance,
        has_file=bool(dist.file_path),
        created=dist.created,
        modified=dist.modified,
    )


def dataset_public(session: Session, ds: Dataset) -> DatasetPublic:
    """A dataset with publisher, licence title and its distributions."""
    by_id = {d.id: d.uuid for d in ds.distributions}
    dept = session.get(Department, ds.department_id) if ds.department_id else None
    source = session.get(HarvestSource, ds.harvest_source_id) if ds.harvest_source_id else None
    return DatasetPublic(
        id=ds.uuid,
        name=ds.name,
        identifier=ds.identifier,
        title=ds.title,
        description=ds.description,
        department_code=dept.code if dept else None,
        publisher=publisher_of(session, ds),
        contact_name=ds.contact_name,
        contact_email=ds.contact_email,
        license_id=ds.license_id,
        license_title=vocab.license_title(ds.license_id),
        themes=[t.theme for t in ds.themes],
        keywords=[k.keyword for k in ds.keywords],
        political_geocoding_uri=ds.political_geocoding_uri,
        spatial_uri=ds.spatial_uri,
        temporal_start=ds.temporal_start,
        temporal_end=ds.temporal_end,
        frequency=ds.frequency,
        access_rights=ds.access_rights,
        restriction_reason=ds.restriction_reason,
        landing_page=ds.landing_page,
        issued=ds.issued,
        modified=ds.modified,
        state=ds.state,
        metadata_created=ds.metadata_created,
        metadata_modified=ds.metadata_modified,
        contributor_id=ds.contributor_id,
        extras=dict(ds.extras or {}),
        harvest_source=source.name if source else None,
        harvest_source_url=source.url if source else None,
        measures=[r.ref for r in ds.relations if r.kind == "measure"],
        datastreams=[r.ref for r in ds.relations if r.kind == "datastream"],
        distributions=[
            distribution_public(
                d, ds.uuid, by_id.get(d.derived_from_id) if d.derived_from_id else None
            )
            for d in ds.distributions
        ],
    )


def with_absolute_links(ds: DatasetPublic, base: str) -> DatasetPublic:
    """``ds`` for an API answer: download and access addresses stored as site paths become
    absolute on ``base`` (external addresses stay as they are)."""
    distributions = [
        d.model_copy(
            update={
                "download_url": absolute(base, d.download_url),
                "access_url": absolute(base, d.access_url),
            }
        )
        for d in ds.distributions
    ]
    return ds.model_copy(update={"distributions": distributions})
