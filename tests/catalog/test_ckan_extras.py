"""CKAN extras round-trip with the unchanged ckanapi client: any extra survives
package_create, package_show, package_update (replace) and package_patch (merge) as CKAN
keeps it; duplicate keys and package field names are CKAN's validation errors; a write
without a token is refused before its body is validated."""

from __future__ import annotations

import ckanapi
import pytest


@pytest.fixture
def ckan(live_server: str, editor_token: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_server, apikey=editor_token, user_agent="domstadt-tests")


def _extras(package: dict[str, object]) -> list[tuple[str, str]]:
    return [(e["key"], e["value"]) for e in package["extras"]]  # type: ignore[attr-defined, index]


def test_unknown_extras_survive_create_show_update_and_patch(ckan: ckanapi.RemoteCKAN) -> None:
    created = ckan.action.package_create(
        name="laerm-2024",
        title="Lärmkartierung 2024",
        owner_org="stadt-koeln-69",
        license_id="dl-by-de/2.0",
        extras=[
            {"key": "quelle", "value": "Umweltamt"},
            {"key": "frequency", "value": "ANNUAL"},
            {"key": "Ümlaut Schlüssel", "value": 'Wert mit <b>Zeichen</b> & "Zitaten"'},
            {"key": "anzahl", "value": 12},
        ],
    )
    expected = [
        ("anzahl", "12"),
        ("frequency", "ANNUAL"),
        ("quelle", "Umweltamt"),
        ("Ümlaut Schlüssel", 'Wert mit <b>Zeichen</b> & "Zitaten"'),
    ]
    custom = [pair for pair in _extras(created) if pair[0] != "political_geocoding_uri"]
    assert [p for p in custom if p[0] != "access_rights"] == expected
    shown = ckan.action.package_show(id="laerm-2024")
    assert _extras(shown) == _extras(created)

    # package_patch merges top-level keys: extras not given are kept
    patched = ckan.action.package_patch(id=created["id"], title="Lärm 2024")
    assert patched["title"] == "Lärm 2024" and _extras(patched) == _extras(created)
    # package_patch with extras replaces the list (CKAN patches whole top-level values)
    patched = ckan.action.package_patch(
        id=created["id"], extras=[{"key": "quelle", "value": "Amt 57"}]
    )
    assert ("quelle", "Amt 57") in _extras(patched)
    assert "anzahl" not in dict(_extras(patched))

    # package_update replaces: extras given are the new set, extras left out are gone
    shown = ckan.action.package_show(id="laerm-2024")
    shown["extras"] = [{"key": "neu", "value": "ja"}]
    updated = ckan.action.package_update(**shown)
    assert dict(_extras(updated))["neu"] == "ja" and "quelle" not in dict(_extras(updated))
    shown = ckan.action.package_show(id="laerm-2024")
    del shown["extras"]
    updated = ckan.action.package_update(**shown)
    assert "neu" not in dict(_extras(updated))


def test_bad_extras_are_validation_errors_naming_extras(ckan: ckanapi.RemoteCKAN) -> None:
    for extras in (
        [{"key": "quelle", "value": "a"}, {"key": "quelle", "value": "b"}],
        [{"key": "title", "value": "Titel als extra"}],
        [{"value": "ohne Schlüssel"}],
        [{"key": "liste", "value": ["a"]}],
        [{"key": "x" * 101, "value": "zu lang"}],
    ):
        with pytest.raises(ckanapi.ValidationError) as invalid:
            ckan.action.package_create(
                name="schlecht", title="Schlecht", owner_org="stadt-koeln-69", extras=extras
            )
        assert "extras" in invalid.value.error_dict, extras
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="schlecht")


def test_write_without_token_is_refused_before_validation(live_server: str) -> None:
    anonymous = ckanapi.RemoteCKAN(live_server, user_agent="domstadt-tests")
    for action, body in (
        ("package_create", {"name": "x!", "extras": "kein-array"}),
        ("package_update", {}),
        ("package_patch", {"extras": [{"key": "title"}]}),
        ("package_delete", {}),
        ("resource_create", {"size": "riesig"}),
    ):
        with pytest.raises(ckanapi.NotAuthorized):
            anonymous.call_action(action, body)
