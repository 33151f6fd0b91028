"""CKAN dictionaries <-> catalogue schemas: package, resource, organization, fq parsing."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from domstadt.catalog import relations, vocab
from domstadt.catalog.activity_service import Activity
from domstadt.catalog.schemas import (
    DatasetCreate,
    DatasetPatch,
    DatasetPublic,
    DistributionCreate,
    DistributionPublic,
    FacetItem,
)
from domstadt.core.errors import Invalid
from domstadt.core.json_limits import parse_json
from domstadt.core.weburl import absolute

EXTRA_FIELDS = (
    "identifier",
    "contact_name",
    "political_geocoding_uri",
    "spatial_uri",
    "temporal_start",
    "temporal_end",
    "frequency",
    "access_rights",
    "restriction_reason",
    "issued",
    "modified",
    "contributor_id",
)
RELATION_FIELDS = ("measures", "datastreams")
"""Extras with links to masterplan measures and SensorThings Datastreams (comma-separated)."""
_FQ_RE = re.compile(r'([+-]?)([\w.]+):("([^"]*)"|\[([^\]]*)\]|(\S+))')


def ckan_time(value: dt.datetime | None) -> str | None:
    """CKAN's timestamp format: ISO 8601 in UTC without a zone suffix."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def resource_dict(res: DistributionPublic, base_url: str = "") -> dict[str, Any]:
    """A distribution as a CKAN resource dict; a stored site path becomes an absolute ``url``
    on ``base_url``."""
    return {
        "id": res.id,
        "package_id": res.dataset_id,
        "name": res.title,
        "description": res.description,
        "url": absolute(base_url, res.download_url or res.access_url),
        "url_type": "upload" if res.has_file else None,
        "format": res.format,
        "mimetype": res.media_type or None,
        "size": res.byte_size,
        "hash": res.checksum,
        "license_id": res.license_id,
        "position": res.position,
        "created": ckan_time(res.created),
        "last_modified": ckan_time(res.modified),
        "datastore_active": res.datastore_active,
        "state": "active",
    }


def activity_dict(item: Activity) -> dict[str, Any]:
    """A dataset change in CKAN's activity shape."""
    return {
        "id": item.id,
        "timestamp": ckan_time(item.timestamp),
        "user_id": item.user_label,
        "object_id": item.dataset_id,
        "activity_type": item.activity_type,
        "data": {"package": {"id": item.dataset_id, "name": item.dataset_name}},
    }


def view_dict(res: DistributionPublic, view_type: str, title: str) -> dict[str, Any]:
    """A preview of a resource as a CKAN resource view."""
    return {
        "id": f"{res.id}-{view_type}",
        "resource_id": res.id,
        "package_id": res.dataset_id,
        "view_type": view_type,
        "title": title,
        "description": "",
    }


def is_time_series(fields: list[dict[str, Any]]) -> bool:
    """A date/time column and a numeric column: the dataset page draws a chart."""
    types = {str(f.get("type")) for f in fields}
    return bool(types & {"date", "timestamp"}) and bool(types & {"int", "numeric"})


def organization_dict(name: str, title: str, count: int | None = None) -> dict[str, Any]:
    """A publisher as a CKAN organization dict."""
    out: dict[str, Any] = {
        "id": name,
        "name": name,
        "title": title,
        "display_name": title,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
    }
    if count is not None:
        out["package_count"] = count
    return out


def group_dict(item: FacetItem) -> dict[str, Any]:
    """An EU data theme as a CKAN group dict."""
    return {
        "id": item.name.lower(),
        "name": item.name.lower(),
        "title": item.display_name,
        "display_name": item.display_name,
        "type": "group",
        "is_organization": False,
        "package_count": item.count,
        "state": "active",
    }


def _relation_extras(ds: DatasetPublic, base_url: str) -> list[dict[str, str]]:
    urls = {
        "measures": [relations.measure_url(base_url, i) for i in ds.measures],
        "datastreams": [relations.datastream_url(base_url, i) for i in ds.datastreams],
    }
    return [{"key": k, "value": ", ".join(v)} for k, v in urls.items() if v]


def package_dict(ds: DatasetPublic, base_url: str = "") -> dict[str, Any]:
    """A dataset as a CKAN package dict (DCAT fields as extras, like ckanext-dcat)."""
    extras = [
        {"key": key, "value": str(getattr(ds, key))}
        for key in EXTRA_FIELDS
        if getattr(ds, key) not in (None, "")
    ] + _relation_extras(ds, base_url)
    extras += [{"key": k, "value": v} for k, v in ds.extras.items()]
    extras.sort(key=lambda item: item["key"])  # CKAN lists extras by key
    publisher = ds.publisher
    license_row = vocab.licenses().get(ds.license_id, {})
    return {
        "id": ds.id,
        "name": ds.name,
        "title": ds.title,
        "type": "dataset",
        "notes": ds.description,
        "url": ds.landing_page,
        "maintainer": ds.contact_name,
        "maintainer_email": ds.contact_email,
        "author": publisher.title if publisher else None,
        "license_id": ds.license_id,
        "license_title": ds.license_title,
        "license_url": vocab.license_uri(ds.license_id),
        "isopen": bool(license_row.get("open")),
        "owner_org": publisher.name if publisher else None,
        "organization": organization_dict(publisher.name, publisher.title) if publisher else None,
        "private": ds.access_rights != "PUBLIC",
        "state": ds.state,
        "metadata_created": ckan_time(ds.metadata_created),
        "metadata_modified": ckan_time(ds.metadata_modified),
        "tags": [{"name": k, "display_name": k, "state": "active"} for k in ds.keywords],
        "num_tags": len(ds.keywords),
        "groups": [
            {"name": t.lower(), "title": vocab.THEMES.get(t, t), "display_name": t}
            for t in ds.themes
        ],
        "extras": extras,
        "resources": [resource_dict(r, base_url) for r in ds.distributions],
        "num_resources": len(ds.distributions),
    }


def _owner(value: Any) -> dict[str, Any]:
    name = str(value or "").strip().lower()
    if not name:
        return {}
    if name.startswith("org-") and name[4:].isdecimal():
        return {"organisation_id": int(name[4:])}
    return {"department_code": name.removeprefix("stadt-koeln-").upper()}


def _names(items: Any, field: str) -> list[str]:
    if items is None:
        return []
    if isinstance(items, str):
        items = [s for s in re.split(r"[,]", items) if s.strip()]
    if not isinstance(items, list):
        raise Invalid(f"{field} muss eine Liste sein.", field=field)
    return [str(i.get("name", "") if isinstance(i, dict) else i) for i in items]


def objects_argument(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """A CKAN argument that is a list of objects (``resources``, ``extras``); absent or null
    is empty, anything else is CKAN's validation error naming the argument."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        message = f"{key} muss eine Liste von Objekten sein."
        raise Invalid(message, field=key, details={key: [message]})
    return value


CORE_KEYS = frozenset(
    [
        "id",
        "name",
        "title",
        "notes",
        "url",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "license_id",
        "owner_org",
        "private",
        "state",
        "type",
        "version",
        "tags",
        "groups",
        "resources",
        "extras",
    ]
)
"""Package fields CKAN refuses as extra keys ("There is a schema field with the same name")."""


def _extra_error(message: str) -> Invalid:
    return Invalid(message, field="extras", details={"extras": [message]})


def _extra_value(key: str, value: Any) -> str:
    """CKAN keeps an extra's value as text; numbers and booleans are written as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise _extra_error(f"Der Wert des Zusatzfelds '{key}' muss Text sein.")


def extras_argument(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(catalogue fields given as extras, free extras) of a CKAN ``extras`` list; a key
    given twice or named like a package field is CKAN's validation error."""
    known: dict[str, Any] = {}
    free: dict[str, str] = {}
    for item in objects_argument(data, "extras"):
        key = item.get("key")
        if not isinstance(key, str) or not key.strip():
            raise _extra_error("Jedes Zusatzfeld (extras) braucht einen Schlüssel 'key'.")
        if key in known or key in free:
            raise _extra_error(f"Das Zusatzfeld '{key}' ist doppelt angegeben.")
        if key in CORE_KEYS:
            raise _extra_error(f"Es gibt ein Paketfeld mit dem Namen '{key}' (nicht als extra).")
        if key in EXTRA_FIELDS + RELATION_FIELDS:
            known[key] = item.get("value")
        else:
            free[key] = _extra_value(key, item.get("value"))
    for key in RELATION_FIELDS:
        if key in known:
            known[key] = relations.split_refs(known[key])
    return known, free


def dataset_values(data: dict[str, Any]) -> dict[str, Any]:
    """Our dataset fields from a CKAN package dict (only keys that are present)."""
    values: dict[str, Any] = {}
    mapping = {
        "name": "name",
        "title": "title",
        "notes": "description",
        "url": "landing_page",
        "maintainer_email": "contact_email",
        "maintainer": "contact_name",
        "license_id": "license_id",
    }
    for key, target in mapping.items():
        if key in data and data[key] is not None:
            values[target] = data[key]
    if "tags" in data:
        values["keywords"] = _names(data["tags"], "tags")
    if "groups" in data:
        values["themes"] = [n.upper() for n in _names(data["groups"], "groups")]
    if "owner_org" in data:
        values.update(_owner(data["owner_org"]))
    for key in EXTRA_FIELDS:
        if key in data and data[key] is not None:
            values[key] = data[key]
    for key in RELATION_FIELDS:
        if key in data:
            values[key] = relations.split_refs(data[key])
    known, free = extras_argument(data)
    values.update({k: v for k, v in known.items() if v not in (None, "")})
    if "extras" in data:
        values["extras"] = free
    if data.get("private") in (True, "true", "True") and "access_rights" not in values:
        values["access_rights"] = "RESTRICTED"
    return values


def to_create(data: dict[str, Any]) -> DatasetCreate:
    """A DatasetCreate from a CKAN package dict; type errors name the field."""
    return _model(DatasetCreate, dataset_values(data))


def to_patch(data: dict[str, Any]) -> DatasetPatch:
    """A DatasetPatch with only the fields present in ``data``."""
    return _model(DatasetPatch, dataset_values(data))


def to_resource(data: dict[str, Any]) -> DistributionCreate:
    """A DistributionCreate from a CKAN resource dict."""
    values = {
        "title": data.get("name") or "",
        "description": data.get("description") or "",
        "download_url": data.get("url") or "",
        "format": data.get("format") or "",
        "media_type": data.get("mimetype") or "",
        "license_id": data.get("license_id") or "",
        "checksum": data.get("hash") or "",
    }
    if data.get("size") not in (None, ""):
        values["byte_size"] = data["size"]
    return _model(DistributionCreate, values)


def _model(cls: Any, values: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "body"
            errors.setdefault(field, []).append(f"Ungültiger Wert: {err['msg']}")
        first = next(iter(errors))
        raise Invalid(f"Ungültige Angaben – {first}", field=first, details=errors) from None


def parse_time(value: str) -> dt.datetime | None:
    """A Solr/ISO time bound; ``*`` means open; NOW is now."""
    value = value.strip()
    if value in {"*", ""}:
        return None
    if value.upper().startswith("NOW"):
        return dt.datetime.now(dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"Ungültige Zeitangabe '{value}' in fq.", field="fq") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_fq(fq: str) -> tuple[dict[str, list[str]], dt.datetime | None, dt.datetime | None]:
    """Filters from a Solr-style fq: ``f:v``, ``f:"a b"``, ``metadata_modified:[X TO Y]``."""
    filters: dict[str, list[str]] = {}
    since = until = None
    for match in _FQ_RE.finditer(fq or ""):
        _sign, field, _raw, quoted, range_, plain = match.groups()
        if field in {"dataset_type", "type", "state", "capacity"}:
            continue
        if range_ is not None:
            if field not in {"metadata_modified", "metadata_created"}:
                raise Invalid(
                    f"Bereichsfilter nur für metadata_modified, nicht '{field}'.", field="fq"
                )
            low, _, high = range_.partition(" TO ")
            since, until = parse_time(low), parse_time(high)
            continue
        value = quoted if quoted is not None else plain
        filters.setdefault(field, []).append(value)
    return filters, since, until


def facet_fields(value: Any) -> list[str]:
    """``facet.field`` as JSON list (CKAN) or comma-separated text."""
    if value in (None, "", []):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        parsed = parse_json(text, field="facet.field")
        if not isinstance(parsed, list):
            raise Invalid("facet.field muss eine JSON-Liste sein.", field="facet.field")
        return [str(v) for v in parsed]
    return [v.strip() for v in text.split(",") if v.strip()]
