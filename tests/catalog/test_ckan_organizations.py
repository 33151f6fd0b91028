"""CKAN organization_* actions through the real ckanapi client: departments as publishers
(``stadt-koeln-<code>``), written by admins only, audited; errors as ckanapi exceptions."""

from __future__ import annotations

import ckanapi
import pytest

from domstadt.core import audit
from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset
from tests.conftest import make_token, make_user

ADMIN = "admin.daten@example.org"


@pytest.fixture
def admin(live_server: str, db: Database, departments: None) -> ckanapi.RemoteCKAN:
    make_user(db, ADMIN, Role.ADMIN, name="Ada Admin")
    return ckanapi.RemoteCKAN(live_server, apikey=make_token(db, ADMIN), user_agent="tests")


@pytest.fixture
def editor(live_server: str, editor_token: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_server, apikey=editor_token, user_agent="tests")


def _extras(org: dict[str, object]) -> dict[str, object]:
    return {e["key"]: e["value"] for e in org["extras"]}  # type: ignore[attr-defined,index]


def test_admin_creates_updates_patches_an_organisation(
    admin: ckanapi.RemoteCKAN, db: Database
) -> None:
    made = admin.action.organization_create(
        name="stadt-koeln-32",
        title="Ordnungsamt",
        description="Ordnung und Sicherheit",
        extras=[{"key": "kind", "value": "amt"}, {"key": "parent", "value": "stadt-koeln-viii"}],
    )
    assert (made["name"], made["title"], made["package_count"]) == (
        "stadt-koeln-32",
        "Ordnungsamt",
        0,
    )
    assert _extras(made) == {"kind": "amt", "parent": "stadt-koeln-viii"}
    shown = admin.action.organization_show(id="stadt-koeln-32")
    assert shown["description"] == "Ordnung und Sicherheit"

    patched = admin.action.organization_patch(
        id="stadt-koeln-32", title="Amt für öffentliche Ordnung"
    )
    assert patched["title"] == "Amt für öffentliche Ordnung"
    assert patched["description"] == "Ordnung und Sicherheit"  # patch keeps the rest
    assert _extras(patched)["parent"] == "stadt-koeln-viii"

    shown = admin.action.organization_show(id="stadt-koeln-32")
    shown["description"] = "Neu beschrieben"
    updated = admin.action.organization_update(**shown)  # a shown dict goes back unchanged
    assert (
        updated["description"] == "Neu beschrieben"
        and _extras(updated)["parent"] == "stadt-koeln-viii"
    )
    replaced = admin.action.organization_update(id="stadt-koeln-32", title="Ordnungsamt")
    assert replaced["description"] == "" and _extras(replaced) == {"kind": "amt", "parent": ""}

    make_dataset(db, name="knoellchen", title="Verwarngelder", department_code="32")
    assert admin.action.organization_show(id="stadt-koeln-32")["package_count"] == 1
    assert "stadt-koeln-32" in admin.action.organization_list()
    with db.session() as session:
        actions = [
            e.action
            for e in audit.query_entries(
                session, entity_type="department", limit=20, offset=0
            ).items
        ]
    assert actions.count("department.update") == 3 and "department.create" in actions


def test_errors_arrive_as_ckanapi_exceptions(
    admin: ckanapi.RemoteCKAN, editor: ckanapi.RemoteCKAN, live_server: str
) -> None:
    with pytest.raises(ckanapi.ValidationError) as taken:
        admin.action.organization_create(name="stadt-koeln-69", title="Doppelt")
    assert "bereits vergeben" in str(taken.value.error_dict)
    with pytest.raises(ckanapi.ValidationError) as bad_name:
        admin.action.organization_create(name="Ordnungsamt!", title="Falscher Name")
    assert "name" in bad_name.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as unknown:
        admin.action.organization_create(name="stadt-koeln-33", image_url="https://x/y.png")
    assert "image_url" in unknown.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as kind:
        admin.action.organization_patch(id="stadt-koeln-69", extras=[{"key": "kind", "value": "x"}])
    assert "kind" in kind.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as loop:
        admin.action.organization_patch(
            id="stadt-koeln-viii", extras=[{"key": "parent", "value": "stadt-koeln-69"}]
        )
    assert "parent" in loop.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as rename:
        admin.action.organization_patch(id="stadt-koeln-69", name="stadt-koeln-70")
    assert "name" in rename.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as delete:
        admin.action.organization_delete(id="stadt-koeln-69")
    assert "nicht gelöscht" in str(delete.value.error_dict)
    with pytest.raises(ckanapi.NotFound):
        admin.action.organization_patch(id="stadt-koeln-99", title="Gibt es nicht")
    with pytest.raises(ckanapi.NotAuthorized):
        editor.action.organization_create(name="stadt-koeln-34", title="Vom Redakteur")
    with pytest.raises(ckanapi.NotAuthorized):
        editor.action.organization_patch(id="stadt-koeln-69", title="Übernommen")
    anonymous = ckanapi.RemoteCKAN(live_server, user_agent="tests")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.organization_delete(id="stadt-koeln-69")
    assert (
        admin.action.organization_show(id="stadt-koeln-69")["title"] == "Amt für Verkehrsmanagement"
    )
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.organization_show(id="stadt-koeln-34")
