"""Stored XSS (probe issue 14, High 1): records named with HTML and script payloads, shown on
/sensoren, a measure page and a dataset page in Chromium under the app's own CSP. No payload
may run or become an element; every name must appear as the text it is.

The Location's name replays the probe: an iframe whose script is a JavaScript file uploaded as
a distribution. Uploaded scripts, pages and images must never run from our origin either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from .hostile import IMG, PAYLOAD, SCRIPT
from .support import (
    RECORD_CSP_VIOLATIONS,
    browser_api,
    csp_violations,
    injected_elements,
    xss_flag,
)

sync_api = browser_api()

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from .hostile import Hostile

pytestmark = pytest.mark.browser

OPEN_EVERY_TOOLTIP = """selector => {
  const shapes = document.querySelectorAll(selector + ' .leaflet-interactive');
  shapes.forEach(s => s.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})));
  return shapes.length;
}"""
TOOLTIP_TEXTS = (
    "() => Array.from(document.querySelectorAll('.leaflet-tooltip'), t => t.textContent)"
)


def watch(page: Page) -> tuple[Page, list[str]]:
    """Record the page's CSP refusals (in the page), dialogs and script errors (returned)."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda exc: events.append(f"script error: {exc}"))
    return page, events


@pytest.fixture
def watched(context: BrowserContext) -> Iterator[tuple[Page, list[str]]]:
    """An anonymous page under the app's CSP, watched."""
    page = context.new_page()
    yield watch(page)
    page.close()


@pytest.fixture
def watched_admin(strict_admin_page: Page) -> tuple[Page, list[str]]:
    """The admin's page under the app's CSP, watched."""
    return watch(strict_admin_page)


def assert_nothing_ran(page: Page, events: list[str]) -> None:
    """No payload ran, none became an element, nothing was refused by the CSP."""
    assert xss_flag(page) is None, f"a payload ran: window.__xss = {xss_flag(page)!r}"
    assert injected_elements(page) == [], f"payloads became elements: {injected_elements(page)}"
    assert csp_violations(page) == [], f"the CSP refused something: {csp_violations(page)}"
    assert events == [], f"dialogs or script errors: {events}"


def open_tooltips(page: Page, map_selector: str) -> list[str]:
    """Hover every shape of a Leaflet map (Leaflet's own mouseover path); the tooltip texts."""
    page.locator(f"{map_selector} .leaflet-interactive").first.wait_for()
    shapes = page.evaluate(OPEN_EVERY_TOOLTIP, map_selector)
    sync_api.expect(page.locator(".leaflet-tooltip")).to_have_count(shapes)
    texts: list[str] = page.evaluate(TOOLTIP_TEXTS)
    return texts


def test_sensor_names_stay_text(watched: tuple[Page, list[str]], hostile: Hostile) -> None:
    page, events = watched
    page.goto("/sensoren")
    tooltips = open_tooltips(page, "#sensor-map")
    assert hostile.location_name in tooltips, f"Location name not shown as text: {tooltips[-3:]}"
    button = page.locator(f".chart-button[data-datastream='{hostile.datastream_id}']")
    button.click()
    sync_api.expect(page.locator("#chart-caption")).to_have_text(hostile.datastream_name)
    page.locator("#sensor-chart .uplot").wait_for()
    page.locator(".chart-button").first.click()
    row = page.locator("table.datastreams tr", has=button)
    sync_api.expect(row.locator("th")).to_have_text(hostile.datastream_name)
    sync_api.expect(row.locator("td").first).to_have_text(hostile.thing_name)
    page.wait_for_load_state("networkidle")
    assert_nothing_ran(page, events)


def test_measure_texts_stay_text(watched: tuple[Page, list[str]], hostile: Hostile) -> None:
    page, events = watched
    page.goto(f"/massnahmen/{hostile.measure_id}")
    sync_api.expect(page.locator("#mp-map")).to_have_attribute("data-drawn", "true")
    chart = page.locator("#mp-kpi-charts figure")
    chart.locator(".uplot").wait_for()
    sync_api.expect(chart.locator("figcaption")).to_have_text(f"Kennzahl {PAYLOAD} ({IMG})")
    sync_api.expect(chart.locator(".u-legend")).to_contain_text(f"Kennzahl {PAYLOAD}")
    sync_api.expect(page.locator("h1")).to_contain_text(hostile.measure_title)
    main = page.locator("main")
    for label in ("Meilenstein", "Verweis", "Beschreibung"):
        sync_api.expect(main).to_contain_text(f"{label} {PAYLOAD}")
    assert_nothing_ran(page, events)


def test_dataset_texts_stay_text(watched: tuple[Page, list[str]], hostile: Hostile) -> None:
    page, events = watched
    page.goto(f"/daten/{hostile.dataset_name}")
    sync_api.expect(page.locator("h1")).to_have_text(hostile.dataset_title)
    sync_api.expect(page.locator("#catalog-map")).to_have_attribute("data-features", "2")
    tooltips = open_tooltips(page, "#catalog-map")
    assert any(f"name: Geo {PAYLOAD}" in t for t in tooltips), f"GeoJSON text lost: {tooltips}"
    chart = page.locator("#catalog-chart")
    sync_api.expect(chart).to_have_attribute("data-points", "3")
    header = f"Zaehlung {IMG}"
    sync_api.expect(chart.locator(".u-legend")).to_contain_text(header)
    preview = page.locator("main table").last
    sync_api.expect(preview.locator("thead")).to_contain_text(header)
    sync_api.expect(preview.locator("tbody")).to_contain_text(f"Kalk {SCRIPT}")
    assert_nothing_ran(page, events)


def test_uploaded_script_does_not_run_from_our_origin(
    watched: tuple[Page, list[str]], hostile: Hostile
) -> None:
    """The probe's second half: a <script src> of our origin pointing at an upload."""
    page, _ = watched
    page.goto("/")
    outcome = page.evaluate(
        """src => new Promise(done => {
          const s = document.createElement('script');
          s.onload = () => done('ran'); s.onerror = () => done('refused');
          s.src = src; document.head.appendChild(s);
        })""",
        hostile.uploads["angriff.js"],
    )
    assert outcome == "refused" and xss_flag(page) is None, f"uploaded script: {outcome}"


@pytest.mark.parametrize("filename", ["angriff.js", "angriff.html", "angriff.svg"])
def test_opening_an_upload_downloads_it(
    context: BrowserContext, hostile: Hostile, filename: str
) -> None:
    page = context.new_page()
    # Playwright ends the goto with "Download is starting": no page was rendered.
    with page.expect_download() as download, contextlib.suppress(sync_api.Error):
        page.goto(hostile.uploads[filename])
    assert download.value.suggested_filename == filename
    assert xss_flag(page) is None


def test_htmx_swaps_hostile_text_as_text(
    watched_admin: tuple[Page, list[str]], hostile: Hostile
) -> None:
    """htmx works under the strict CSP and what it swaps in stays text: similar entries
    while typing, feedback sent from the measure page without leaving it."""
    page, events = watched_admin
    page.goto("/initiativen/neu")
    page.locator("#f-title").press_sequentially(hostile.measure_title[:40])
    sync_api.expect(page.locator("#similar")).to_contain_text(hostile.measure_title)
    assert_nothing_ran(page, events)

    page.goto(f"/massnahmen/{hostile.measure_id}")
    page.evaluate("() => { window.__same_page = true; }")
    form = page.locator("form.fb-form")
    form.locator("#fb-relevance").select_option("5")
    form.locator("input[name='stance']").first.check()
    form.locator("#fb-comment").fill(f"Kommentar {PAYLOAD}")
    form.get_by_role("button").click()
    sync_api.expect(page.locator("#feedback .fb-list")).to_contain_text(f"Kommentar {PAYLOAD}")
    assert page.evaluate("() => window.__same_page") is True, "htmx did not swap the section"
    assert_nothing_ran(page, events)
