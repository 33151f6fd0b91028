"""Browser test of the best-practice library (issue 11, S2.2): the measure page loads
"Ähnliche Praxisbeispiele" with htmx (CSP enforced, no script error), the list and a practice
page fit 390 px and pass axe-core."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import (
    CHROMIUM_SKIP_REASON,
    FAILING_IMPACTS,
    find_chromium,
    format_violations,
    run_axe,
)

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


def test_measure_page_shows_similar_practices(page: Page, page_problems: PageProblems) -> None:
    page.goto("/massnahmen?q=Bürgertelefon")
    page.locator("ul.mp-list h2 a").first.click()
    section = page.locator("#practice-matches")
    expect(section.get_by_role("heading", name="Ähnliche Praxisbeispiele")).to_be_visible()
    expect(section).to_contain_text("Textähnlichkeit")  # swapped in by htmx
    expect(section.get_by_text("Ähnliche Praxisbeispiele anzeigen")).to_have_count(0)
    expect(section.locator("ol a[href^='/praxisbeispiele/']").first).to_be_visible()
    assert not page_problems.js_errors, page_problems.js_errors
    assert not page_problems.csp_errors, page_problems.csp_errors


def test_practice_pages_fit_a_phone_and_pass_axe(browser: Browser, live_server: LiveServer) -> None:
    context = new_context(browser, live_server, viewport={"width": 390, "height": 844})
    axe = new_context(browser, live_server, bypass_csp=True)
    try:
        page, checked = context.new_page(), axe.new_page()
        page.goto("/praxisbeispiele?q=Kiri")
        page.locator("ul.mp-list h2 a").first.click()
        expect(page.get_by_role("heading", name="Bewertungen")).to_be_visible()
        for url in ("/praxisbeispiele", page.url):
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url} is {width} px wide"
            checked.goto(url)
            serious = [v for v in run_axe(checked) if v["impact"] in FAILING_IMPACTS]
            assert not serious, format_violations(serious)
    finally:
        context.close()
        axe.close()
