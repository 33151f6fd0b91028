"""Browser journey of a problem statement (issue 10, S3.2) on the real server with the demo
data: the department posts a statement with the staff form and sets up the pitch event, a
start-up member pitches with a PDF deck through the page and changes its title with the edit
form, a citizen takes a seat; the page passes axe-core."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest

from .support import CHROMIUM_SKIP_REASON, find_chromium, format_violations, login, run_axe

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
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _signed_in(browser: Browser, server: LiveServer, email: str, **kwargs: object) -> Page:
    page = new_context(browser, server, **kwargs).new_page()
    login(page, email, PASSWORD)
    return page


def _local(days: float) -> str:
    return (dt.datetime.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_post_pitch_and_register(browser: Browser, live_server: LiveServer) -> None:
    editor = _signed_in(browser, live_server, "redaktion.digital@domstadt.koeln")
    editor.goto("/fragestellungen")
    editor.get_by_role("link", name="Fragestellung veröffentlichen").click()
    editor.get_by_label("Titel").fill("Browser-Frage: Radwege im Winter")
    editor.get_by_label("Frage *", exact=True).fill(
        "Wie erfahren Radfahrende, welche Wege geräumt sind?"
    )
    editor.get_by_label("Einreichungsfrist für Pitches (Kölner Zeit)").fill(_local(7))
    editor.get_by_label("Ende der Jury-Bewertung (Kölner Zeit)").fill(_local(14))
    editor.get_by_role("button", name="Fragestellung veröffentlichen").click()
    expect(editor).to_have_url(re.compile(r"/fragestellungen/\d+$"))
    url = editor.url
    editor.get_by_label("Beginn (Kölner Zeit)").fill(_local(20))
    editor.get_by_label("Ende (Kölner Zeit)").fill(_local(20.1))
    editor.get_by_label("Plätze (leer: unbegrenzt)").fill("1")
    editor.get_by_label("Pitch-Slots").fill("4")
    editor.get_by_role("button", name="Pitch-Event anlegen").click()
    expect(editor.locator("main")).to_contain_text("Noch keine Pitches eingeladen.")

    startup = _signed_in(browser, live_server, "jonas@domblick.example")
    startup.goto(url)
    startup.get_by_label("Titel").fill("Räumradar")
    startup.get_by_label("Team (eine Person pro Zeile, mit Rolle)").fill("Jonas – Daten")
    startup.get_by_label("Pitch-Deck (PDF, bis 10 MiB)").set_input_files(
        {"name": "deck.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    startup.get_by_role("button", name="Pitch einreichen").click()
    expect(startup.locator("main").get_by_role("status")).to_contain_text(
        "Ihr Pitch ist eingereicht."
    )
    startup.get_by_role("link", name="Pitch ändern oder zurückziehen").click()
    startup.get_by_label("Titel").fill("Räumradar 2")
    startup.get_by_role("button", name="Änderungen speichern").click()
    expect(startup.locator("main").get_by_role("status")).to_contain_text("Ihr Pitch ist geändert.")
    expect(startup.locator("#pitchen ~ ul")).to_contain_text("Räumradar 2")

    editor.goto(url)
    expect(editor.locator("#pitches ~ ul")).to_contain_text("Räumradar")
    editor.get_by_label(re.compile(r"Zeitslot \(1–4\)")).fill("1")
    editor.get_by_role("button", name="Zum Pitch einladen").click()
    expect(editor.locator("main ol")).to_contain_text("Räumradar")

    citizen = _signed_in(browser, live_server, "buergerin@example.org", bypass_csp=True)
    citizen.goto(url)
    citizen.get_by_role("button", name="Zum Pitch-Event anmelden").click()
    citizen.wait_for_url(re.compile(r"/veranstaltungen/\d+"))
    citizen.goto(url)
    expect(citizen.locator("main").get_by_role("status")).to_contain_text("Sie sind angemeldet.")
    assert not (found := run_axe(citizen)), format_violations(url, found)
