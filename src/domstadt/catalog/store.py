"""Row-level helpers of the catalogue services: lookup, visibility, validation, writing.

The ``*service`` modules call these after their permission checks and write the audit log.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from domstadt.catalog import relations, vocab
from domstadt.catalog import validation as v
from domstadt.catalog.convert import dataset_public
from domstadt.catalog.models import Dataset, DatasetKeyword, DatasetTheme
from domstadt.catalog.schemas import DatasetCreate
from domstadt.core.auth.permissions import Actor, Permission, check_department
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, NotFound
from domstadt.core.text import index_document, index_documents, remove_document
from domstadt.core.text.models import SearchDocument

SEARCH_KIND = "dataset"
FIELDS = (
    "title",
    "name",
    "identifier",
    "description",
    "contact_name",
    "contact_email",
    "license_id",
    "political_geocoding_uri",
    "spatial_uri",
    "temporal_start",
    "temporal_end",
    "frequency",
    "access_rights",
    "restriction_reason",
    "landing_page",
    "issued",
    "modified",
    "contributor_id",
    "extras",
)


def find_dataset(session: Session, id_or_name: str) -> Dataset | None:
    """The dataset with this UUID or URL name (any state)."""
    return session.scalar(
        select(Dataset).where(or_(Dataset.uuid == id_or_name, Dataset.name == id_or_name))
    )


def may_see(actor: Actor, ds: Dataset) -> bool:
    """Public active datasets are seen by all; others only by those who may edit them."""
    if ds.state == "active" and ds.access_rights == "PUBLIC":
        return True
    return actor.can(Permission.CONTENT_EDIT) and actor.can_edit_department(ds.department_id)


def visible_dataset(session: Session, actor: Actor, id_or_name: str) -> Dataset:
    """The dataset if the actor may see it; NotFound otherwise (no hint that it exists)."""
    ds = find_dataset(session, id_or_name)
    if ds is None or (ds.state == "deleted" and not actor.can(Permission.DEPARTMENT_MANAGE)):
        raise NotFound(f"Datensatz '{id_or_name}' nicht gefunden.")
    if not may_see(actor, ds):
        raise NotFound(f"Datensatz '{id_or_name}' nicht gefunden.")
    return ds


def check_not_harvested(session: Session, ds: Dataset) -> None:
    """Harvested datasets are read-only here: their source is the place to change them."""
    if ds.harvest_source_id is None:
        return
    from domstadt.catalog.models import HarvestSource

    source = session.get(HarvestSource, ds.harvest_source_id)
    name = source.name if source else "?"
    raise Conflict(
        f"Der Datensatz '{ds.name}' wird aus der Harvest-Quelle '{name}' übernommen und ist "
        "hier schreibgeschützt; ändern Sie ihn in der Quelle."
    )


def normalised(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["extras"] = dict(values.get("extras") or {})
    values["license_id"] = vocab.license_id_of(values["license_id"]) or values["license_id"]
    values["themes"] = sorted(
        {vocab.code_of(t, vocab.THEME_BASE).upper() for t in values["themes"]}
    )
    values["keywords"] = sorted({k.strip()[:100] for k in values["keywords"] if k.strip()})
    values["frequency"] = vocab.code_of(values["frequency"], vocab.FREQUENCY_BASE)
    values["access_rights"] = vocab.code_of(
        values["access_rights"] or "PUBLIC", vocab.ACCESS_RIGHT_BASE
    )
    if not values["name"]:
        values["name"] = v.slugify(values["title"])
    if not values["political_geocoding_uri"]:
        values["political_geocoding_uri"] = vocab.KOELN_GEOCODING_URI
    return values


def validated(
    session: Session, values: dict[str, Any], own_id: int | None
) -> tuple[dict[str, Any], int | None]:
    values = normalised(values)
    problems = v.Problems()
    v.check_fields(values, problems)
    v.check_vocabularies(values, problems)
    if v.NAME_RE.match(values["name"]):
        v.check_name_free(session, values["name"], own_id, problems)
    dept_id = v.resolve_department(session, values.get("department_code"), problems)
    v.check_organisation(session, values.get("organisation_id"), problems)
    relations.checked(session, values, problems)
    problems.raise_if_any()
    return values, dept_id


def apply(ds: Dataset, values: dict[str, Any]) -> None:
    for key in FIELDS:
        setattr(ds, key, values[key])
    ds.organisation_id = values.get("organisation_id")
    ds.keywords = [DatasetKeyword(keyword=k) for k in values["keywords"]]
    ds.themes = [DatasetTheme(theme=t) for t in values["themes"]]
    ds.relations = relations.rows(values)
    ds.metadata_modified = utcnow()


def reindex(session: Session, ds: Dataset) -> None:
    """Refresh the dataset's full-text document (title, description, keywords)."""
    if ds.state != "active":
        remove_document(session, kind=SEARCH_KIND, entity_id=ds.id)
        return
    body = " ".join([ds.description, *(k.keyword for k in ds.keywords), ds.name])
    index_document(session, kind=SEARCH_KIND, entity_id=ds.id, title=ds.title, body=body)


def reindex_batch(session: Session, after_id: int, limit: int) -> tuple[int, int]:
    """:func:`reindex` for the next ``limit`` datasets with an id above ``after_id``, in three
    statements (no ORM objects: a full re-index of 100,000 datasets must not build 100,000
    statements); returns how many datasets were seen and the last id (0, after_id at the end)."""
    rows = session.execute(
        select(Dataset.id, Dataset.state, Dataset.title, Dataset.description, Dataset.name)
        .where(Dataset.id > after_id)
        .order_by(Dataset.id)
        .limit(limit)
    ).all()
    if not rows:
        return 0, after_id
    first, last = rows[0][0], rows[-1][0]
    keywords: dict[int, list[str]] = {}
    for dataset_id, keyword in session.execute(
        select(DatasetKeyword.dataset_id, DatasetKeyword.keyword)
        .where(DatasetKeyword.dataset_id.between(first, last))
        .order_by(DatasetKeyword.dataset_id, DatasetKeyword.keyword)
    ):
        keywords.setdefault(dataset_id, []).append(keyword)
    gone = [r[0] for r in rows if r[1] != "active"]
    docs = [
        (i, title, " ".join([description, *keywords.get(i, []), name]))
        for i, state, title, description, name in rows
        if state == "active"
    ]
    index_documents(session, kind=SEARCH_KIND, documents=docs)
    if gone:
        session.execute(
            delete(SearchDocument).where(
                SearchDocument.kind == SEARCH_KIND, SearchDocument.entity_id.in_(gone)
            )
        )
    return len(rows), last


def create_row(
    session: Session, actor: Actor, data: DatasetCreate, extra: dict[str, Any] | None = None
) -> Dataset:
    """Validate and insert a dataset row (shared by create and harvest; permission checked)."""
    values, dept_id = validated(session, data.model_dump(), None)
    check_department(actor, dept_id)
    ds = Dataset(uuid=str(uuid.uuid4()), department_id=dept_id, **(extra or {}))
    apply(ds, values)
    ds.metadata_created = ds.metadata_modified
    session.add(ds)
    session.flush()
    reindex(session, ds)
    return ds


def own_department_code(session: Session, actor: Actor) -> str | None:
    from domstadt.core.auth.models import Department, User

    user = session.get(User, actor.user_id) if actor.user_id else None
    dept = session.get(Department, user.department_id) if user and user.department_id else None
    return dept.code if dept else None


def current_values(session: Session, ds: Dataset) -> dict[str, Any]:
    public_ds = dataset_public(session, ds)
    values = {key: getattr(ds, key) for key in FIELDS}
    values["extras"] = dict(ds.extras or {})
    values.update(
        department_code=public_ds.department_code,
        organisation_id=ds.organisation_id,
        themes=public_ds.themes,
        keywords=public_ds.keywords,
        measures=public_ds.measures,
        datastreams=public_ds.datastreams,
    )
    return values


def update_row(session: Session, actor: Actor, ds: Dataset, values: dict[str, Any]) -> None:
    """Validate and write new values onto ``ds`` (permission on old and new owner)."""
    check_department(actor, ds.department_id)
    clean, dept_id = validated(session, values, ds.id)
    check_department(actor, dept_id)
    ds.department_id = dept_id
    apply(ds, clean)
    session.flush()
    reindex(session, ds)
