"""The strict Content-Security-Policy breaks nothing: every page a visitor or an admin can
reach from the start page (hostile records included) loads with zero CSP refusals and zero
script errors, with the policy enforced."""

from __future__ import annotations

import re
from collections import Counter, deque
from typing import TYPE_CHECKING

import pytest

from .support import NOT_PAGES, RECORD_CSP_VIOLATIONS, browser_api, csp_violations

expect = browser_api().expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .hostile import Hostile

pytestmark = pytest.mark.browser

SEEDS = [
    "/",
    "/login",
    "/api/v1/docs",
    "/gibt-es-nicht",
    "/abonnieren",
    "/daten/dashboard",
    "/daten/harvest",
    "/daten-neu",
    "/massnahmen/neu",
    "/initiativen/neu",
    "/initiativen/import",
    "/initiativen/dubletten",
    "/moderation",
    "/admin/moderation",
    "/konto/ausgeblendet",
    "/konto/abonnements",
    "/masterplan/budget",
    "/masterplan/dashboard",
    "/konto",
    "/admin/audit",
]
"""Pages that are reached by a form or by typing the address, not always by a link."""
PER_SHAPE = 2
PER_SECTION = 10
"""Pages visited per route shape (the path with numbers as {n}) and per section (first
segment and depth), so that the crawl stays short while every kind of page is loaded."""

PAGE_LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'), a => a.href)
  .filter(h => h.startsWith(location.origin + '/'))
  .map(h => new URL(h).pathname)"""


def _groups(path: str) -> tuple[str, str]:
    parts = path.strip("/").split("/")
    return re.sub(r"\d+", "{n}", path), f"{parts[0]}/{len(parts)}"


def hostile_pages(hostile: Hostile) -> list[str]:
    """The pages and edit forms that show the hostile records."""
    measure, dataset = f"/massnahmen/{hostile.measure_id}", f"/daten/{hostile.dataset_name}"
    return ["/sensoren", measure, f"{measure}/bearbeiten", dataset, f"{dataset}/bearbeiten"]


def crawl(page: Page, seeds: list[str]) -> dict[str, list[str]]:
    """Visit the seeds and the pages linked from them (bounded per shape and section);
    return the CSP refusals and script errors found, by path."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    queue, seen, visits = deque(seeds), set(seeds), Counter[str]()
    problems: dict[str, list[str]] = {}
    while queue:
        path = queue.popleft()
        page.goto(path, wait_until="networkidle")
        if found := csp_violations(page) + errors:
            problems[path] = list(found)
        errors.clear()
        for link in page.evaluate(PAGE_LINKS_JS):
            shape, section = _groups(link)
            if link in seen or NOT_PAGES.search(link):
                continue
            if visits[shape] >= PER_SHAPE or visits[section] >= PER_SECTION:
                continue
            seen.add(link)
            visits.update((shape, section))
            queue.append(link)
    assert len(seen) > len(seeds), "the crawl found no links"
    return problems


def test_visitor_pages_load_without_csp_refusals(page: Page, hostile: Hostile) -> None:
    problems = crawl(page, SEEDS + hostile_pages(hostile))
    assert problems == {}, f"refused by the CSP or broken: {problems}"


def test_admin_pages_load_without_csp_refusals(strict_admin_page: Page, hostile: Hostile) -> None:
    problems = crawl(strict_admin_page, SEEDS + hostile_pages(hostile))
    assert problems == {}, f"refused by the CSP or broken: {problems}"


def test_swagger_ui_renders_the_api_under_the_csp(page: Page) -> None:
    """Every tag of the OpenAPI is listed; opening one shows its operations, styled."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    tags = {
        tag
        for item in page.request.get("/api/v1/openapi.json").json()["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags", [])
    }
    page.goto("/api/v1/docs")
    headers = page.locator(".swagger-ui .opblock-tag")
    expect(headers.nth(len(tags) - 1)).to_be_attached()
    assert set(headers.all_inner_texts()) >= tags or headers.count() == len(tags)
    headers.filter(has_text="masterplan").first.click()
    operations = page.locator(".swagger-ui .opblock")
    expect(operations.nth(5)).to_be_visible()
    operations.first.locator(".opblock-summary").click()  # expands, styled by its CSS file
    page.locator(".swagger-ui .opblock.is-open").first.wait_for()
    assert csp_violations(page) == []
