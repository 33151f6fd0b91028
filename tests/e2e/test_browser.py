"""Browser tests: the real server, Debian's Chromium, Playwright's sync API and axe-core.

Skipped as a whole when no Chromium is installed. Run with ``pytest -m browser``;
docs/frontend.md explains the set-up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from .support import (
    ADMIN_EMAIL,
    ADMIN_NAME,
    ADMIN_PASSWORD,
    CHROMIUM_SKIP_REASON,
    FAILING_IMPACTS,
    VENDOR_DIR,
    find_chromium,
    format_violations,
    login,
    run_axe,
    vendored_files,
)

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)

pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
)

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from .conftest import PageProblems

pytestmark = pytest.mark.browser

TOP_LEVEL_PAGES = ["/", "/masterplan", "/beteiligung", "/daten", "/sensoren"]
NAV_PAGES = ["/masterplan", "/beteiligung", "/daten", "/sensoren"]
ADMIN_PAGES = [
    *TOP_LEVEL_PAGES,
    "/admin/audit",
    "/verwaltung",
    "/konto",
    "/massnahmen",
    "/massnahmen/1",
    "/massnahmen/1/ki-pruefung",
    "/masterplan/dashboard",
    "/masterplan/budget",
    "/berichte",
    "/initiativen",
    "/initiativen/dubletten",
    "/daten/dashboard",
]
# Assets the page itself must never take from another host (no CDN at run time).
MUST_BE_LOCAL = {"script", "stylesheet", "font"}

NAV_LINKS_JS = """() => Array.from(document.querySelectorAll('nav a[href]')).map(
  a => [new URL(a.href, location.href).pathname, a.textContent.replace(/\\s+/g, ' ').trim()])"""


def nav_texts(page: Page) -> dict[str, str]:
    """Text of the first navigation link to each top-level page, by path."""
    texts: dict[str, str] = {}
    for path, text in page.evaluate(NAV_LINKS_JS):
        if path in NAV_PAGES:
            texts.setdefault(path, text)
    return texts


def goto_ok(page: Page, path: str) -> Any:
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == 200, f"GET {path} answered {response.status}, expected 200"
    return response


def header(page: Page) -> Any:
    return page.locator("header").first


# --------------------------------------------------------------------------- anonymous


@pytest.mark.parametrize("path", TOP_LEVEL_PAGES)
def test_anonymous_page_has_landmarks(page: Page, page_problems: PageProblems, path: str) -> None:
    goto_ok(page, path)
    assert page.locator("main, [role='main']").count() == 1, f"{path}: needs one <main> landmark"
    assert page.locator("h1").count() >= 1, f"{path}: has no <h1>"
    lang = page.locator("html").get_attribute("lang") or ""
    assert lang.startswith("de"), f"{path}: <html lang={lang!r}>, expected German ('de')"
    assert not page_problems.js_errors, f"{path}: JavaScript errors: {page_problems.js_errors}"
    assert not page_problems.csp_errors, f"{path}: blocked by the CSP: {page_problems.csp_errors}"
    assert not page_problems.failed_local, (
        f"{path}: failing sub-resources: {page_problems.failed_local}"
    )
    external = [r for r in page_problems.external_requests if r.split(" ", 1)[0] in MUST_BE_LOCAL]
    assert not external, f"{path}: loads assets from another host (no CDN allowed): {external}"


def test_navigation_links_to_every_top_level_page(page: Page) -> None:
    goto_ok(page, "/")
    texts = nav_texts(page)
    missing = [p for p in NAV_PAGES if p not in texts]
    assert not missing, f"the <nav> has no links to {missing} (found {texts})"


def test_vendored_assets_are_served(context: BrowserContext) -> None:
    problems = []
    for rel in vendored_files():
        response = context.request.get(f"/static/vendor/{rel}")
        if response.status != 200:
            problems.append(f"/static/vendor/{rel}: HTTP {response.status}")
        elif response.body() != (VENDOR_DIR / rel).read_bytes():
            problems.append(f"/static/vendor/{rel}: served bytes differ from the vendored file")
    assert not problems, "\n".join(problems)


def test_audit_log_is_not_public(page: Page) -> None:
    response = page.goto("/admin/audit")
    assert response is not None
    redirected_to_login = page.url.split("?", 1)[0].endswith("/login")
    assert response.status in (401, 403) or redirected_to_login, (
        f"anonymous GET /admin/audit answered {response.status} at {page.url}; expected 401/403 "
        "or a redirect to /login"
    )


def test_login_page_is_accessible(axe_page: Page) -> None:
    goto_ok(axe_page, "/login")
    serious = [v for v in run_axe(axe_page) if v["impact"] in FAILING_IMPACTS]
    assert not serious, format_violations("/login", serious)


# --------------------------------------------------------------------------- signing in


def test_login_shows_name_and_logout_signs_out(page: Page) -> None:
    login(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(header(page)).to_contain_text(ADMIN_NAME)
    logout = page.get_by_role("button", name="Abmelden")
    expect(logout).to_be_visible()
    logout.click()
    page.wait_for_load_state()
    expect(header(page)).not_to_contain_text(ADMIN_NAME)
    expect(page.get_by_role("button", name="Abmelden")).to_have_count(0)


def _failed_login_text(page: Page, email: str, password: str) -> tuple[int, str]:
    page.goto("/login")
    before = page.locator("main").first.inner_text()
    response = login(page, email, password)
    main = page.locator("main").first
    expect(main).not_to_have_text(before)  # something (the error message) appeared
    expect(header(page)).not_to_contain_text(ADMIN_NAME)
    assert password not in page.content(), "the page echoes the submitted password"
    text = " ".join(main.inner_text().replace(email, "<email>").split())
    return response.status, text


def test_wrong_password_shows_a_generic_error(page: Page) -> None:
    wrong = "not the password 4711"
    known_status, known = _failed_login_text(page, ADMIN_EMAIL, wrong)
    unknown_status, unknown = _failed_login_text(page, "nobody-here@example.org", wrong)
    assert known_status == unknown_status, (
        f"failed login answers {known_status} for a known e-mail but {unknown_status} for an "
        "unknown one: this reveals which e-mail addresses have accounts"
    )
    assert known == unknown, (
        "the error page differs between a known and an unknown e-mail address, which reveals "
        f"whether an account exists:\n known:   {known!r}\n unknown: {unknown!r}"
    )


# --------------------------------------------------------------------------- signed-in admin


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_page_is_accessible(admin_page: Page, path: str) -> None:
    goto_ok(admin_page, path)
    problems = []
    if ADMIN_NAME not in header(admin_page).inner_text():
        problems.append(f"{path}: the header does not show {ADMIN_NAME!r} (rendered signed out?)")
    if admin_page.locator("h1").count() < 1:
        problems.append(f"{path}: has no <h1>")
    violations = run_axe(admin_page)
    minor = [f"{v['id']} [{v['impact']}]" for v in violations if v["impact"] not in FAILING_IMPACTS]
    if minor:
        print(f"{path}: minor/moderate axe findings (not failing): {', '.join(minor)}")
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if serious:
        problems.append(format_violations(path, serious))
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- language


def _switch(page: Page, label: str) -> None:
    name = re.compile(rf"\b{label}\b")
    control = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
    control.first.click()
    page.wait_for_load_state()


def test_english_switch_changes_the_navigation(page: Page) -> None:
    goto_ok(page, "/")
    german = nav_texts(page)
    assert set(german) == set(NAV_PAGES), f"the <nav> lacks top-level links: {german}"
    _switch(page, "English")
    expect(page.locator("html"), "after 'English': <html lang> should be 'en'").to_have_attribute(
        "lang", re.compile(r"^en")
    )
    english = nav_texts(page)
    unchanged = [p for p in ("/beteiligung", "/daten", "/sensoren") if english.get(p) == german[p]]
    assert not unchanged, f"nav text not translated for {unchanged}: {english}"

    # The choice sticks while browsing (cookie or carried parameter).
    page.locator("nav a[href]").filter(has_text=english["/daten"]).first.click()
    page.wait_for_load_state()
    expect(
        page.locator("html"), "English was lost after following a nav link (cookie not set?)"
    ).to_have_attribute("lang", re.compile(r"^en"))

    _switch(page, "Deutsch")
    expect(page.locator("html"), "after 'Deutsch': <html lang> should be 'de'").to_have_attribute(
        "lang", re.compile(r"^de")
    )
    assert nav_texts(page) == german, "switching back to Deutsch did not restore the nav"
