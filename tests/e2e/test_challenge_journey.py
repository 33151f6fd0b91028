"""Browser journey of a challenge (issue 10) on the real server with the demo data: a citizen
submits an idea with a PDF, the department puts a juror on the jury with the page's form, the
juror scores it, a company member votes and follows the challenge ("Sie folgen", then
unfollows), the department marks the winner and turns it into a measure whose page links back
to the challenge.

Phases are moved by the organising editor through the API (PATCH of the dates), as an
organiser would; everything a participant does goes through the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pytest

from .support import CHROMIUM_SKIP_REASON, find_chromium, login

if find_chromium() is None:
    pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)

pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
)

from playwright.sync_api import expect

from .conftest import new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .support import LiveServer

pytestmark = pytest.mark.browser

PASSWORD = "domstadt-demo-2026"
EDITOR = "redaktion.digital@domstadt.koeln"
PHASES = ("announcement", "submission", "review", "vote", "results")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _dates(phase: str) -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    start = PHASES.index(phase)
    keys = ("submission_opens", "review_opens", "vote_opens", "results_at")
    return {
        k: (now + dt.timedelta(days=10 * (i - start) + 5)).isoformat() for i, k in enumerate(keys)
    }


def _signed_in(browser: Browser, server: LiveServer, email: str) -> Page:
    page = new_context(browser, server).new_page()
    login(page, email, PASSWORD)
    return page


def _api(page: Page, method: str, path: str, body: dict[str, Any]) -> Any:
    page.goto("/konto")
    token = page.locator("input[name='csrf_token']").first.get_attribute("value") or ""
    response = page.request.fetch(path, method=method, data=body, headers={"X-CSRF-Token": token})
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json() if response.status != 204 else None


def test_submit_score_vote_winner_becomes_measure(
    browser: Browser, live_server: LiveServer
) -> None:
    editor = _signed_in(browser, live_server, EDITOR)
    made = _api(
        editor,
        "POST",
        "/api/v1/challenges",
        {
            "title": "Browser-Wettbewerb: Grüne Dächer",
            "question": "Wie finden Hausbesitzer heraus, ob ihr Dach sich für Begrünung eignet?",
            "department": "DIG",
            "criteria": [{"name": "Wirkung", "weight": 2}, {"name": "Machbarkeit", "weight": 1}],
            **_dates("submission"),
        },
    )
    cid = made["id"]

    citizen = _signed_in(browser, live_server, "buergerin@example.org")
    citizen.goto(f"/wettbewerbe/{cid}")
    citizen.get_by_label("Titel").fill("Dach-Check per Luftbild")
    citizen.get_by_label("Beschreibung").fill("Ein Luftbild-Check zeigt, welche Dächer tragen.")
    citizen.get_by_label("Anhang (PDF, PNG oder JPEG, bis 10 MiB)").set_input_files(
        {"name": "konzept.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    citizen.get_by_role("button", name="Einreichen").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihren Beitrag")
    expect(citizen.locator("main")).to_contain_text("konzept.pdf")
    sid = int(
        (
            citizen.get_by_role("link", name="Dach-Check per Luftbild").get_attribute("href") or ""
        ).rsplit("/", 1)[1]
    )

    editor.goto(f"/wettbewerbe/{cid}")
    editor.get_by_label("Jurymitglied hinzufügen (E-Mail-Adresse des Kontos)").fill(
        "moderation@domstadt.koeln"
    )
    editor.get_by_role("button", name="In die Jury berufen").click()
    expect(editor.locator("main").get_by_role("status")).to_contain_text(
        "Die Person gehört jetzt zur Jury."
    )
    _api(editor, "PATCH", f"/api/v1/challenges/{cid}", _dates("review"))
    juror = _signed_in(browser, live_server, "moderation@domstadt.koeln")
    juror.goto(f"/wettbewerbe/{cid}")
    juror.locator(f"#beitrag-{sid} summary").click()
    juror.get_by_label("Wirkung (0–10)").fill("9")
    juror.get_by_label("Machbarkeit (0–10)").fill("6")
    juror.get_by_role("button", name="Bewertung speichern").click()
    expect(juror.locator("main").get_by_role("status")).to_contain_text(
        "Ihre Bewertung wurde gespeichert."
    )

    _api(editor, "PATCH", f"/api/v1/challenges/{cid}", _dates("vote"))
    voter = _signed_in(browser, live_server, "lena@rheinland-digital.example")
    voter.goto(f"/wettbewerbe/{cid}")
    expect(voter.locator("#ergebnisse ~ table")).to_contain_text("8,00")
    voter.get_by_role("button", name="Stimme geben für: Dach-Check per Luftbild").click()
    expect(voter.locator("main").get_by_role("status")).to_contain_text(
        "Ihre Stimme wurde gezählt."
    )
    voter.get_by_role("button", name="Folgen").click()
    expect(voter.locator(".mp-follow")).to_contain_text("Sie folgen")
    voter.get_by_role("button", name="Nicht mehr folgen").click()
    expect(voter.get_by_role("button", name="Folgen")).to_be_visible()

    _api(editor, "PATCH", f"/api/v1/challenges/{cid}", _dates("results"))
    editor.goto(f"/wettbewerbe/{cid}")
    editor.get_by_label("Status").select_option("winner")
    editor.get_by_role("button", name="Status setzen").click()
    editor.get_by_label("Kürzel der Maßnahme").fill("WB-BROWSER")
    editor.get_by_role("button", name="Gewinner wird Maßnahme").click()
    expect(editor).to_have_url(re.compile(r"/massnahmen/\d+$"))
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Dach-Check per Luftbild")
    back = editor.get_by_role("link", name="aus Wettbewerb: Browser-Wettbewerb: Grüne Dächer")
    back.click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Browser-Wettbewerb: Grüne Dächer")
    results = editor.locator("#ergebnisse ~ table")
    expect(results).to_contain_text("Gewinner")
    expect(results).to_contain_text("1")
