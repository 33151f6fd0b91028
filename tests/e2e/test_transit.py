"""Browser test of the gap map (issue 12, S5.2): /infrastruktur/verbindung draws every
segment of the demo's VBB lines on the Leaflet map (CSP enforced, no script error), a
segment's popup names its stops as text, and the page fits 390 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import CHROMIUM_SKIP_REASON, find_chromium

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)

pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
)

from playwright.sync_api import expect

from .conftest import new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .conftest import LiveServer, PageProblems

pytestmark = pytest.mark.browser


def test_gap_map_draws_segments_with_popups(page: Page, page_problems: PageProblems) -> None:
    page.goto("/infrastruktur/verbindung")
    expect(page.get_by_role("heading", name="Verbindung entlang von ÖPNV-Linien")).to_be_visible()
    segments = page.locator("#gap-map path.leaflet-interactive")
    expect(segments.first).to_be_attached()
    assert segments.count() == 327
    colours = {segments.nth(i).get_attribute("stroke") for i in range(0, 327, 7)}
    assert "#b2182b" in colours or "#6a3d9a" in colours  # bad or uncertain segments exist
    page.locator("table.gaps").first.scroll_into_view_if_needed()
    segments.nth(0).dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("→")
    expect(popup).to_contain_text("Messungen")
    assert not page_problems.js_errors, page_problems.js_errors
    assert not page_problems.csp_errors, page_problems.csp_errors


def test_gap_map_fits_a_phone(browser: Browser, live_server: LiveServer) -> None:
    context = new_context(browser, live_server, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto("/infrastruktur/verbindung")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"/infrastruktur/verbindung is {width} px wide"
    finally:
        context.close()
