"""Every template that links to a stored address does so through ``safe_href``, which lets
only http(s), mailto: and paths of this site through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domstadt.core.weburl import is_web_url, safe_href

SRC = Path(__file__).resolve().parents[2] / "src" / "domstadt"
STORED = re.compile(r"\b(website|url|download_url|access_url|landing_page|harvest_source_url)\b")
HREF = re.compile(r"""href=["']\{\{(.*?)\}\}""")


def test_templates_link_to_stored_addresses_only_through_safe_href() -> None:
    offenders = []
    for template in SRC.rglob("*.html"):
        for expression in HREF.findall(template.read_text(encoding="utf-8")):
            if STORED.search(expression) and "safe_href" not in expression:
                offenders.append(f"{template.relative_to(SRC)}: {expression.strip()}")
    assert not offenders, "href without |safe_href: " + "; ".join(offenders)


@pytest.mark.parametrize(
    ("stored", "linked"),
    [
        ("https://www.stadt-koeln.de/a?b=c#d", "https://www.stadt-koeln.de/a?b=c#d"),
        (" HTTP://example.org ", "HTTP://example.org"),
        ("mailto:open-data@stadt-koeln.de", "mailto:open-data@stadt-koeln.de"),
        ("/massnahmen/12", "/massnahmen/12"),
        ("javascript:alert(1)", "#"),
        ("JaVaScRiPt:alert(1)", "#"),
        ("java\nscript:alert(1)", "#"),
        ("\x01javascript:alert(1)", "#"),
        ("data:text/html;base64,PHNjcmlwdD4=", "#"),
        ("//evil.example", "#"),
        ("/\\evil.example", "#"),
        ("https://[::1", "#"),
        ("http://", "#"),
        ("", "#"),
        (None, "#"),
    ],
)
def test_safe_href(stored: str | None, linked: str) -> None:
    assert safe_href(stored) == linked


def test_web_urls_are_absolute_http_with_a_host() -> None:
    assert is_web_url("https://offenedaten-koeln.de/dataset/x")
    assert not is_web_url("ftp://example.org/file")
    assert not is_web_url("https:example.org")
    assert not is_web_url("http://exa mple.org")
