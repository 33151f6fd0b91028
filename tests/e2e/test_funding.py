"""Browser test of the funding radar (issue 11): the measure page loads "Passende
Förderprogramme" with htmx (CSP enforced, no script error), and /foerderung fits 390 px."""

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


def test_measure_page_shows_matching_programmes(page: Page, page_problems: PageProblems) -> None:
    page.goto("/massnahmen?q=Datenplattform")
    page.locator("ul.mp-list h2 a").first.click()
    section = page.locator("#funding-matches")
    expect(section.get_by_role("heading", name="Passende Förderprogramme")).to_be_visible()
    expect(section).to_contain_text("Passung")  # swapped in by htmx
    expect(section.get_by_text("Passende Förderprogramme anzeigen")).to_have_count(0)
    expect(section.locator("ol a[href^='/foerderung/']").first).to_be_visible()
    assert not page_problems.js_errors, page_problems.js_errors
    assert not page_problems.csp_errors, page_problems.csp_errors


def test_funding_list_fits_a_phone(browser: Browser, live_server: LiveServer) -> None:
    context = new_context(browser, live_server, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        for path in ("/foerderung", "/foerderung/uebersicht"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide"
        page.goto("/foerderung?level=eu")
        page.locator("ul.mp-list h2 a").first.click()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{page.url} is {width} px wide"
    finally:
        context.close()
