"""The face of the platform (issue 13) in Chromium: every public page of the demo fits a
390 px phone and a 1366 px desktop without sideways scrolling, and feedback moves focus to
its result or to the error."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from .support import CHROMIUM_SKIP_REASON, NOT_PAGES, find_chromium

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright not installed")

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
MAX_PAGES = 60
SKIP = re.compile(r"^/(login|logout|abmelden|abonnieren)")
"""Forms that change the session; everything in support.NOT_PAGES is no page either."""
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
WIDTH_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
CULPRIT_JS = """() => {
  const out = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  const wide = Array.from(document.querySelectorAll('body *')).filter(
    e => out(e) && !Array.from(e.children).some(out));
  return wide.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '')
    + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');
}"""
"""The innermost elements that stick out on the right, named in the failure message."""


def _shape(path: str) -> str:
    """Pages of one kind share a shape (``/massnahmen/#``): one of each is visited twice."""
    return re.sub(r"\d+|[0-9a-f]{8}-[0-9a-f-]{27}", "#", path)


def public_pages(
    page: Page,
    base: str,
    start: tuple[str, ...] = ("/",),
    limit: int = MAX_PAGES,
    follow: re.Pattern[str] = re.compile(""),
) -> list[str]:
    """Every page reached by links from ``start`` (two per shape): for an anonymous visitor
    from the home page, for staff from their own pages."""
    seen: dict[str, int] = {}
    queue, found = list(start), []
    while queue and len(found) < limit:
        path = queue.pop(0)
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        found.append(path)
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            link = parts.path
            if (
                not href.startswith(base)
                or SKIP.search(link)
                or NOT_PAGES.search(link)
                or parts.query
                or not follow.search(link)
            ):
                continue
            shape = _shape(parts.path)
            if parts.path in found or parts.path in queue or seen.get(shape, 0) >= 2:
                continue
            seen[shape] = seen.get(shape, 0) + 1
            queue.append(parts.path)
    return found


def test_every_public_page_fits_phone_and_desktop(
    context: BrowserContext, live_server: object
) -> None:
    page = context.new_page()
    pages = public_pages(page, live_server.base_url)  # type: ignore[attr-defined]
    assert len(pages) >= 15, pages
    problems = _too_wide(page, pages)
    assert not problems, "\n".join(problems)


STAFF_START = (
    "/konto",
    "/konto/abonnements",
    "/massnahmen/neu",
    "/massnahmen/1/bearbeiten",
    "/massnahmen/1/ki-pruefung",
    "/masterplan/dashboard",
    "/initiativen/neu",
    "/initiativen/import",
    "/initiativen/dubletten",
    "/daten-neu",
    "/daten/dashboard",
    "/daten/harvest",
    "/organisationen/neu",
    "/veranstaltungen/neu",
    "/fragestellungen/neu",
    "/fragestellungen/1",
    "/fragestellungen/1/bearbeiten",
    "/wettbewerbe/neu",
    "/wettbewerbe/1",
    "/wettbewerbe/1/bearbeiten",
    "/labore/neu",
    "/labore/1",
    "/labore/1/bearbeiten",
    "/verwaltung",
    "/admin/postausgang",
    "/admin/moderation",
    "/admin/audit",
)
"""Where staff work; the crawl follows their links (forms, queues, dashboards, own data)."""
STAFF_LINKS = re.compile(
    r"^/(admin|konto|verwaltung)|/(neu|bearbeiten|ki-pruefung|import|dubletten|dashboard|harvest)"
    r"(/|$)"
)
"""Links the staff crawl follows: the pages only signed-in users see."""


def test_every_staff_page_fits_phone_and_desktop(admin_page: Page, live_server: object) -> None:
    """The pages editors and moderators use, signed in as the admin, at 390 and 1366 px."""
    pages = public_pages(
        admin_page,
        live_server.base_url,  # type: ignore[attr-defined]
        start=STAFF_START,
        limit=50,
        follow=STAFF_LINKS,
    )
    assert len(pages) >= len(STAFF_START), pages
    assert not set(STAFF_START) - set(pages), set(STAFF_START) - set(pages)  # each one opened
    problems = _too_wide(admin_page, pages)
    assert not problems, "\n".join(problems)


def _too_wide(page: Page, pages: list[str]) -> list[str]:
    """Each page at each width that scrolls sideways, with the elements that stick out."""
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            page.goto(path)
            page.wait_for_load_state("load")
            scroll, inner = page.evaluate(WIDTH_JS)
            if scroll > inner:
                culprit = page.evaluate(CULPRIT_JS)
                too_wide.append(f"{path} at {width} px: {scroll} px wide ({culprit})")
    return too_wide


def test_feedback_moves_focus_to_the_result_and_to_the_error(admin_page: Page) -> None:
    admin_page.goto("/massnahmen/1")
    form = admin_page.locator("form.fb-form")
    form.locator("#fb-relevance").select_option("4")
    form.locator("input[name='stance']").first.check()
    form.get_by_role("button", name="Rückmeldung senden").click()
    notice = admin_page.locator("#feedback .fb-notice")
    expect(notice).to_be_focused()

    form = admin_page.locator("form.fb-form")
    admin_page.evaluate(  # what an old browser does: no client-side check of the fields
        "() => document.querySelectorAll('form.fb-form [required]')"
        ".forEach(e => e.removeAttribute('required'))"
    )
    form.locator("#fb-relevance").select_option("")
    form.get_by_role("button", name="Rückmeldung senden").click()
    expect(admin_page.locator("#feedback-error")).to_be_focused()
