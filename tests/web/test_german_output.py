"""German that reads right (issue 13): every page of the demo, rendered in German for a
visitor and for an admin, shows no bare enum code, no English-formatted number, no
"1 <plural>" and no bare technical term (Datastream, Thing, MAD) without a plain word.

The pages are found like the browser crawlers find them (links from seed pages, bounded per
route shape and section, ``tests/e2e/support.NOT_PAGES`` left out), but in-process, so the
check runs without a browser. Visible text is the page's text outside ``script``, ``style``,
``code``, ``pre`` and ``kbd`` (where codes and identifiers are meant to be seen), outside
``textarea`` (what someone typed) and outside elements marked ``data-authored`` (text written
by people, such as a publisher's description: codes there are the data's own values).
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from collections import Counter, deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import domstadt
from domstadt.core.auth.models import Role
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.conftest import TEST_SECRET, login, make_user
from tests.demo_snapshot import DemoSnapshot
from tests.e2e.support import NOT_PAGES

SEEDS = [
    "/",
    "/abonnieren",
    "/daten/dashboard",
    "/daten/harvest",
    "/masterplan/budget",
    "/masterplan/dashboard",
    "/masterplan",
    "/massnahmen",
    "/initiativen",
    "/beteiligung",
    "/daten",
    "/sensoren",
    "/verwaltung",
    "/konto",
    "/admin/audit",
]
PER_SHAPE = 2
PER_SECTION = 12
HIDDEN_TAGS = {"script", "style", "code", "pre", "kbd", "template", "svg", "textarea"}
"""Tags whose text is no prose of the page (a textarea holds what someone typed)."""

FLOAT = re.compile(r"(?<![\w.,/:-])\d+\.\d+(?![\w.,/-]|\.\d)")
"""An English decimal (``4.2``, ``0.81``) as a word of its own: not part of a date, a German
thousands group, a version (``1.2.3``), an address or an identifier."""
GERMAN_GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
"""``12.000``: a German thousands group, not a decimal."""
ALLOWED_FLOATS = {
    r"\bVersion \d+\.\d+": "a named version (Datenlizenz Deutschland – Version 2.0)",
    r"\d\.\d (International|Deutschland|Unported)\b": "a licence's name (CC BY 4.0 International)",
    r"\b(CC[ -]BY[\w-]*|CC0|ODbL|ODC-BY) \d\.\d\b": "a licence's short name (CC BY-NC 3.0 DE)",
    r"\b(Namensnennung|nicht-kommerziell|License|Mark|version) \d\.\d\b": "a licence's name",
    r"\b(SensorThings( API)?|API|WCAG|BITV|DCAT-AP(\.de)?) \d\.\d\b": "a standard's name",
}
"""Where a number with a point is a name, not a quantity (pattern: reason)."""
PLURAL_NOUNS = [
    "Maßnahmen",
    "Initiativen",
    "Datensätze",
    "Datensätzen",
    "Stunden",
    "Minuten",
    "Tage",
    "Tagen",
    "Wochen",
    "Monate",
    "Jahre",
    "Einträge",
    "Einträgen",
    "Rückmeldungen",
    "Beiträge",
    "Beiträgen",
    "Stimmen",
    "Teilnehmende",
    "Anmeldungen",
    "Plätze",
    "Ressourcen",
    "Dateien",
    "Sensoren",
    "Messwerte",
    "Messungen",
    "Datenströme",
    "Organisationen",
    "Mitglieder",
    "Ideen",
    "Einreichungen",
    "Kommentare",
    "Befunde",
    "Veranstaltungen",
    "Termine",
    "Treffer",
    "Vorschläge",
    "Dubletten",
    "Abonnements",
    "Ergebnisse",
    "Seiten",
    "Zeilen",
    "Spalten",
    "Personen",
    "Nutzende",
    "Konten",
    "Meldungen",
    "Fehler",
    "Warnungen",
    "Änderungen",
    "Felder",
    "Werte",
    "Punkte",
]
ONE_PLURAL = re.compile(r"(?<![\d.,])\b1 (" + "|".join(PLURAL_NOUNS) + r")\b")
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w/-])")
"""``2026-12-05``: a date for machines; people read ``05.12.2026``."""
JARGON = re.compile(r"\b(Datastreams?|Thing|MADs?|Observations?)\b")
"""Technical terms a page names only in brackets, after the plain word: ``Messreihe
(Datastream)`` (not "Things": The Things Network is a name)."""
INPUT_FORMATS = {
    r'\{"type": "Point", "coordinates": \[[\d., ]+\]\}': "a GeoJSON example in a form hint",
    r"\bdataset\|datastream\|website\b": "the codes an editor types in the links field",
}
"""Text of form hints that shows what to type (code, not prose): pattern: reason."""
ALLOWED_CODES: dict[str, str] = {}
"""Enum values that are also ordinary words of German pages (none yet)."""


def enum_codes() -> set[str]:
    """The values of every StrEnum in the code base that read as a code, not a word a
    German page could use (a lowercase value: German nouns are capitalised)."""
    for info in pkgutil.walk_packages(domstadt.__path__, "domstadt."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    codes: set[str] = set()
    stack = list(enum.StrEnum.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("domstadt."):
            codes.update(str(m.value) for m in cls if re.fullmatch(r"[a-z][a-z0-9_:.]+", m.value))
    return codes - set(ALLOWED_CODES)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._open: list[str] = []
        self._open_title = False
        self.title = ""
        self.authored: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open_title = tag == "title"
        # Text written by people (a publisher's description, marked data-authored) is not
        # the template's output: codes there are the data's own values.
        if tag in HIDDEN_TAGS or "data-authored" in dict(attrs):
            self._hidden += 1
            self._open.append(tag)
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#", 1)[0].split("?", 1)[0])

    def handle_endtag(self, tag: str) -> None:
        self._open_title = False
        if self._open and self._open[-1] == tag:
            self._open.pop()
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden:
            self.authored.append(data.strip())
        elif self._open_title:
            self.title = data
        else:
            self.parts.append(data)
        self.parts.append("\n")

    def text(self) -> str:
        """The visible text; the page's <title> too unless it repeats an authored heading
        (a programme's or measure's own name, e.g. an EU call called "RAISE pilot")."""
        name = self.title.rsplit(" · ", 1)[0].strip()
        shown = [] if name and name in self.authored else [self.title, "\n"]
        return "".join(shown + self.parts)


def visible_text(html: str) -> tuple[str, list[str]]:
    """The text a reader sees, one line per text node, and the page's local links."""
    parser = _Text()
    parser.feed(html)
    text = re.sub(r"[ \t\r\f\v]+", " ", parser.text())
    return re.sub(r"\n\s*\n+", "\n", text), parser.links


def problems_in(text: str, codes: set[str]) -> list[str]:
    """What reads wrong in a page's visible text."""
    found: list[str] = []
    for line in text.splitlines():
        bare = line.strip()
        for pattern in INPUT_FORMATS:
            line = re.sub(pattern, " ", line)
        for word in re.findall(r"(?<![\w/.@-])[a-z][a-z0-9_]+(?![\w/@-]|\.\w)", line):
            if word in codes:
                found.append(f"enum code {word!r} in {bare[:90]!r}")
        for match in FLOAT.finditer(line):
            number = match.group()
            if GERMAN_GROUPED.match(number) or _named(line, match.start()):
                continue
            found.append(f"English number {number!r} in {bare[:90]!r}")
        for match in ISO_DATE.finditer(line):
            found.append(f"ISO date {match.group()!r} in {bare[:90]!r}")
        for match in JARGON.finditer(re.sub(r"\([^)]*\)", "", line)):
            found.append(f"jargon {match.group()!r} without a plain word in {bare[:90]!r}")
        for match in ONE_PLURAL.finditer(line):
            found.append(f"singular count with plural noun {match.group()!r} in {bare[:90]!r}")
    return found


def _named(line: str, at: int) -> bool:
    """Whether the number at ``at`` is part of a name from ``ALLOWED_FLOATS``."""
    return any(
        m.start() <= at < m.end() for pattern in ALLOWED_FLOATS for m in re.finditer(pattern, line)
    )


def _shape(path: str) -> tuple[str, str]:
    parts = path.strip("/").split("/")
    return re.sub(r"\d+", "{n}", path), f"{parts[0]}/{len(parts)}"


def crawl(client: TestClient, codes: set[str]) -> tuple[dict[str, list[str]], int]:
    """Visit the seeds and the pages linked from them; the problems by path, pages seen."""
    queue, seen, visits = deque(SEEDS), set(SEEDS), Counter[str]()
    problems: dict[str, list[str]] = {}
    pages = 0
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        pages += 1
        text, links = visible_text(response.text)
        if found := problems_in(text, codes):
            problems[path] = found
        for link in links:
            shape, section = _shape(link)
            if link in seen or NOT_PAGES.search(link) or link.startswith("/logout"):
                continue
            if visits[shape] >= PER_SHAPE or visits[section] >= PER_SECTION:
                continue
            seen.add(link)
            visits.update((shape, section))
            queue.append(link)
    return problems, pages


@pytest.fixture(scope="module")
def demo_app(
    tmp_path_factory: pytest.TempPathFactory, demo_snapshot: DemoSnapshot
) -> Iterator[tuple[Settings, Database]]:
    """A copy of the run's demo installation (tests/demo_snapshot.py) and an admin account."""
    data_dir: Path = tmp_path_factory.mktemp("german")
    db = Database(f"sqlite:///{demo_snapshot.copy_installation(data_dir)}")
    make_user(db, "admin@example.org", role=Role.ADMIN)
    settings = Settings(
        environment="test", data_dir=data_dir, database_url=db.url, secret_key=TEST_SECRET
    )  # type: ignore[arg-type]
    yield settings, db
    db.dispose()


def _report(problems: dict[str, list[str]]) -> str:
    lines = [f"{sum(map(len, problems.values()))} problems on {len(problems)} pages:"]
    for path, found in sorted(problems.items()):
        lines.extend(f"  {path}: {item}" for item in found[:8])
    return "\n".join(lines)


@pytest.mark.parametrize("as_admin", [False, True], ids=["visitor", "admin"])
def test_demo_pages_read_right_in_german(
    demo_app: tuple[Settings, Database], as_admin: bool
) -> None:
    from domstadt.web.app import create_app

    settings, db = demo_app
    codes = enum_codes()
    with TestClient(create_app(settings, db), base_url="http://testserver") as client:
        if as_admin:
            login(client, "admin@example.org")
        problems, pages = crawl(client, codes)
    assert pages > 40, f"the crawl found only {pages} pages"
    assert problems == {}, _report(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Status: in_implementation", 1),
        ("Priorität medium", 1),
        ("Wert 4.2 und 0.81", 2),
        ("1 Maßnahmen", 1),
        ("am 05.12.2026 um 14:30, 12.000 € und 1.234,5 t; Version 1.2.3", 0),
        ("SensorThings API 1.1 und WCAG 2.1", 0),
        ("Creative Commons Namensnennung – 4.0 International (CC BY 4.0)", 0),
        ("Datenlizenz Deutschland – Zero – Version 2.0", 0),
        ("Gewicht 2.0", 1),
        ("1 Maßnahme, 2 Maßnahmen, 21 Maßnahmen", 0),
        ("Neueste Beobachtung je Datastream", 1),
        ("geplantes Ende 2026-12-05", 1),
        ('z. B. {"type": "Point", "coordinates": [6.96, 50.94]}', 0),
        ("Neuester Messwert je Messreihe (Datastream)", 0),
    ],
)
def test_the_check_sees_what_reads_wrong(text: str, expected: int) -> None:
    assert len(problems_in(text, {"in_implementation", "medium"})) == expected


def test_english_pages_and_feeds_speak_their_language(demo_app: tuple[Settings, Database]) -> None:
    from domstadt.web.app import create_app

    settings, db = demo_app
    with TestClient(create_app(settings, db), base_url="http://testserver") as client:
        german_feed = client.get("/feeds/fields/smart-city.atom").text
        english_feed = client.get("/feeds/fields/smart-city.atom?lang=en").text
        english_list = client.get("/massnahmen?lang=en").text
        dashboard = client.get("/masterplan/dashboard?lang=de").text
    assert 'xml:lang="de"' in german_feed and "Geändert:" in german_feed
    assert "Changed:" not in german_feed and "Fassung" in german_feed
    assert 'xml:lang="en"' in english_feed and "changes in Smart city" in english_feed
    assert "Digital administration" in english_list and "Smart city" in english_list
    assert "Maßnahmen" in dashboard and re.search(r"\d+,\d", dashboard)
