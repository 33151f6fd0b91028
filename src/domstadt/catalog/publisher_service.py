"""Publishers (Herausgeber) of the catalogue: the departments and organisations named as
``dct:publisher`` in the DCAT export, whose URIs ``<base>/daten/herausgeber/<name>`` resolve
to a page and its JSON twin; ``stadt-koeln`` is the publisher of the catalogue itself.

A department publishes as ``stadt-koeln-<code>`` (lower case); CKAN's ``organization_*``
actions create and change departments through these names (admins only, audited by the
directory service); organisations of the participation area (``org-<id>``) are kept there."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from domstadt.catalog import search_service
from domstadt.catalog.convert import department_org_name
from domstadt.catalog.schemas import FacetItem
from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import DepartmentKind
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.auth.schemas import DepartmentCreate, DepartmentPublic, DepartmentUpdate
from domstadt.core.errors import Conflict, Invalid, NotFound

CATALOG_PUBLISHER = "stadt-koeln"
CATALOG_PUBLISHER_TITLE = "Stadt Köln"
DEPARTMENT_PREFIX = "stadt-koeln-"
_CODE_PART = re.compile(r"[a-z0-9_-]{1,32}")


class PublisherPublic(BaseModel):
    """A department as a publisher: its catalogue name, title, kind, parent and datasets."""

    name: str
    title: str
    description: str
    kind: str
    parent: str
    count: int


@public("names only publishers of visible datasets; counts only visible datasets")
def publisher_get(session: Session, *, actor: Actor, name: str) -> FacetItem:
    """One publisher with the number of its datasets the caller may see."""
    items = search_service.publisher_list(session, actor=actor)
    if name == CATALOG_PUBLISHER:
        total = sum(i.count for i in items)
        return FacetItem(name=name, display_name=CATALOG_PUBLISHER_TITLE, count=total)
    for item in items:
        if item.name == name:
            return item
    raise NotFound(f"Herausgeber '{name}' nicht gefunden.")


def _department_code(name: str) -> str:
    """The department code behind a publisher name ``stadt-koeln-<code>``; other names are
    refused with the rule (CKAN names: lower-case letters, digits, - and _)."""
    rest = name.removeprefix(DEPARTMENT_PREFIX) if name.startswith(DEPARTMENT_PREFIX) else ""
    if not _CODE_PART.fullmatch(rest):
        raise Invalid(
            f"Der Name '{name}' passt nicht: Herausgeber der Stadt heißen '{DEPARTMENT_PREFIX}' "
            "und das Kürzel der Dienststelle in Kleinbuchstaben (a-z, 0-9, - und _, höchstens "
            "32 Zeichen), etwa 'stadt-koeln-69'. Organisationen ('org-…') werden in der "
            "Beteiligung gepflegt.",
            field="name",
        )
    return rest.upper()


def _publisher(session: Session, actor: Actor, dept: DepartmentPublic) -> PublisherPublic:
    name = department_org_name(dept.code)
    counts = {i.name: i.count for i in search_service.publisher_list(session, actor=actor)}
    parent = ""
    if dept.parent_id is not None:
        units = directory.department_list(session, actor=actor)
        parent = next((department_org_name(d.code) for d in units if d.id == dept.parent_id), "")
    return PublisherPublic(
        name=name,
        title=dept.name,
        description=dept.description,
        kind=str(dept.kind),
        parent=parent,
        count=counts.get(name, 0),
    )


@public("the administration's structure is public information")
def department_publisher(session: Session, *, actor: Actor, name: str) -> PublisherPublic:
    """A department as a publisher, also one without datasets yet."""
    code = _department_code(name)
    try:
        dept = directory.department_get(session, actor=actor, code=code)
    except NotFound:
        raise NotFound(f"Herausgeber '{name}' nicht gefunden.") from None
    return _publisher(session, actor, dept)


def _kind(value: str) -> DepartmentKind:
    try:
        return DepartmentKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in DepartmentKind)
        raise Invalid(f"Art '{value}' gibt es nicht; erlaubt: {allowed}.", field="kind") from None


CKAN_FIELDS = {"name": "title", "code": "name", "parent_code": "parent"}
"""The directory's field names as a CKAN organisation calls them."""


@contextmanager
def _ckan_fields() -> Iterator[None]:
    """Errors of the directory service name the field as the CKAN client sent it."""
    try:
        yield
    except (Invalid, Conflict) as exc:
        field = CKAN_FIELDS.get(exc.field or "", exc.field)
        if field != exc.field:
            exc.field = field
            exc.details = {field: [exc.message]}
        raise


def _validated(cls: type[BaseModel], values: Mapping[str, object]) -> BaseModel:
    """The model, or an Invalid naming each field in CKAN's terms (title, not name)."""
    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "body"
            field = CKAN_FIELDS.get(field, field)
            errors.setdefault(field, []).append(f"Ungültiger Wert: {err['msg']}")
        first = next(iter(errors))
        raise Invalid(f"Ungültige Angaben – {first}", field=first, details=errors) from None


def _parent_code(parent: str) -> str:
    return _department_code(parent) if parent else ""


@requires(Permission.DEPARTMENT_MANAGE)
def publisher_create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    title: str,
    description: str = "",
    kind: str = "amt",
    parent: str = "",
) -> PublisherPublic:
    """A new department publishing as ``name`` (``stadt-koeln-<code>``); a taken code is a
    Conflict naming it."""
    values = {
        "code": _department_code(name),
        "name": title,
        "kind": _kind(kind),
        "parent_code": _parent_code(parent) or None,
        "description": description,
    }
    data = _validated(DepartmentCreate, values)
    assert isinstance(data, DepartmentCreate)
    with _ckan_fields():
        dept = directory.department_create(session, actor=actor, data=data)
    return _publisher(session, actor, dept)


@requires(Permission.DEPARTMENT_MANAGE)
def publisher_update(
    session: Session, *, actor: Actor, name: str, changes: dict[str, str]
) -> PublisherPublic:
    """Change the department behind ``name``: ``title``, ``description``, ``kind`` and
    ``parent`` (a publisher name, "" for the top level), only those given."""
    values: dict[str, object] = {}
    if "title" in changes:
        values["name"] = changes["title"]
    if "description" in changes:
        values["description"] = changes["description"]
    if "kind" in changes:
        values["kind"] = _kind(changes["kind"])
    if "parent" in changes:
        values["parent_code"] = _parent_code(changes["parent"])
    data = _validated(DepartmentUpdate, values)
    assert isinstance(data, DepartmentUpdate)
    code = _department_code(name)
    with _ckan_fields():
        dept = directory.department_update(session, actor=actor, code=code, data=data)
    return _publisher(session, actor, dept)


@requires(Permission.DEPARTMENT_MANAGE)
def publisher_delete(session: Session, *, actor: Actor, name: str) -> None:
    """Refused with the reason: a department is never deleted, since accounts, measures,
    datasets and the audit log name it; a reorganisation renames or moves it."""
    department_publisher(session, actor=actor, name=name)  # an unknown name is 404
    raise Invalid(
        f"Dienststellen werden nicht gelöscht: Konten, Maßnahmen, Datensätze und das "
        f"Prüfprotokoll verweisen auf '{name}'. Umbenennen oder verschieben Sie sie mit "
        "organization_patch (title, parent).",
        field="id",
    )
