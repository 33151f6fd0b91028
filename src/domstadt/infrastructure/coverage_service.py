"""Operations of coverage and IoT planning (issue 12, S5.1): import coverage layers (GeoJSON,
CSV, GeoPackage, KML; reprojected, checked, all or nothing), read them as GeoJSON, check a
planned point against the coverage, check the sensor hub's Things in bulk, and keep the
planned deployments of measures with their checks.

Engine: ``domstadt.infrastructure.coverage`` (readers, features, geo, index, verdict). Every
write is permission-checked and audited; reads are public (coverage is published data).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Text, cast, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, internal, public, requires
from domstadt.core.errors import Invalid, NotFound
from domstadt.infrastructure import postgis
from domstadt.infrastructure.coverage import features as feat
from domstadt.infrastructure.coverage import index as idx
from domstadt.infrastructure.coverage import postgis_index, readers
from domstadt.infrastructure.coverage.geo import GeoError, check_point, parse_crs
from domstadt.infrastructure.coverage.models import CoverageFeature, CoverageLayer
from domstadt.infrastructure.coverage.schemas import (
    CheckRequest,
    CheckResult,
    LayerList,
    LayerPublic,
    MeasuredCell,
    NearestSite,
    ThingCheck,
    ThingCheckList,
)
from domstadt.infrastructure.coverage.verdict import DEFAULT_RADIUS_M, RISK, judge
from domstadt.sensors import analytics_service

MAX_FILE_BYTES = 100 * 1024 * 1024


def _text_field(value: str, name: str, label: str, limit: int) -> str:
    text = value.strip()
    if not text or len(text) > limit:
        raise Invalid(f"{label} muss 1 bis {limit} Zeichen lang sein.", field=name)
    return text


def _layer_public(layer: CoverageLayer) -> LayerPublic:
    return LayerPublic.model_validate(layer, from_attributes=True)


@requires(Permission.CONTENT_EDIT)
def layer_import(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    kind: str,
    source: str,
    licence: str,
    data_date: dt.date,
    crs: str | None = None,
    name: str | None = None,
) -> LayerPublic:
    """Import one coverage file as a layer. The projection is ``crs`` (EPSG code), else the
    one the file names, else WGS84; every coordinate must lie in Germany. Any problem raises
    Invalid naming the feature, and nothing is written."""
    if kind not in feat.KINDS:
        raise Invalid(
            f"Unbekannte Art „{kind[:40]}“: erlaubt sind {', '.join(feat.KINDS)}.", field="kind"
        )
    source = _text_field(source, "source", "Die Quelle (--source)", 300)
    licence = _text_field(licence, "licence", "Die Lizenz (--licence)", 200)
    if len(content) > MAX_FILE_BYTES:
        raise Invalid("Die Datei ist größer als 100 MB.", field="file")
    try:
        raw = readers.read(content, filename)
        crs_name = (crs or raw.crs or "EPSG:4326").strip()
        crs_name = parse_crs(crs_name).to_string() if crs_name.upper() != "CRS84" else "EPSG:4326"
        prepared = feat.prepare(raw.features, kind, crs_name, _feature_label(raw.file_format))
    except (readers.ReadError, GeoError) as exc:
        raise Invalid(str(exc), field="file") from exc
    layer = CoverageLayer(
        name=(name or filename).strip()[:200] or kind,
        kind=kind,
        source=source,
        licence=licence,
        data_date=data_date,
        crs=crs_name,
        file_format=raw.file_format,
        feature_count=len(prepared),
    )
    with_postgis = postgis.available(session)  # before our writes: it may create tables
    session.add(layer)
    session.flush()
    _insert_features(session, layer.id, prepared)
    if with_postgis:
        postgis_index.fill(session)
    audit.record(
        session,
        actor=actor,
        action="coverage.layer_import",
        entity_type="coverage_layer",
        entity_id=layer.id,
        after={
            "name": layer.name,
            "kind": kind,
            "features": len(prepared),
            "source": source,
            "licence": licence,
        },
    )
    return _layer_public(layer)


def _feature_label(file_format: str) -> str:
    return {"csv": "Zeile", "kml": "Placemark"}.get(file_format, "Objekt")


def _insert_features(session: Session, layer_id: int, prepared: list[feat.Feature]) -> None:
    rows = [
        {
            "layer_id": layer_id,
            "name": f.name,
            "geometry": f.geometry,
            "min_lon": f.bbox[0],
            "min_lat": f.bbox[1],
            "max_lon": f.bbox[2],
            "max_lat": f.bbox[3],
            "networks": f.networks,
            "available": f.available,
            "value": f.value,
            "unit": f.unit,
            "properties": f.properties,
        }
        for f in prepared
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(CoverageFeature), rows[start : start + 5000])


@public("coverage layers are published data")
def layer_list(session: Session, *, actor: Actor) -> LayerList:
    """Every layer, newest first."""
    layers = session.scalars(select(CoverageLayer).order_by(CoverageLayer.id.desc())).all()
    return LayerList(count=len(layers), items=[_layer_public(layer) for layer in layers])


def _layer(session: Session, layer_id: int) -> CoverageLayer:
    layer = session.get(CoverageLayer, layer_id)
    if layer is None:
        raise NotFound(f"Abdeckungsebene {layer_id} gibt es nicht.")
    return layer


@public("coverage layers are published data")
def layer_geojson(session: Session, *, actor: Actor, layer_id: int) -> dict[str, Any]:
    """The layer as a GeoJSON FeatureCollection (WGS84) with its metadata."""
    layer = _layer(session, layer_id)
    rows = session.scalars(
        select(CoverageFeature)
        .where(CoverageFeature.layer_id == layer_id)
        .order_by(CoverageFeature.id)
    )
    features = [
        {"type": "Feature", "id": row.id, "geometry": row.geometry, "properties": _shown(row)}
        for row in rows
    ]
    meta = _layer_public(layer).model_dump(mode="json")
    return {"type": "FeatureCollection", "layer": meta, "features": features}


SHOWN_KEYS = ("name", "networks", "available", "value", "unit")


def _shown(row: CoverageFeature) -> dict[str, Any]:
    """What Domstadt made of the feature, then the file's columns; a column called like one of
    ours (a file's own ``name``) appears as ``datei_name`` instead of hiding ours."""
    ours = {key: getattr(row, key) for key in SHOWN_KEYS}
    theirs = {(f"datei_{k}" if k in ours else k): v for k, v in row.properties.items()}
    return {**ours, **theirs}


@requires(Permission.CONTENT_EDIT)
def layer_delete(session: Session, *, actor: Actor, layer_id: int) -> None:
    """Delete a layer with its features."""
    layer = _layer(session, layer_id)
    before = {"name": layer.name, "kind": layer.kind, "features": layer.feature_count}
    session.execute(delete(CoverageFeature).where(CoverageFeature.layer_id == layer_id))
    session.delete(layer)
    audit.record(
        session,
        actor=actor,
        action="coverage.layer_delete",
        entity_type="coverage_layer",
        entity_id=layer_id,
        before=before,
    )


def _token(session: Session) -> tuple[Any, ...]:
    count, top, total, newest = session.execute(
        select(
            func.count(CoverageLayer.id),
            func.max(CoverageLayer.id),
            func.sum(CoverageLayer.feature_count),
            func.max(CoverageLayer.created_at),
        )
    ).one()
    # the newest import's time too: a database emptied and filled again (ids restarted)
    # must not meet the index of the layers it had before
    return (session.get_bind().engine.url.render_as_string(), count, top, total, newest)


@internal("read by check, things_check and the deployment checks, which are public reads")
def coverage_index(session: Session) -> idx.CoverageIndex:
    """The index of the current coverage: PostGIS queries when the database has PostGIS and
    its side tables are complete, else the STRtree index (rebuilt when a layer was added or
    removed)."""
    with_postgis = postgis_coverage(session)
    if with_postgis is not None:
        return with_postgis
    token = _token(session)
    found = idx.cached(token)
    if found is not None:
        return found
    built = strtree_index(session)
    idx.remember(token, built)
    return built


@internal("the PostGIS path of coverage_index, and the comparison with the STRtree")
def postgis_coverage(session: Session) -> idx.CoverageIndex | None:
    """The index answered by PostGIS; None without PostGIS or while side rows are missing."""
    if not postgis.available(session):
        return None
    measured = _postgis_measured(session, _token(session))
    return None if measured is None else postgis_index.PostgisCoverage(session, measured)


_measured: dict[tuple[Any, ...], dict[str, set[str]]] = {}


def _postgis_measured(session: Session, token: tuple[Any, ...]) -> dict[str, set[str]] | None:
    """The measured networks per layer for ``token``; None while side rows are missing
    (after a back-fill in a transaction of its own, the next check uses PostGIS)."""
    if token in _measured:
        return _measured[token]
    if postgis_index.side_rows(session) != int(token[3] or 0):
        try:
            with session.get_bind().engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                postgis_index.fill(connection)
        except DBAPIError:
            pass  # e.g. an import holds the rows: the STRtree answers meanwhile
        return None
    _measured.clear()
    _measured[token] = postgis_index.measured_networks(session)
    return _measured[token]


@internal("the STRtree index, for coverage_index and the comparison with PostGIS")
def strtree_index(session: Session) -> idx.CoverageIndex:
    """The STRtree index of the current coverage, built now (sites and cells read in
    feature id order)."""
    f, layer = CoverageFeature, CoverageLayer
    base = (
        select(layer.name, layer.kind, f.name, f.min_lon, f.min_lat, f.networks)
        .join(layer, layer.id == f.layer_id)
        .order_by(f.id)
    )
    sites = [
        (lname, name, lon, lat, networks)
        for lname, _, name, lon, lat, networks in session.execute(
            base.where(layer.kind.in_(feat.POINT_KINDS))
        )
    ]
    cells = session.execute(
        select(
            layer.name,
            layer.kind,
            f.name,
            cast(f.geometry, Text),
            f.networks,
            f.available,
            f.value,
            f.unit,
        )
        .join(layer, layer.id == f.layer_id)
        .where(layer.kind.not_in(feat.POINT_KINDS))
        .order_by(f.id)
    ).all()
    return idx.build(sites, [tuple(row) for row in cells])


def _check(index: idx.CoverageIndex, data: CheckRequest) -> CheckResult:
    radius = data.radius_m or DEFAULT_RADIUS_M[data.network]
    verdict = judge(index, data.network, data.lon, data.lat, radius)
    nearest = None
    if verdict.nearest is not None and verdict.distance_m is not None:
        site = verdict.nearest
        nearest = NearestSite(
            name=site.name,
            layer=site.layer,
            lon=site.lon,
            lat=site.lat,
            distance_m=round(verdict.distance_m, 1),
        )
    cell = None
    if verdict.cell is not None:
        c = verdict.cell
        cell = MeasuredCell(
            name=c.name,
            layer=c.layer,
            networks=list(c.networks),
            available=c.available,
            value=c.value,
            unit=c.unit,
        )
    return CheckResult(
        lon=data.lon,
        lat=data.lat,
        network=data.network,
        device_type=data.device_type,
        status=verdict.status,
        basis=verdict.basis,
        reason_de=verdict.reason_de,
        reason_en=verdict.reason_en,
        radius_m=radius,
        nearest=nearest,
        cell=cell,
    )


@internal("validation used by check and coverage_plan_service.deployment_add")
def valid_point(lon: float, lat: float) -> None:
    """Invalid unless the point lies in Germany (names a lat/lon swap)."""
    try:
        check_point(lon, lat, "Punkt")
    except GeoError as exc:
        raise Invalid(str(exc), field="lon") from exc


@internal("the check of a stored deployment, for coverage_plan_service (public reads)")
def check_index(session: Session, data: CheckRequest) -> CheckResult:
    """The verdict without the Germany check (stored points were checked when saved)."""
    return _check(coverage_index(session), data)


@public("checks a point against published coverage; writes nothing")
def check(session: Session, *, actor: Actor, data: CheckRequest) -> CheckResult:
    """Verdict for a planned deployment: nearest site and distance, measured cell, reason."""
    valid_point(data.lon, data.lat)
    return _check(coverage_index(session), data)


def _risk_order(item: ThingCheck) -> tuple[int, float]:
    nearest = item.check.nearest
    return RISK[item.check.status], -(nearest.distance_m if nearest else 0.0)


@public("sensor locations and coverage are open data")
def things_check(session: Session, *, actor: Actor, network: str) -> ThingCheckList:
    """Every Thing at a point Location checked for ``network``, by risk (gaps first)."""
    if network not in DEFAULT_RADIUS_M:
        raise Invalid("Netz muss lorawan, nb-iot, lte-m oder wlan sein.", field="network")
    index = coverage_index(session)
    collection = analytics_service.locations_geojson(session, actor=actor)
    items = []
    for feature in collection["features"]:
        geometry, props = feature["geometry"], feature["properties"]
        coords = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if not isinstance(coords, list) or len(coords) < 2:
            continue
        request = CheckRequest(lon=float(coords[0]), lat=float(coords[1]), network=network)
        items.append(
            ThingCheck(
                thing_id=props.get("thing_id"),
                location_id=props["id"],
                name=str(props.get("name") or ""),
                check=_check(index, request),
            )
        )
    items.sort(key=_risk_order)
    at_risk = sum(1 for t in items if t.check.status in ("gap", "unknown"))
    return ThingCheckList(network=network, count=len(items), at_risk=at_risk, items=items)
