"""Distributions (CKAN resources): links and uploaded files; tabular uploads are normalised
into canonical CSV, JSON and Parquet beside the original and loaded into the DataStore;
GeoJSON uploads and tables with coordinate columns also get a canonical WGS 84 GeoJSON."""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import store, vocab
from domstadt.catalog.convert import distribution_public
from domstadt.catalog.datastore import engine
from domstadt.catalog.models import Dataset, Distribution
from domstadt.catalog.normalise import geo, tabular
from domstadt.catalog.privacy import gate
from domstadt.catalog.schemas import DistributionCreate, DistributionPublic
from domstadt.core import audit
from domstadt.core.auth.permissions import (
    Actor,
    Permission,
    check_department,
    internal,
    public,
    requires,
)
from domstadt.core.db import utcnow
from domstadt.core.errors import InsufficientStorage, Invalid, NotFound, is_disk_full
from domstadt.core.weburl import is_site_path, is_web_url, web_url_problem

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
TABULAR = {"CSV", "XLSX"}
GEO = {"GEOJSON"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 120
MAX_SUFFIX = 20
"""Longest stored file name (file systems allow 255 bytes; the path column 500 characters)."""


def _stored_name(filename: str) -> str:
    """The name an uploaded file is kept under: its last path part (``/`` or ``\\``) in safe
    characters, without leading dots (no ``..``, no hidden file), at most :data:`MAX_NAME`
    characters keeping a short suffix; ``datei`` when nothing is left."""
    name = _SAFE_NAME.sub("_", re.split(r"[/\\]", filename)[-1]).lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        keep = suffix[:MAX_SUFFIX] if dot and stem else ""
        name = name[: MAX_NAME - len(keep) - 1] + "." + keep if keep else name[:MAX_NAME]
    return name or "datei"


def _format_of(filename: str, given: str) -> str:
    if given:
        return given.strip().upper().lstrip(".")
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix.upper() if 0 < len(suffix) <= MAX_SUFFIX else ""  # a long tail is no format


def _validate(data: DistributionCreate, has_file: bool) -> None:
    if not has_file and not (data.download_url or data.access_url):
        raise Invalid("Bitte eine Download-Adresse angeben oder eine Datei hochladen.", field="url")
    for key in ("download_url", "access_url"):
        value = getattr(data, key)
        if value and not (is_web_url(value) or is_site_path(value)):
            raise Invalid(web_url_problem(value), field=key)
    if data.license_id and vocab.license_id_of(data.license_id) is None:
        raise Invalid(f"Unbekannte Lizenz '{data.license_id}'.", field="license_id")


def _add(session: Session, ds: Dataset, **values: Any) -> Distribution:
    position = len(ds.distributions)
    dist = Distribution(uuid=str(uuid.uuid4()), dataset_id=ds.id, position=position, **values)
    ds.distributions.append(dist)
    session.flush()
    return dist


def _store_file(data_dir: Path, dist_uuid: str, filename: str, content: bytes) -> Path:
    """Write ``content`` under the resource's folder; ``filename`` is a :func:`_stored_name`."""
    folder = data_dir / "catalog" / "files" / dist_uuid
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_bytes(content)
    return path


def _download_path(dist_uuid: str) -> str:
    """The site path a stored file is downloaded from; pages and APIs make it absolute."""
    return f"/daten/ressource/{dist_uuid}/download"


def _normalise(
    session: Session, ds: Dataset, original: Distribution, content: bytes, data_dir: Path
) -> None:
    table = tabular.read_xlsx(content) if original.format == "XLSX" else tabular.read_csv(content)
    folder = data_dir / "catalog" / "files" / original.uuid / "normalised"
    paths = tabular.write_outputs(table, folder, "data")
    provenance = {
        **table.provenance,
        "source": original.uuid,
        "source_checksum": original.checksum,
        "normalised_at": utcnow().isoformat(),
        "rows": table.row_count,
        "tool": "domstadt.catalog.normalise",
    }
    gate.record_findings(
        session, ds, original, table.names, table.columns, parquet=paths["PARQUET"]
    )
    original.table_schema = table.schema
    original.provenance = provenance
    original.datastore_path = str(paths["PARQUET"].relative_to(data_dir))
    engine.prepare(paths["PARQUET"])
    for fmt, path in paths.items():
        _add_derived(session, ds, original, fmt, path, data_dir, table.schema, provenance)
    points = geo.from_table(table.names, table.columns)
    if points is not None:
        geo_provenance = {**provenance, **points.provenance}
        original.provenance = {**provenance, "geo": points.provenance}
        path = geo.write(points, folder, "data")
        _add_derived(session, ds, original, "GEOJSON", path, data_dir, None, geo_provenance)


def _add_derived(
    session: Session,
    ds: Dataset,
    original: Distribution,
    fmt: str,
    path: Path,
    data_dir: Path,
    schema: dict[str, Any] | None,
    provenance: dict[str, Any],
) -> Distribution:
    raw = path.read_bytes()
    label = "GeoJSON, WGS 84" if fmt == "GEOJSON" else fmt
    dist = _add(
        session,
        ds,
        title=f"{original.title or 'Daten'} ({label}, normalisiert)",
        file_path=str(path.relative_to(data_dir)),
        format=fmt,
        media_type=vocab.MEDIA_TYPES.get(fmt, ""),
        license_id=original.license_id,
        byte_size=len(raw),
        checksum=hashlib.sha256(raw).hexdigest(),
        derived_from_id=original.id,
        table_schema=schema,
        provenance=provenance,
    )
    dist.download_url = _download_path(dist.uuid)
    return dist


def _normalise_geo(
    session: Session, ds: Dataset, original: Distribution, content: bytes, data_dir: Path
) -> None:
    """GeoJSON in any supported coordinate system: canonical WGS 84 GeoJSON beside it."""
    data = geo.read_geojson(content)
    provenance = {
        **data.provenance,
        "source": original.uuid,
        "source_checksum": original.checksum,
        "normalised_at": utcnow().isoformat(),
        "tool": "domstadt.catalog.normalise.geo",
    }
    names, columns = geo.property_columns(data)
    if names:
        gate.record_findings(session, ds, original, names, columns)
    original.provenance = provenance
    folder = data_dir / "catalog" / "files" / original.uuid / "normalised"
    path = geo.write(data, folder, "data")
    _add_derived(session, ds, original, "GEOJSON", path, data_dir, None, provenance)


@requires(Permission.CONTENT_EDIT)
def distribution_create(
    session: Session,
    *,
    actor: Actor,
    dataset: str,
    data: DistributionCreate,
    data_dir: Path,
    upload: tuple[str, bytes] | None = None,
) -> DistributionPublic:
    """Add a link or an uploaded file to a dataset; tabular and GeoJSON files are normalised
    (all or nothing: a file that is not a table or not GeoJSON is refused and nothing is left
    behind)."""
    ds = store.visible_dataset(session, actor, dataset)
    check_department(actor, ds.department_id)
    store.check_not_harvested(session, ds)
    _validate(data, upload is not None)
    upload = (_stored_name(upload[0]), upload[1]) if upload else None
    values = data.model_dump()
    values["license_id"] = vocab.license_id_of(values["license_id"]) or ds.license_id
    values["format"] = _format_of(upload[0] if upload else data.download_url, data.format)
    values["media_type"] = values["media_type"] or vocab.MEDIA_TYPES.get(values["format"], "")
    dist = _add(session, ds, **values)
    folder: Path | None = None
    try:
        if upload is not None:
            folder = _attach(session, ds, dist, upload, data_dir)
    except BaseException:
        if folder is None:
            shutil.rmtree(data_dir / "catalog" / "files" / dist.uuid, ignore_errors=True)
        raise
    ds.metadata_modified = utcnow()
    result = distribution_public(dist, ds.uuid, None)
    audit.record(
        session,
        actor=actor,
        action="distribution.create",
        entity_type="distribution",
        entity_id=dist.uuid,
        after=result,
    )
    return result


def _attach(
    session: Session,
    ds: Dataset,
    dist: Distribution,
    upload: tuple[str, bytes],
    data_dir: Path,
) -> Path:
    filename, content = upload
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid("Die Datei ist größer als 200 MB.", field="upload")
    if not content:
        raise Invalid("Die hochgeladene Datei ist leer.", field="upload")
    folder = data_dir / "catalog" / "files" / dist.uuid
    try:
        path = _store_file(data_dir, dist.uuid, filename, content)
        dist.file_path = str(path.relative_to(data_dir))
        dist.byte_size = len(content)
        dist.checksum = hashlib.sha256(content).hexdigest()
        dist.download_url = _download_path(dist.uuid)
        dist.title = dist.title or filename
        if dist.format in TABULAR:
            _normalise(session, ds, dist, content, data_dir)
        elif dist.format in GEO:
            _normalise_geo(session, ds, dist, content, data_dir)
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if is_disk_full(exc):
            raise InsufficientStorage(
                "Der Speicherplatz des Servers reicht für diese Datei nicht; sie wurde nicht "
                "gespeichert. Bitte versuchen Sie es später erneut oder informieren Sie den "
                "Betrieb."
            ) from None
        raise
    return folder


@internal("harvest runs (catalog.harvest) call it; the harvest service checked the operator")
def normalise_fetched(
    session: Session, ds: Dataset, dist: Distribution, content: bytes, data_dir: Path
) -> None:
    """Normalise a harvested file of ``dist`` (tabular or GeoJSON, the original stays a link)
    exactly like an upload, privacy gate included; Invalid for a file that is not what its
    format says (nothing is left on disk then). The caller checks permissions and audits."""
    dist.byte_size = len(content)
    dist.checksum = hashlib.sha256(content).hexdigest()
    try:
        if dist.format in TABULAR:
            _normalise(session, ds, dist, content, data_dir)
        elif dist.format in GEO:
            _normalise_geo(session, ds, dist, content, data_dir)
    except BaseException:
        shutil.rmtree(data_dir / "catalog" / "files" / dist.uuid, ignore_errors=True)
        raise


def _visible_distribution(session: Session, actor: Actor, resource_id: str) -> Distribution:
    dist = session.scalar(select(Distribution).where(Distribution.uuid == resource_id))
    if dist is None:
        raise NotFound(f"Ressource '{resource_id}' nicht gefunden.")
    ds = session.get(Dataset, dist.dataset_id)
    if ds is None or not store.may_see(actor, ds):
        raise NotFound(f"Ressource '{resource_id}' nicht gefunden.")
    return dist


@public("distributions of visible datasets are public")
def distribution_get(session: Session, *, actor: Actor, resource_id: str) -> DistributionPublic:
    """One distribution by id."""
    dist = _visible_distribution(session, actor, resource_id)
    ds = session.get(Dataset, dist.dataset_id)
    parent = session.get(Distribution, dist.derived_from_id) if dist.derived_from_id else None
    return distribution_public(dist, ds.uuid if ds else "", parent.uuid if parent else None)


@public("downloads of visible datasets are open data")
def distribution_file(
    session: Session, *, actor: Actor, resource_id: str, data_dir: Path
) -> tuple[Path, str, str]:
    """The stored file of a distribution: path, media type and download name."""
    dist = _visible_distribution(session, actor, resource_id)
    path = data_dir / dist.file_path if dist.file_path else None
    if path is None or not path.is_file():
        raise NotFound("Zu dieser Ressource ist keine Datei gespeichert.")
    return path, dist.media_type or "application/octet-stream", path.name


def _datastore_path(session: Session, actor: Actor, resource_id: str, data_dir: Path) -> Path:
    dist = _visible_distribution(session, actor, resource_id)
    if not dist.datastore_path and dist.derived_from_id:
        parent = session.get(Distribution, dist.derived_from_id)
        dist = parent or dist
    if not dist.datastore_path:
        raise NotFound(f"Ressource '{resource_id}' ist nicht im DataStore.")
    return data_dir / dist.datastore_path


@public("the DataStore serves the rows of visible tabular resources")
def datastore_search(
    session: Session,
    *,
    actor: Actor,
    resource_id: str,
    data_dir: Path,
    filters: dict[str, Any] | None = None,
    q: str = "",
    fields: list[str] | None = None,
    sort: str = "",
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """Rows of a resource's table with filters, text query, chosen fields, sort and paging."""
    path = _datastore_path(session, actor, resource_id, data_dir)
    result = engine.search(
        path,
        filters=filters or {},
        q=q,
        fields=fields or [],
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return {"resource_id": resource_id, **result}


@public("read-only SQL over visible DataStore tables")
def datastore_search_sql(
    session: Session, *, actor: Actor, sql: str, data_dir: Path
) -> dict[str, Any]:
    """One read-only SELECT; tables are resource ids in double quotes."""
    engine.check_select(sql)
    tables = {
        rid: _datastore_path(session, actor, rid, data_dir) for rid in engine.resource_ids_in(sql)
    }
    if not tables:
        raise Invalid(
            'Die Abfrage nennt keine Ressource ("<resource_id>") als Tabelle.', field="sql"
        )
    return engine.search_sql(sql, tables)
