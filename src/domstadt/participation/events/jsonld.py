"""schema.org Event as JSON-LD for an event page, safe inside <script type="application/ld+json">:
``<``, ``>`` and ``&`` are written as JSON escapes, so no text can close the block."""

from __future__ import annotations

import json
from typing import Any

from domstadt.participation.events.models import EventStatus
from domstadt.participation.events.schemas import BERLIN, EventPublic


def event_ld(event: EventPublic, base_url: str) -> dict[str, Any]:
    """The schema.org Event of ``event`` (times with their Berlin offset)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": event.starts_at.astimezone(BERLIN).isoformat(),
        "endDate": event.ends_at.astimezone(BERLIN).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == EventStatus.CANCELLED
        else "https://schema.org/EventScheduled",
        "url": f"{base_url}{event.url}",
    }
    physical = bool(event.place or event.address)
    locations: list[dict[str, Any]] = []
    if physical:
        locations.append(
            {
                "@type": "Place",
                "name": event.place or event.address,
                "address": event.address or event.place,
            }
        )
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    data["eventAttendanceMode"] = (
        "https://schema.org/MixedEventAttendanceMode"
        if physical and event.online_url
        else "https://schema.org/OnlineEventAttendanceMode"
        if event.online_url
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    if event.organiser is not None:
        data["organizer"] = {
            "@type": "GovernmentOrganization"
            if event.organiser.type == "department"
            else "Organization",
            "name": event.organiser.name,
        }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = max(0, event.capacity - event.registered)
    return data


def script_json(data: dict[str, Any]) -> str:
    """JSON text that can stand inside a <script> element: no ``<``, ``>`` or ``&`` appears
    literally (they become \\u003c, \\u003e, \\u0026, which JSON parsers read back)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
