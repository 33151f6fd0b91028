"""Browser journey of a newcomer (issue 10) on the real server with the demo data: sign up,
confirm the address from the outbox, sign in, register an organisation; a moderator verifies
it with a reason and the public page shows it verified, without anyone's e-mail address."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.mail_outbox import link_in, newest_to

from .support import CHROMIUM_SKIP_REASON, find_chromium, login

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)

pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
)

from playwright.sync_api import expect

from .conftest import new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from .support import LiveServer

pytestmark = pytest.mark.browser

EMAIL = "gruenderin@dachgruen.example"
PASSWORD = "ein-langes-passwort-2026"


def test_sign_up_confirm_register_organisation_and_get_verified(
    browser: Browser, live_server: LiveServer
) -> None:
    page = new_context(browser, live_server).new_page()
    page.goto("/registrieren")
    page.locator("#name").fill("Greta Gründerin")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/registrieren'] button[type=submit]").click()
    page.wait_for_load_state()

    refused = login(page, EMAIL, PASSWORD)  # not confirmed yet: refused, saying why
    assert refused.status == 401
    expect(page.locator("main")).to_contain_text("bestätigt")

    link = link_in(newest_to(live_server.data_dir, EMAIL))
    parts = urlsplit(link)
    page.goto(f"{parts.path}?{parts.query}")
    page.locator("form[action='/registrieren/bestaetigen'] button[type=submit]").click()
    page.wait_for_load_state()
    assert login(page, EMAIL, PASSWORD).status in (200, 303)

    page.goto("/organisationen/neu")
    page.locator("#org-name").fill("DachGrün UG")
    page.locator("#org-kind").select_option("startup")
    page.locator("#org-website").fill("https://dachgruen.example")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("DachGrün UG")
    org_url = page.url
    expect(page.locator("#verification")).to_contain_text("nicht")

    moderator = new_context(browser, live_server).new_page()
    login(moderator, "moderation@domstadt.koeln", "domstadt-demo-2026")
    moderator.goto(org_url)
    moderator.locator("#verify-reason").fill("Eintrag im Handelsregister geprüft.")
    moderator.locator("form[action$='/verifizieren'] button[type=submit]").click()
    moderator.wait_for_load_state()

    visitor = new_context(browser, live_server).new_page()
    visitor.goto(org_url)
    expect(visitor.locator("#verification")).to_contain_text("Handelsregister geprüft")
    assert EMAIL not in visitor.content()
