"""Every user-visible string marked for translation has its German text in a catalogue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from domstadt.web import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_every_marked_string_is_translated_to_german(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    german = i18n.translations("de")
    missing = sorted(
        m
        for m in wanted
        if isinstance(m, str)
        and german.gettext(m) == m
        and m not in {"Masterplan", "Status", "Name", "Filter", "Website"}
    )
    missing += sorted(
        m[1] for m in wanted if isinstance(m, tuple) and german.ngettext(m[0], m[1], 2) == m[1]
    )  # plurals (ngettext): the German plural form is there
    assert len(wanted) > 50
    assert not missing, "no German translation for: " + "; ".join(missing)


def test_english_is_the_source_language() -> None:
    assert i18n.translations("en").gettext("Sign in") == "Sign in"
    assert i18n.translations("de").gettext("Sign in") == "Anmelden"
