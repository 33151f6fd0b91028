"""In a real browser: Chromium draws the 113 Cologne road segments of the map preview from the
canonical GeoJSON and the chart of a time series under the page's Content-Security-Policy;
axe-core finds no serious problem on the dataset pages nor on the harvest pages an admin sees."""

from __future__ import annotations

import json
from typing import Any

import pytest

from domstadt.catalog import distribution_service, harvest_service
from domstadt.catalog.harvest.runner import Limits
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, make_dataset
from tests.catalog.harvest_servers import LOOPBACK, add_source, static_server
from tests.catalog.test_chart import COUNTS
from tests.conftest import PASSWORD, make_user
from tests.e2e.support import FAILING_IMPACTS, find_chromium, format_violations, login, run_axe

pytestmark = pytest.mark.browser

if find_chromium() is None:
    pytest.skip("no Chromium installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def chromium(live_server: str, browser: Any) -> Any:
    """The session's Chromium (tests/browser_fixtures.py), after this test's server started."""
    return browser


def test_map_preview_draws_the_geojson(
    db: Database, departments: None, settings: Settings, live_server: str, chromium: Any
) -> None:
    make_dataset(db, name="strassen", title="Straßenabschnitte mit Verkehrsmessung")
    with db.session() as session:
        distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset="strassen",
            data=DistributionCreate(title="Abschnitte"),
            data_dir=settings.data_dir,
            upload=(
                "segments.geojson",
                (DATA_DIR / "koeln_traffic_street_segments.geojson").read_bytes(),
            ),
        )
    page = chromium.new_page(base_url=live_server)  # with the real CSP
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto("/daten/strassen")
    page.wait_for_selector("#catalog-map[data-features='113']", timeout=15_000)
    assert page.locator("#catalog-map path.leaflet-interactive").count() == 113
    assert not errors, errors
    page = chromium.new_page(base_url=live_server, bypass_csp=True)  # axe is injected inline
    page.goto("/daten/strassen")
    page.wait_for_selector("#catalog-map[data-features='113']", timeout=15_000)
    violations = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not violations, format_violations("/daten/strassen", violations)


def test_chart_preview_draws_the_time_series(
    db: Database, departments: None, settings: Settings, live_server: str, chromium: Any
) -> None:
    make_dataset(db, name="radzaehlung", title="Radzählung Deutzer Brücke")
    with db.session() as session:
        distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset="radzaehlung",
            data=DistributionCreate(title="Zählung"),
            data_dir=settings.data_dir,
            upload=("zaehlung.csv", COUNTS.encode("cp1252")),
        )
    page = chromium.new_page(base_url=live_server)  # with the real CSP
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/daten/radzaehlung")
    page.wait_for_selector("#catalog-chart[data-points='3']", timeout=15_000)
    assert page.locator("#catalog-chart canvas").count() == 1
    assert "Radfahrende" in page.locator("#catalog-chart").inner_text()
    assert not errors, errors
    page = chromium.new_page(base_url=live_server, bypass_csp=True)  # axe is injected inline
    page.goto("/daten/radzaehlung")
    page.wait_for_selector("#catalog-chart[data-points='3']", timeout=15_000)
    violations = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not violations, format_violations("/daten/radzaehlung", violations)


def _axe(page: Any, path: str) -> None:
    page.goto(path)
    violations = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not violations, format_violations(path, violations)


def test_harvest_pages_are_accessible(
    db: Database, departments: None, live_server: str, chromium: Any
) -> None:
    system = system_actor("tests")
    portal = {"dataset": [{"identifier": "a", "title": "Kitas", "license": "cc-by/4.0"}, "x"]}
    with static_server() as routes:
        url = routes.set("/data.json", "application/json", json.dumps(portal))
        add_source(db, "kitas", url, "dkan")
        report = harvest_service.harvest_run(
            db,
            actor=system,
            name="kitas",
            limits=Limits(job_seconds=60, request_seconds=5),
            outbound=LOOPBACK,
        )
    assert (report.added, report.errored) == (1, 1)
    make_user(db, "admin.daten@example.org", Role.ADMIN, name="Ada Admin")
    page = chromium.new_page(base_url=live_server, bypass_csp=True)
    login(page, "admin.daten@example.org", PASSWORD)
    _axe(page, "/daten/harvest")
    assert page.get_by_role("button", name="Jetzt ausführen kitas").count() == 1
    _axe(page, f"/daten/harvest/jobs/{report.job_id}")
    assert page.get_by_role("link", name="kitas").count() == 1
