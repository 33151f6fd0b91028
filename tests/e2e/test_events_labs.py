"""Browser test of /veranstaltungen (field and date filters) and /labore (the SUS chart is
drawn by the static script from the data attribute), with the app's CSP enforced."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest

from .support import CHROMIUM_SKIP_REASON, find_chromium

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)

pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
)

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .conftest import PageProblems

pytestmark = pytest.mark.browser


def _clean(problems: PageProblems) -> None:
    assert not problems.js_errors, problems.js_errors
    assert not problems.csp_errors, problems.csp_errors
    assert not problems.failed_local, problems.failed_local
    assert not problems.external_requests, problems.external_requests


def test_event_filters_and_sus_chart(page: Page, page_problems: PageProblems) -> None:
    page.goto("/veranstaltungen")
    expect(page.locator("#ev-total")).to_have_text(re.compile(r"^\d+$"))
    # ten events and the pitch event, plus those other journeys on this server created
    assert int(page.locator("#ev-total").inner_text()) >= 11
    page.select_option("#f-feld", "smart-city")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page).to_have_url("/veranstaltungen?feld=smart-city&von=&bis=", timeout=10000)
    expect(page.locator("#ev-total")).to_have_text("3")
    expect(page.locator("#ev-list")).to_contain_text("Smart City Meetup: Sensoren im Veedel")
    expect(page.locator("#ev-list")).not_to_contain_text("Digitalkongress")
    today = dt.date.today()
    page.fill("#f-von", today.isoformat())
    page.fill("#f-bis", (today + dt.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator("#ev-total")).to_have_text("1")
    expect(page.locator(".ev-item")).to_have_count(1)
    page.locator("#ev-list a").first.click()
    expect(page.locator("h1")).to_have_text("Smart City Meetup: Sensoren im Veedel")
    page.goto("/labore")
    chart = page.locator("#sus-charts figure")
    expect(chart).to_have_count(1)
    expect(chart.locator("figcaption")).to_have_text("Bürgerkonto Köln")
    expect(chart.locator("canvas")).to_have_count(1)
    _clean(page_problems)
