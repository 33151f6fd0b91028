"""CKAN's ``organization_*`` actions mapped to the city's departments as publishers
(``stadt-koeln-<code>``, see ``catalog.publisher_service``): show, create, update, patch;
delete is refused with the reason. Every field sent is either read or refused by name."""

from __future__ import annotations

from typing import Any

from domstadt.catalog import publisher_service as publishers
from domstadt.catalog import search_service
from domstadt.catalog.ckan.actions_base import Context, required
from domstadt.catalog.ckan.package import organization_dict
from domstadt.core.errors import Invalid, NotFound

WRITABLE = {"title", "description"}
EXTRAS = {"kind", "parent"}
ECHOED = {
    "id",
    "name",
    "display_name",
    "type",
    "is_organization",
    "state",
    "approval_status",
    "package_count",
    "extras",
}
"""Keys of our own organization dict: a client may send a shown dict back unchanged."""


def _dict(item: publishers.PublisherPublic) -> dict[str, Any]:
    out = organization_dict(item.name, item.title, item.count)
    out["description"] = item.description
    out["extras"] = [
        {"key": "kind", "value": item.kind},
        {"key": "parent", "value": item.parent},
    ]
    return out


def _changes(data: dict[str, Any]) -> dict[str, str]:
    """The fields to write: title, description and the extras kind and parent; any other
    field (image_url, users, groups, unknown extras) is refused by name, not dropped."""
    unknown = sorted(k for k in data if k not in WRITABLE | ECHOED)
    extras = data.get("extras") or []
    if not isinstance(extras, list) or not all(isinstance(e, dict) for e in extras):
        raise Invalid("extras muss eine Liste von {key, value} sein.", field="extras")
    unknown += sorted(f"extras.{e.get('key')}" for e in extras if e.get("key") not in EXTRAS)
    if unknown:
        fields = ", ".join(unknown)
        raise Invalid(
            f"Diese Felder werden für Herausgeber nicht gespeichert: {fields}. Erlaubt sind "
            "title, description und die extras kind (dezernat, amt, stabsstelle) und parent.",
            field=unknown[0],
            details={k: ["Feld wird nicht unterstützt"] for k in unknown},
        )
    out = {k: str(data[k] if data[k] is not None else "") for k in WRITABLE if k in data}
    out.update({str(e["key"]): str(e.get("value") or "") for e in extras})
    return out


def _name(data: dict[str, Any]) -> str:
    """The organisation meant: ``id`` or, as CKAN allows, ``name``."""
    return required({"id": data.get("id") or data.get("name")}, "id")


def organization_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN organization_show by name: a publisher of visible datasets, or a department
    without datasets yet (with kind and parent in ``extras``)."""
    wanted = required(data, "id")
    if wanted.startswith(publishers.DEPARTMENT_PREFIX):
        try:
            return _dict(publishers.department_publisher(ctx.session, actor=ctx.actor, name=wanted))
        except Invalid:
            pass
    for item in search_service.publisher_list(ctx.session, actor=ctx.actor):
        if item.name == wanted:
            return organization_dict(item.name, item.display_name, item.count)
    raise NotFound(f"Organisation '{wanted}' nicht gefunden.")


def organization_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN organization_create: a new department (admins); ``name`` stadt-koeln-<code>."""
    changes = _changes(data)
    name = required(data, "name")
    item = publishers.publisher_create(
        ctx.session,
        actor=ctx.actor,
        name=name,
        title=changes.get("title") or name,
        description=changes.get("description", ""),
        kind=changes.get("kind") or "amt",
        parent=changes.get("parent", ""),
    )
    return _dict(item)


def _same_name(data: dict[str, Any], name: str) -> None:
    given = data.get("name")
    if given not in (None, "", name):
        raise Invalid(
            f"Der Name '{name}' bleibt (Adressen von Datensätzen nennen ihn); "
            f"'{given}' kann nicht gesetzt werden.",
            field="name",
        )


def organization_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN organization_update: replaces title, description, kind and parent (a field left
    out becomes empty, the title the name, the kind 'amt', the parent none)."""
    name = _name(data)
    _same_name(data, name)
    changes = _changes(data)
    full = {"title": name, "description": "", "kind": "amt", "parent": "", **changes}
    full["title"] = full["title"] or name
    return _dict(publishers.publisher_update(ctx.session, actor=ctx.actor, name=name, changes=full))


def organization_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN organization_patch: changes only the fields given."""
    name = _name(data)
    _same_name(data, name)
    changes = _changes(data)
    return _dict(
        publishers.publisher_update(ctx.session, actor=ctx.actor, name=name, changes=changes)
    )


def organization_delete(ctx: Context, data: dict[str, Any]) -> None:
    """CKAN organization_delete: refused with the reason (departments stay)."""
    publishers.publisher_delete(ctx.session, actor=ctx.actor, name=_name(data))
