"""Browser test of the header search (issue 13): typing shows suggestions from
/api/v1/search in an ARIA combobox, the keyboard chooses one, Enter without a choice goes to
/suche; the app's CSP is enforced and no script error happens."""

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


def _clean(problems: PageProblems) -> None:
    assert not problems.js_errors, problems.js_errors
    assert not problems.csp_errors, problems.csp_errors
    assert not problems.failed_local, problems.failed_local
    assert not problems.external_requests, problems.external_requests


def test_typing_shows_suggestions_and_enter_searches(
    page: Page, page_problems: PageProblems
) -> None:
    page.goto("/daten")
    box = page.get_by_role("combobox", name="Die ganze Plattform durchsuchen")
    box.press_sequentially("Ampel", delay=40)
    listbox = page.get_by_role("listbox", name="Vorschläge")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    option = listbox.get_by_role("option", name="Lichtsignalanlagen (Ampeln)")
    expect(option).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url("/suche?q=Ampel", timeout=10000)
    expect(page.locator("h1")).to_have_text("Suche")
    expect(page.locator("main")).to_contain_text("Lichtsignalanlagen (Ampeln)")
    _clean(page_problems)


def test_keyboard_picks_a_suggestion(page: Page, page_problems: PageProblems) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="Die ganze Plattform durchsuchen")
    box.press_sequentially("Defibrilatoren", delay=40)  # a typo
    expect(page.get_by_role("option").first).to_contain_text(
        "Defibrillatoren in städtischen Gebäuden"
    )
    box.press("Escape")
    expect(page.get_by_role("listbox", name="Vorschläge")).to_be_hidden()
    box.fill("")
    box.press_sequentially("Defibrilatoren", delay=40)
    first = page.get_by_role("option").first
    expect(first).to_contain_text("Defibrillatoren in städtischen Gebäuden")
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "site-search-option-0")
    box.press("Enter")
    expect(page).to_have_url("/daten/defibrillatoren", timeout=10000)
    _clean(page_problems)


def test_search_works_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    context = new_context(browser, live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("combobox", name="Die ganze Plattform durchsuchen").fill("Fahrrad")
        page.get_by_role("search").first.get_by_role("button", name="Suche").click()
        expect(page).to_have_url("/suche?q=Fahrrad", timeout=10000)
        expect(page.locator("main")).to_contain_text("Fahrradabstellanlagen")
    finally:
        context.close()
