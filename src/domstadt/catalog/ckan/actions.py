"""The CKAN actions Domstadt implements, each a thin mapping onto the catalogue services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domstadt import __version__
from domstadt.catalog import activity_service, distribution_service, search_service, service
from domstadt.catalog.ckan import package as pk
from domstadt.catalog.ckan.actions_base import Context
from domstadt.catalog.ckan.actions_base import required as _required
from domstadt.catalog.ckan.organizations import (
    organization_create,
    organization_delete,
    organization_patch,
    organization_show,
    organization_update,
)
from domstadt.catalog.schemas import SearchQuery
from domstadt.core.errors import Invalid
from domstadt.core.json_limits import JsonTooLarge, parse_json
from domstadt.core.storable import INT64_MAX, INT64_MIN


def _int(data: dict[str, Any], key: str, default: int) -> int:
    """A whole-number argument (text or JSON number) within 64 bits, else CKAN's 409."""
    value = data.get(key, default)
    try:
        number = int(value if value not in (None, "") else default)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(f"{key} muss eine ganze Zahl sein.", field=key) from None
    if not INT64_MIN <= number <= INT64_MAX:
        raise Invalid(f"{key} muss zwischen {INT64_MIN} und {INT64_MAX} liegen.", field=key)
    return number


def _facet_limit(value: int) -> int:
    """CKAN's ``facet.limit``: -1 (any negative) means every value."""
    return search_service.MAX_FACET_VALUES if value < 0 else max(value, 1)


def package_search(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN package_search: q, fq, facet.field, rows, start, sort."""
    filters, since, until = pk.parse_fq(str(data.get("fq") or ""))
    fields = pk.facet_fields(data.get("facet.field"))
    query = SearchQuery(
        q=str(data.get("q") or ""),
        filters=filters,
        modified_since=since,
        modified_until=until,
        facets=fields,
        sort=str(data.get("sort") or ""),
        rows=_int(data, "rows", 10),
        start=_int(data, "start", 0),
        facet_limit=_facet_limit(_int(data, "facet.limit", 50)),
    )
    page = search_service.dataset_search(ctx.session, actor=ctx.actor, query=query)
    results = [pk.package_dict(d, ctx.base_url) for d in page.results]
    fl = [f.strip() for f in str(data.get("fl") or "").replace(",", " ").split() if f.strip()]
    if fl:
        results = [{key: pkg.get(key) for key in fl} for pkg in results]
    return {
        "count": page.count,
        "sort": page.sort,
        "results": results,
        "facets": {f: {i.name: i.count for i in items} for f, items in page.facets.items()},
        "search_facets": {
            f: {
                "title": f,
                "items": [
                    {"name": i.name, "display_name": i.display_name, "count": i.count}
                    for i in items
                ],
            }
            for f, items in page.facets.items()
        },
    }


def package_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN package_show by id or name."""
    ds = service.dataset_get(ctx.session, actor=ctx.actor, id_or_name=_required(data, "id"))
    return pk.package_dict(ds, ctx.base_url)


def package_list(ctx: Context, data: dict[str, Any]) -> list[str]:
    """CKAN package_list: names of public datasets."""
    limit = data.get("limit")
    return service.dataset_names(
        ctx.session,
        actor=ctx.actor,
        limit=_int(data, "limit", 0) if limit not in (None, "") else None,
        offset=_int(data, "offset", 0),
    )


def current_package_list_with_resources(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """CKAN current_package_list_with_resources: recently modified first, paged."""
    limit = _int(data, "limit", 10)
    offset = _int(data, "offset", 0)
    query = SearchQuery(sort="metadata_modified desc", rows=limit, start=offset)
    page = search_service.dataset_search(ctx.session, actor=ctx.actor, query=query)
    return [pk.package_dict(d, ctx.base_url) for d in page.results]


def organization_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """CKAN organization_list: publishers of visible datasets (names, or dicts)."""
    items = search_service.publisher_list(ctx.session, actor=ctx.actor)
    if str(data.get("all_fields", "")).lower() in {"true", "1"}:
        return [pk.organization_dict(i.name, i.display_name, i.count) for i in items]
    return sorted(i.name for i in items)


def group_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """CKAN group_list: EU data themes in use."""
    items = search_service.term_list(ctx.session, actor=ctx.actor, kind="groups")
    if str(data.get("all_fields", "")).lower() in {"true", "1"}:
        return [pk.group_dict(i) for i in items]
    return sorted(i.name.lower() for i in items)


def tag_list(ctx: Context, data: dict[str, Any]) -> list[str]:
    """CKAN tag_list: keywords in use (optionally those containing ``query``)."""
    items = search_service.term_list(ctx.session, actor=ctx.actor, kind="tags")
    query = str(data.get("query") or "").lower()
    return sorted(i.name for i in items if query in i.name.lower())


def resource_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN resource_show by id."""
    res = distribution_service.distribution_get(
        ctx.session, actor=ctx.actor, resource_id=_required(data, "id")
    )
    return pk.resource_dict(res, ctx.base_url)


def status_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN status_show: what this server is."""
    return {
        "site_title": "Domstadt – Offene Daten Köln",
        "site_description": "Open-Data-Katalog der Plattform Domstadt (DCAT-AP.de)",
        "site_url": ctx.base_url,
        "ckan_version": "2.10.0",
        "domstadt_version": __version__,
        "locale_default": "de",
        "extensions": ["datastore", "dcat", "harvest"],
    }


def license_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """CKAN license_list: the dcat-ap.de licence list."""
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "url": r["uri"],
            "od_conformance": "approved" if r["open"] else "not reviewed",
        }
        for r in service.license_list(ctx.session, actor=ctx.actor)
    ]


def package_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN package_create (resources given inline are added as links)."""
    resources = pk.objects_argument(data, "resources")
    ds = service.dataset_create(ctx.session, actor=ctx.actor, data=pk.to_create(data))
    for res in resources:
        _add_resource(ctx, ds.id, res, None)
    return package_show(ctx, {"id": ds.id})


def package_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN package_update: replaces the metadata."""
    key = str(data.get("id") or data.get("name") or "")
    ds = service.dataset_update(
        ctx.session,
        actor=ctx.actor,
        id_or_name=_required({"id": key}, "id"),
        data=pk.to_create(data),
    )
    return pk.package_dict(ds, ctx.base_url)


def package_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN package_patch: changes only the given fields."""
    key = _required(data, "id")
    body = {k: v for k, v in data.items() if k != "id"}
    ds = service.dataset_patch(ctx.session, actor=ctx.actor, id_or_name=key, data=pk.to_patch(body))
    return pk.package_dict(ds, ctx.base_url)


def package_delete(ctx: Context, data: dict[str, Any]) -> None:
    """CKAN package_delete: the dataset's state becomes 'deleted'."""
    service.dataset_delete(ctx.session, actor=ctx.actor, id_or_name=_required(data, "id"))


def _add_resource(
    ctx: Context, package_id: str, data: dict[str, Any], upload: tuple[str, bytes] | None
) -> dict[str, Any]:
    res = distribution_service.distribution_create(
        ctx.session,
        actor=ctx.actor,
        dataset=package_id,
        data=pk.to_resource(data),
        data_dir=ctx.data_dir,
        upload=upload,
    )
    return pk.resource_dict(res, ctx.base_url)


def resource_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN resource_create with a URL or a multipart file ``upload``."""
    return _add_resource(ctx, _required(data, "package_id"), data, ctx.upload)


def _json_param(data: dict[str, Any], key: str, default: Any) -> Any:
    value = data.get(key, default)
    if isinstance(value, str) and value.strip().startswith(("{", "[")):
        try:
            return parse_json(value, field=key)
        except JsonTooLarge:
            raise
        except Invalid:
            raise Invalid(f"{key} ist kein gültiges JSON.", field=key) from None
    return value


def _invalid(key: str, message: str) -> Invalid:
    """CKAN's validation error for one argument (409 with ``{key: [message]}``)."""
    return Invalid(message, field=key, details={key: [message]})


def _names_param(data: dict[str, Any], key: str) -> list[str]:
    """A list of names, as a JSON list of strings or comma-separated text."""
    value = _json_param(data, key, [])
    if isinstance(value, str):
        return [f.strip() for f in value.split(",") if f.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise _invalid(key, f"{key} muss eine Liste von Spaltennamen sein.")


def _filters_param(data: dict[str, Any]) -> dict[str, Any]:
    """``filters``: column → a value or a non-empty list of values (no objects)."""
    filters = _json_param(data, "filters", {})
    if not isinstance(filters, dict):
        raise _invalid("filters", "filters muss ein Objekt sein.")
    for column, value in filters.items():
        values = value if isinstance(value, list) else [value]
        if not values or any(isinstance(v, dict | list) for v in values):
            raise _invalid(
                "filters", f"filters: '{column}' braucht einen Wert oder eine Liste von Werten."
            )
    return filters


def datastore_search(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN datastore_search: filters, q, fields, sort, limit, offset; returns total."""
    fields = _names_param(data, "fields")
    filters = _filters_param(data)
    return distribution_service.datastore_search(
        ctx.session,
        actor=ctx.actor,
        resource_id=_required(data, "resource_id"),
        data_dir=ctx.data_dir,
        filters=filters,
        q=str(data.get("q") or ""),
        fields=fields,
        sort=str(data.get("sort") or ""),
        limit=_int(data, "limit", 100),
        offset=_int(data, "offset", 0),
    )


def datastore_search_sql(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN datastore_search_sql: one read-only SELECT."""
    return distribution_service.datastore_search_sql(
        ctx.session, actor=ctx.actor, sql=_required(data, "sql"), data_dir=ctx.data_dir
    )


def _activity_page(data: dict[str, Any]) -> tuple[int, int]:
    return _int(data, "limit", 31), _int(data, "offset", 0)


def package_activity_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """CKAN package_activity_list: the dataset's changes from the audit log, newest first."""
    limit, offset = _activity_page(data)
    items = activity_service.dataset_activity_list(
        ctx.session, actor=ctx.actor, id_or_name=_required(data, "id"), limit=limit, offset=offset
    )
    return [pk.activity_dict(i) for i in items]


def recently_changed_packages_activity_list(
    ctx: Context, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """CKAN recently_changed_packages_activity_list: changes of all visible datasets."""
    limit, offset = _activity_page(data)
    items = activity_service.recent_activity_list(
        ctx.session, actor=ctx.actor, limit=limit, offset=offset
    )
    return [pk.activity_dict(i) for i in items]


def resource_view_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """CKAN resource_view_list: the previews the dataset page draws for this resource (table
    of a DataStore table, chart of a time series, map of the WGS 84 GeoJSON)."""
    res = distribution_service.distribution_get(
        ctx.session, actor=ctx.actor, resource_id=_required(data, "id")
    )
    views: list[dict[str, Any]] = []
    if res.datastore_active and res.derived_from is None:
        views.append(pk.view_dict(res, "datatables_view", "Tabelle"))
        rows = distribution_service.datastore_search(
            ctx.session, actor=ctx.actor, resource_id=res.id, data_dir=ctx.data_dir, limit=1
        )
        if pk.is_time_series(rows["fields"]):
            views.append(pk.view_dict(res, "chart_view", "Diagramm"))
    if res.format == "GEOJSON" and res.derived_from is not None and res.has_file:
        views.append(pk.view_dict(res, "geojson_view", "Karte"))
    return views


ACTIONS: dict[str, Callable[[Context, dict[str, Any]], Any]] = {
    fn.__name__: fn
    for fn in (
        package_search,
        package_show,
        package_list,
        current_package_list_with_resources,
        organization_list,
        organization_show,
        organization_create,
        organization_update,
        organization_patch,
        organization_delete,
        group_list,
        tag_list,
        resource_show,
        status_show,
        license_list,
        package_create,
        package_update,
        package_patch,
        package_delete,
        resource_create,
        datastore_search,
        datastore_search_sql,
        package_activity_list,
        recently_changed_packages_activity_list,
        resource_view_list,
    )
}
WRITE_ACTIONS = {
    "package_create",
    "package_update",
    "package_patch",
    "package_delete",
    "resource_create",
    "organization_create",
    "organization_update",
    "organization_patch",
    "organization_delete",
}
