"""iCalendar (RFC 5545) for events, written with the ``icalendar`` package: times with
TZID=Europe/Berlin and one VTIMEZONE describing that zone's rules, cancelled events as
STATUS:CANCELLED."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as VEvent

from domstadt.participation.events.models import EventStatus
from domstadt.participation.events.schemas import BERLIN, EventPublic

PRODID = "-//Stadt Köln//Domstadt Veranstaltungen//DE"


def _berlin_zone() -> Timezone:
    """Europe/Berlin as the EU rule in force since 1996 (last Sunday of March/October)."""
    zone = Timezone()
    zone.add("tzid", "Europe/Berlin")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", dt.datetime(1981, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", dt.datetime(1996, 10, 27, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _location(event: EventPublic) -> str:
    parts = [p for p in (event.place, event.address) if p]
    if not parts and event.online_url:
        parts.append(event.online_url)
    return ", ".join(parts)


def _vevent(event: EventPublic, base_url: str, host: str, stamp: dt.datetime) -> VEvent:
    item = VEvent()
    item.add("uid", f"event-{event.id}@{host}")
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at.astimezone(BERLIN))
    item.add("dtend", event.ends_at.astimezone(BERLIN))
    item.add("summary", event.title)
    location = _location(event)
    if location:
        item.add("location", location)
    item.add("url", f"{base_url}{event.url}")
    if event.description:
        item.add("description", event.description)
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    return item


def calendar(events: Iterable[EventPublic], base_url: str, name: str) -> bytes:
    """A VCALENDAR with one VEVENT per event; ``base_url`` (no trailing slash) makes the URLs
    absolute and its host makes the UIDs globally unique."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    cal.add_component(_berlin_zone())
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "domstadt"
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for event in events:
        cal.add_component(_vevent(event, base_url, host, stamp))
    return cal.to_ical()
