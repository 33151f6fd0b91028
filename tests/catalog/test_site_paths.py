"""Links are right wherever the platform runs (issue 13): distributions store site paths, the
demo served on a free port links every download to itself (page, CKAN ``url``, DCAT
``downloadURL``), and migration 0016 rewrites the platform's own stored absolute addresses."""

from __future__ import annotations

import re

import httpx
import pytest
from alembic import command
from rdflib import Graph
from rdflib.namespace import DCAT
from sqlalchemy import select, update

from domstadt.catalog import distribution_service
from domstadt.catalog.models import Distribution
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database
from domstadt.core.migrate import alembic_config
from domstadt.demo import catalog as demo_catalog
from domstadt.demo import core as demo_core
from domstadt.demo import masterplan as demo_masterplan
from domstadt.web.app import create_app
from tests.catalog.conftest import DATA_DIR, make_dataset
from tests.live import serving

_PAGE_DOWNLOAD = re.compile(r'<td><a href="([^"]+)">Download')


def _load_demo(db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        with db.session() as session:
            demo_core.load(session, system_actor("demo"))
            demo_masterplan.load(session, system_actor("demo"))
            demo_catalog.load(session, system_actor("demo"))
    finally:
        get_settings.cache_clear()


def test_stored_download_addresses_are_site_paths(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load_demo(db, settings, monkeypatch)
    with db.session() as session:
        stored = session.execute(select(Distribution.uuid, Distribution.download_url)).all()
    assert len(stored) >= 5  # the election CSV, its normalised copies, the segments GeoJSON
    assert all(url == f"/daten/ressource/{uuid}/download" for uuid, url in stored)


def test_demo_on_another_port_links_every_download_to_itself(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load_demo(db, settings, monkeypatch)
    assert "base_url" not in settings.model_fields_set  # like `make demo PORT=…`
    with serving(create_app(settings, db)) as base, httpx.Client(base_url=base) as http:
        names = http.get("/api/3/action/package_list").json()["result"]
        assert len(names) == 13
        links: set[str] = set()
        for name in names:
            page = http.get(f"/daten/{name}").text
            links |= {base + href for href in _PAGE_DOWNLOAD.findall(page)}
            package = http.get("/api/3/action/package_show", params={"id": name}).json()
            links |= {r["url"] for r in package["result"]["resources"]}
            graph = Graph().parse(data=http.get(f"/dataset/{name}.ttl").text, format="turtle")
            links |= {str(u) for u in graph.objects(None, DCAT.downloadURL)}
            api = http.get(f"/api/v1/datasets/{name}").json()
            links |= {d["download_url"] for d in api["distributions"]}
        assert len(links) >= 5
        for link in sorted(links):
            assert link.startswith(base + "/daten/ressource/"), link
            answer = http.get(link)
            assert answer.status_code == 200, (link, answer.status_code)
            assert answer.content


def test_a_configured_base_url_names_the_public_address(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load_demo(db, settings, monkeypatch)
    public = settings.model_copy(update={"base_url": "https://daten.example/domstadt"})
    public.model_fields_set.add("base_url")
    with serving(create_app(public, db)) as base, httpx.Client(base_url=base) as http:
        package = http.get(
            "/api/3/action/package_show", params={"id": "bundestagswahl-2013-stadtbezirke"}
        )
        urls = [r["url"] for r in package.json()["result"]["resources"]]
    assert urls and all(
        u.startswith("https://daten.example/domstadt/daten/ressource/") for u in urls
    )


def _migrate(db: Database, revision: str, *, down: bool = False) -> None:
    cfg = alembic_config(db.url)
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_migration_0016_rewrites_own_absolute_addresses_only(
    db: Database, settings: Settings, departments: None
) -> None:
    make_dataset(db, name="wahl", title="Wahl")
    with db.session() as session:
        for title in ("Original", "Link"):
            upload = ("wahl.csv", (DATA_DIR / "result_stadtbezirk.csv").read_bytes())
            distribution_service.distribution_create(
                session,
                actor=system_actor("tests"),
                dataset="wahl",
                data=DistributionCreate(
                    title=title,
                    download_url="" if title == "Original" else "https://example.org/w.csv",
                ),
                data_dir=settings.data_dir,
                upload=upload if title == "Original" else None,
            )
        rows = session.execute(select(Distribution.uuid, Distribution.title)).all()
    _migrate(db, "0015_catalog_extras", down=True)
    old = {}
    with db.engine.begin() as connection:
        for index, (uuid, title) in enumerate(rows):
            if title == "Link":
                value = "https://example.org/w.csv"
            elif index % 2:
                value = f"http://127.0.0.1:8000/daten/ressource/{uuid}/download"
            else:
                value = f"https://daten.example/domstadt/daten/ressource/{uuid}/download"
            old[uuid] = value
            connection.execute(
                update(Distribution).where(Distribution.uuid == uuid).values(download_url=value)
            )
        foreign = "https://other.example/daten/ressource/not-ours/download"
        connection.execute(
            update(Distribution).where(Distribution.title == "Link").values(access_url=foreign)
        )
    _migrate(db, "head")
    with db.session() as session:
        after = session.execute(
            select(Distribution.uuid, Distribution.title, Distribution.download_url)
        ).all()
        link = session.scalar(select(Distribution).where(Distribution.title == "Link"))
        assert link is not None and link.access_url == foreign  # not this distribution's own
    for uuid, title, url in after:
        expected = (
            "https://example.org/w.csv" if title == "Link" else f"/daten/ressource/{uuid}/download"
        )
        assert url == expected, (old[uuid], url)
