"""The editor's measure form in Chromium under the real CSP (issue 13): a click on the map
places the location, department and measure lists filter as one types, "add another" adds a
milestone row, and a refused submit moves focus to the first field with an error."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from .support import CHROMIUM_SKIP_REASON, find_chromium

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright not installed")

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .conftest import LiveServer

pytestmark = pytest.mark.browser


def test_map_lists_rows_and_focus(strict_admin_page: Page, live_server: LiveServer) -> None:
    page = strict_admin_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_server.base_url + "/massnahmen/neu")

    area = page.locator("#m-location-map")
    expect(area).to_have_attribute("data-drawn", "true")
    expect(page.locator("#m-location-map .mp-district").first).to_be_visible()
    area.click()  # scrolled into view, clicked in the middle
    placed = json.loads(page.locator("#m-location").input_value())
    assert placed["type"] == "Point"
    lon, lat = placed["coordinates"]
    assert 6.7 < lon < 7.2 and 50.8 < lat < 51.1  # the middle of the map is Cologne
    page.click("#m-location-clear")
    expect(page.locator("#m-location")).to_have_value("")

    rows = page.locator("#m-partner_departments-items .mp-check")
    total = rows.count()
    page.fill("#m-partner_departments-filter", "verkehr")
    visible = page.locator("#m-partner_departments-items .mp-check:visible")
    assert 0 < visible.count() < total
    for text in visible.all_inner_texts():
        assert "verkehr" in text.lower()

    page.click("button[data-template-row='m-milestones']")
    expect(page.locator("#ms-1-planned")).to_be_focused()
    expect(page.locator("label[for='ms-1-title']")).to_have_text("Titel 2")

    page.fill("#m-code", "")
    page.fill("#m-weight", "viel")
    page.click(".mp-form button[type=submit]")
    expect(page.locator("#form-error")).to_be_visible()
    first = page.locator("#form-error a").first.get_attribute("href")
    assert first is not None
    expect(page.locator(first)).to_be_focused()
    expect(page.locator("#m-weight-error")).to_contain_text("keine Zahl")
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_form_fits_a_phone(strict_admin_page: Page, live_server: LiveServer) -> None:
    """The editor's form at 390 px: no sideways scrolling (fieldsets, lists and map shrink)."""
    page = strict_admin_page
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/massnahmen/neu", "/massnahmen/1/bearbeiten"):
        page.goto(live_server.base_url + path)
        expect(page.locator("#m-location-map")).to_have_attribute("data-drawn", "true")
        width, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width <= inner + 1, f"{path}: {width} px wide at {inner} px"
