"""The staff forms of participation in Chromium (issue 10): an editor announces a challenge
from the list's "Neuer Wettbewerb" link under the real CSP, a refused form moves focus to the
problem shown next to its field, the measure list filters; a lab finding is recorded; the
forms pass axe-core in their error state."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from .support import CHROMIUM_SKIP_REASON, FAILING_IMPACTS, find_chromium, format_violations

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright not installed")

from playwright.sync_api import expect

from .support import run_axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .conftest import LiveServer

pytestmark = pytest.mark.browser


def _local(days: int) -> str:
    return (dt.datetime.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_editor_announces_a_challenge_from_the_list(
    strict_admin_page: Page, live_server: LiveServer
) -> None:
    page = strict_admin_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_server.base_url + "/wettbewerbe")
    page.get_by_role("link", name="Neuer Wettbewerb").click()
    expect(page).to_have_url(live_server.base_url + "/wettbewerbe/neu")

    rows = page.locator("#f-measure-items .mp-check")
    total = rows.count()
    assert total > 1
    expect(page.locator("#f-measure-filter")).to_be_visible()  # the script shows the filter
    page.fill("#f-measure-filter", "zzz-kein-treffer")
    expect(page.locator("#f-measure-items .mp-check:visible")).to_have_count(0)
    page.fill("#f-measure-filter", "")

    page.fill("#f-title", "Kühle Plätze im Veedel")
    page.fill("#f-question", "Wie machen wir Plätze im Sommer kühler?")
    for name, days in (("submission_opens", 1), ("review_opens", 8)):
        page.fill(f"#f-{name}", _local(days))
    page.fill("#f-vote_opens", _local(5))  # before the deadline: refused
    page.fill("#f-results_at", _local(20))
    page.fill("#crit-0-name", "Wirkung")
    page.fill("#crit-0-weight", "0")
    page.click(".mp-form button[type=submit]")
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator("#f-criteria-error")).to_contain_text("Gewicht")
    expect(page.locator("#crit-0-name")).to_be_focused()  # the first field with a problem
    expect(page.locator("#f-title")).to_have_value("Kühle Plätze im Veedel")

    page.fill("#crit-0-weight", "2")
    page.click(".mp-form button[type=submit]")
    expect(page.locator("#f-vote_opens-error")).to_contain_text("Die Phasen müssen")
    expect(page.locator("#f-vote_opens")).to_be_focused()
    page.fill("#f-vote_opens", _local(12))
    page.click(".mp-form button[type=submit]")
    expect(page.get_by_text("Der Wettbewerb ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kühle Plätze im Veedel")
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_a_finding_is_recorded_on_the_lab_page(
    strict_admin_page: Page, live_server: LiveServer
) -> None:
    page = strict_admin_page
    page.goto(live_server.base_url + "/labore/1")
    page.select_option("#fd-severity", "major")
    page.fill("#fd-text", "Der Zurück-Knopf verliert die Eingaben.")
    page.get_by_role("button", name="Befund speichern").click()
    expect(page.get_by_text("Der Befund ist erfasst.")).to_be_visible()
    expect(page.get_by_text("Der Zurück-Knopf verliert die Eingaben.")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/wettbewerbe/neu",
        "/labore/neu",
        "/labore/1/bearbeiten",
        "/wettbewerbe/1/bearbeiten",
        "/fragestellungen/neu",
        "/fragestellungen/1/bearbeiten",
    ],
)
def test_refused_forms_are_accessible(admin_page: Page, live_server: LiveServer, path: str) -> None:
    page = admin_page
    page.goto(live_server.base_url + path)
    page.fill("#f-title", "")
    page.click(".mp-form button[type=submit]")
    expect(page.locator("#form-error")).to_be_visible()
    serious = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not serious, format_violations(path, serious)
