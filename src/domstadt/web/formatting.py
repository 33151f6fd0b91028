"""Numbers, money, dates, relative times, plurals and enum labels in the page's language
(Babel's CLDR data): ``1.234,5`` and ``12.000 €`` in German, ``1,234.5`` and ``€12,000`` in
English; ``5. Dezember 2026`` / ``05.12.2026``; ``vor 3 Tagen``; ``1 Maßnahme`` / ``2 Maßnahmen``.

Registered as Jinja filters and globals in ``web/templating.py``; the locale is the request's
(``locale`` in the template context), so a filter is called as ``value|number(locale)``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from domstadt.web import i18n

CITY_ZONE = ZoneInfo("Europe/Berlin")
"""Moments are stored in UTC and shown in Cologne's time (CET/CEST)."""
EMPTY = "–"
Number = int | float | Decimal


def _locale(locale: str | None) -> str:
    return locale if locale in i18n.LOCALES else i18n.DEFAULT_LOCALE


def number(value: Number | None, locale: str | None = None, digits: int = 2) -> str:
    """``1234.5`` → ``1.234,5`` (de) / ``1,234.5`` (en); at most ``digits`` decimals."""
    if value is None:
        return EMPTY
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale(locale))


def fixed(value: Number | None, locale: str | None = None, digits: int = 1) -> str:
    """Exactly ``digits`` decimals, for values compared side by side: ``4.0`` → ``4,0``."""
    if value is None:
        return EMPTY
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale(locale))


def percent(value: Number | None, locale: str | None = None, digits: int = 0) -> str:
    """A share (``0.81``) as a percentage: ``81 %`` (de) / ``81%`` (en)."""
    if value is None:
        return EMPTY
    loc = _locale(locale)
    if digits <= 0:
        return babel_numbers.format_percent(value, locale=loc)
    pattern = Locale.parse(loc).percent_formats[None].pattern.replace("0", "0." + "#" * digits, 1)
    return babel_numbers.format_percent(value, format=pattern, locale=loc)


@lru_cache(maxsize=4)
def _money_pattern(locale: str, cents: bool) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    return pattern if cents else pattern.replace(".00", "")


def money(
    value: Number | None, locale: str | None = None, currency: str = "EUR", cents: bool = False
) -> str:
    """``12000`` → ``12.000 €`` (de) / ``€12,000`` (en); cents only when asked for."""
    if value is None:
        return EMPTY
    loc = _locale(locale)
    return babel_numbers.format_currency(
        value,
        currency,
        format=_money_pattern(loc, cents),
        locale=loc,
        currency_digits=False,
    )


def _local(value: dt.datetime) -> dt.datetime | None:
    """``value`` in the city's time; None when too close to the calendar's end to shift."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        return aware.astimezone(CITY_ZONE)
    except OverflowError:
        return None


def date(
    value: dt.date | dt.datetime | str | None, locale: str | None = None, style: str = "medium"
) -> str:
    """``05.12.2026`` (medium) or ``5. Dezember 2026`` (long); English alike."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):  # an ISO date kept in stored JSON (reports, history)
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = (_local(value) or value).date()
    return babel_dates.format_date(value, format=style, locale=_locale(locale))


def datetime(value: dt.datetime | None, locale: str | None = None) -> str:
    """A moment for people in Cologne's time, 24 h in German: ``05.12.2026 14:30``; one too
    close to the calendar's end to shift (a sensor's 9999-12-31T23:59:59Z) says UTC."""
    if value is None:
        return EMPTY
    loc = _locale(locale)
    local = _local(value)
    shown, suffix = (local, "") if local is not None else (value, " UTC")
    day = babel_dates.format_date(shown.date(), format="medium", locale=loc)
    time = babel_dates.format_time(shown.time(), format="short", locale=loc)
    return f"{day} {time}{suffix}"


def relative(
    value: dt.datetime | None, locale: str | None = None, now: dt.datetime | None = None
) -> str:
    """How long ago or ahead: ``vor 3 Tagen`` / ``in 2 Stunden`` (``3 days ago``)."""
    if value is None:
        return EMPTY
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    delta = aware - (now or dt.datetime.now(dt.UTC))
    return babel_dates.format_timedelta(
        delta, add_direction=True, threshold=1.0, locale=_locale(locale)
    )


def hours(value: Number | None, locale: str | None = None) -> str:
    """A duration in hours: ``1,75 Stunden``, ``1 Stunde`` (en: ``1.75 hours``)."""
    if value is None:
        return EMPTY
    loc = _locale(locale)
    unit = babel_numbers.format_decimal(value, format="#,##0.##", locale=loc)
    words = i18n.translations(loc).ngettext("%(num)s hour", "%(num)s hours", 1 if value == 1 else 2)
    return str(words % {"num": unit})


def plural(singular: str, plural_: str, count: int, locale: str | None = None) -> str:
    """``ngettext`` with the count formatted: ``plural("%(num)s measure", "…measures", 1)``."""
    loc = _locale(locale)
    text = i18n.translations(loc).ngettext(singular, plural_, count)
    return text % {"num": number(count, loc)}


def label(value: Any, labels: Mapping[Any, str], locale: str | None = None) -> str:
    """The display name of an enum value from a domain's ``labels`` mapping, translated;
    an unknown value falls back to its code with underscores as spaces (never a bare code)."""
    if value is None or value == "":
        return EMPTY
    key = value.value if isinstance(value, enum.Enum) else value
    text = labels.get(key) or labels.get(value)
    gettext = i18n.translations(_locale(locale)).gettext
    return gettext(text) if text else gettext(str(key)).replace("_", " ")


def local_name(item: Any, locale: str | None = None) -> str:
    """A record's name in the page's language: ``name_en`` on English pages where it exists."""
    english = getattr(item, "name_en", None)
    return str(english if _locale(locale) == "en" and english else getattr(item, "name", item))


def _plain(value: Any, locale: str | None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        gettext = i18n.translations(_locale(locale)).gettext
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float | Decimal):
        return number(value, locale)
    if isinstance(value, list):
        return "; ".join(_plain(v, locale) for v in value)
    return str(value)


CODE = re.compile(r"[a-z][a-z0-9_]*")
"""A stored value that is a code (an enum value, a slug): shown as code, not as a word."""


def changes(before: Any, after: Any, locale: str | None = None) -> list[dict[str, Any]]:
    """An audit entry's changed keys, old and new value side by side (numbers in the page's
    language; codes marked as such); empty when either side is not a mapping."""
    if not isinstance(after, Mapping) or not isinstance(before, Mapping | None):
        return []
    old = before or {}
    keys = [k for k in after if old.get(k) != after[k]]
    keys += [k for k in old if k not in after]
    rows = []
    for key in keys:
        shown_old = _plain(old.get(key), locale) if before is not None else ""
        shown_new = _plain(after.get(key), locale)
        rows.append(
            {
                "key": str(key),
                "old": shown_old,
                "new": shown_new,
                "old_code": bool(CODE.fullmatch(shown_old)),
                "new_code": bool(CODE.fullmatch(shown_new)),
            }
        )
    return rows
