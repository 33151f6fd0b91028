"""Numbers, money, dates, relative times, plurals, labels and audit changes read right in
German and in English (web/formatting.py and its Jinja filters)."""

from __future__ import annotations

import datetime as dt

from domstadt.masterplan.history_display import change_view
from domstadt.masterplan.labels import STATUS
from domstadt.masterplan.schemas import Status
from domstadt.web import formatting as f
from domstadt.web.templating import environment

MOMENT = dt.datetime(2026, 12, 5, 13, 30, tzinfo=dt.UTC)


def test_numbers_and_money() -> None:
    assert f.number(1234.5, "de") == "1.234,5"
    assert f.number(1234.5, "en") == "1,234.5"
    assert f.fixed(4, "de") == "4,0"
    assert f.money(12000, "de") == "12.000\xa0€"
    assert f.money(12000, "en") == "€12,000"
    assert f.money(1234.5, "de", cents=True) == "1.234,50\xa0€"
    assert f.percent(0.81, "de") == "81\xa0%"
    assert f.number(None, "de") == "–"


def test_dates_in_cologne_time_24_hours() -> None:
    assert f.date(MOMENT, "de") == "05.12.2026"
    assert f.date(MOMENT, "de", "long") == "5. Dezember 2026"
    assert f.datetime(MOMENT, "de") == "05.12.2026 14:30"
    assert "PM" in f.datetime(MOMENT, "en")
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert f.datetime(summer, "de") == "01.07.2026 14:00"  # CEST
    end = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert f.datetime(end, "de") == "31.12.9999 23:59 UTC"


def test_relative_times() -> None:
    assert f.relative(MOMENT, "de", now=MOMENT + dt.timedelta(days=3)) == "vor 3 Tagen"
    assert f.relative(MOMENT, "en", now=MOMENT - dt.timedelta(hours=2)) == "in 2 hours"


def test_plurals_through_the_catalogue() -> None:
    assert f.plural("%(num)s measure", "%(num)s measures", 1, "de") == "1 Maßnahme"
    assert f.plural("%(num)s measure", "%(num)s measures", 1200, "de") == "1.200 Maßnahmen"
    assert f.plural("%(num)s measure", "%(num)s measures", 1, "en") == "1 measure"
    assert f.hours(1.75, "de") == "1,75 Stunden"
    assert f.hours(1, "de") == "1 Stunde"


def test_labels_never_show_a_bare_code() -> None:
    assert f.label(Status.IN_IMPLEMENTATION, STATUS, "de") == "In Umsetzung"
    assert f.label("in_implementation", STATUS, "en") == "In implementation"
    assert f.label("not_a_status", STATUS, "de") == "not a status"


def test_filters_take_the_page_locale() -> None:
    page = environment.from_string(
        "{{ x|number }} · {{ x|money }} · {{ ngettext('%(num)s measure', '%(num)s measures', 1) }}"
    )
    assert page.render(x=12000.5, locale="de") == "12.000,5 · 12.000\xa0€ · 1 Maßnahme"
    assert page.render(x=12000.5, locale="en") == "12,000.5 · €12,000 · 1 measure"


def test_audit_changes_side_by_side() -> None:
    rows = f.changes({"status": "idea", "budget": 1000.5}, {"status": "planned", "budget": 2000})
    assert [(r["key"], r["old"], r["new"]) for r in rows] == [
        ("status", "idea", "planned"),
        ("budget", "1.000,5", "2.000"),
    ]
    assert rows[0]["old_code"] and not rows[1]["new_code"]
    assert f.changes(None, {"title": "Neu"})[0]["old"] == ""


def test_history_shows_old_and_new_with_labels_and_names() -> None:
    names = {"69": "Amt für Verkehrsmanagement", "15": "Amt für Informationsverarbeitung"}
    status = change_view("status", "idea", "in_preparation", "de", names)
    assert status == {"before": "Idee", "after": "In Vorbereitung"}
    lead = change_view("lead_department", "15", "69", "de", names)
    assert lead == {"before": "Amt für Informationsverarbeitung", "after": names["69"]}
    assert change_view("progress", 0, 10, "de", names) == {"before": "0 %", "after": "10 %"}
    assert change_view("planned_end", None, "2026-12-05", "de", names)["after"] == "05.12.2026"
    words = change_view("summary", "alt", "neu", "de", names)["words"]
    assert ("del", "alt") in words and ("ins", "neu") in words
