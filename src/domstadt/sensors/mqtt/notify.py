"""Notifications after commit: writes record events on the session, a commit publishes them.

REST writes (the SensorThings routes attach the process's publisher when
``DOMSTADT_MQTT_URL`` is set) and MQTT ingest both go through here, so a subscriber sees every
committed change, and nothing of a rolled-back transaction.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from domstadt.sensors import models as m
from domstadt.sensors.mqtt.topics import (
    Event,
    Parent,
    event_messages,
    parents_of,
    reverse_nav,
    select_topic_parts,
)
from domstadt.sensors.odata.options import QueryOptions
from domstadt.sensors.sta.bulk import BulkResult, observation_json
from domstadt.sensors.sta.entities import ENTITY_TYPES, EntityType, Nav
from domstadt.sensors.sta.query import Serializer

_OWNER_OF_NAV = {id(nav): e for e in ENTITY_TYPES.values() for nav in e.navs.values()}
"""The entity type each navigation belongs to."""

log = logging.getLogger("domstadt.sensors.mqtt")
SELECT_CACHE_SECONDS = 5.0
_select_cache: dict[str, tuple[float, dict[str, list[tuple[str, list[str]]]]]] = {}


class Notifier(Protocol):
    """What notifications need of a publisher: the topic root and a way to send messages
    (the broker connection of ``publisher.Publisher`` or the embedded broker)."""

    @property
    def root(self) -> str:
        """The topic root (``v1.1``)."""
        ...

    def publish(self, messages: list[tuple[str, bytes]]) -> None:
        """Send ``(topic, payload)`` notifications."""
        ...


def attach(session: Session, publisher: Notifier) -> None:
    """Publish the events of ``session``'s transactions through ``publisher`` after commit."""
    if "sta_publisher" not in session.info:
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
    session.info["sta_publisher"] = publisher


def enabled(session: Session) -> bool:
    """True when a publisher is attached (events are worth building)."""
    return "sta_publisher" in session.info


def record(session: Session, *events: Event) -> None:
    """Queue events until the transaction commits (no-op without a publisher)."""
    if not enabled(session) or not events:
        return
    queued = session.info.setdefault("sta_events", [])
    if not queued:
        session.info["sta_selects"] = _with_live(_selects(session), session.info["sta_publisher"])
    queued.extend(events)


def _with_live(
    registered: dict[str, list[tuple[str, list[str]]]], publisher: Notifier
) -> dict[str, list[tuple[str, list[str]]]]:
    """The registered ``$select`` topics plus those the publisher's broker sees subscribed
    right now (the embedded broker's ``live_selects``)."""
    live_selects = getattr(publisher, "live_selects", None)
    if live_selects is None:
        return registered
    merged = {path: list(topics) for path, topics in registered.items()}
    for path, topics in live_selects().items():
        known = {topic for topic, _names in merged.get(path, [])}
        merged.setdefault(path, []).extend(t for t in topics if t[0] not in known)
    return merged


def entity_changed(
    session: Session, entity: EntityType, row: Any, body: dict[str, Any], changed: Any = None
) -> None:
    """Queue the notification of a created (``changed`` None) or updated entity, for its own
    topic, its entity set and every navigation collection that holds it."""
    if enabled(session):
        links = {n.attr: getattr(row, n.attr) for n in entity.navs.values() if n.kind == "one"}
        parents = parents_of(entity, links) + _m2m_parents(session, entity, row.id)
        record(session, Event(entity, row.id, body, parents, changed))


def _m2m_parents(session: Session, entity: EntityType, entity_id: int) -> list[Parent]:
    """The many-to-many collections holding the entity (``Locations(2)/Things`` for a Thing)."""
    out: list[Parent] = []
    for nav in entity.navs.values():
        reverse = reverse_nav(entity, nav) if nav.kind == "m2m" else None
        if reverse is None or nav.table is None:
            continue
        link = nav.table.c
        query = select(link[nav.target_attr]).where(link[nav.attr] == entity_id)
        out += [(nav.target, int(i), reverse.name) for i in session.scalars(query)]
    return out


def linked_members(links: list[tuple[Nav, int, int]]) -> dict[tuple[str, int], list[Parent]]:
    """New many-to-many links (navigation of the owning side, owner id, target id) as the
    collections each linked entity (entity set, id) was added to: the target to
    ``Owner(id)/nav``, the owner to the reverse collection of the target."""
    added: dict[tuple[str, int], list[Parent]] = {}
    for nav, owner_id, target_id in links:
        owner = _OWNER_OF_NAV[id(nav)]
        added.setdefault((nav.target, target_id), []).append((owner.set_name, owner_id, nav.name))
        reverse = reverse_nav(owner, nav)
        if reverse is not None:
            added.setdefault((owner.set_name, owner_id), []).append(
                (nav.target, target_id, reverse.name)
            )
    return added


def entity_linked(
    session: Session, entity: EntityType, entity_id: int, body: dict[str, Any], parents: Any
) -> None:
    """Queue the notification of an unchanged entity newly added to the ``parents``
    collections (a Location linked to a Thing appears on ``Things(1)/Locations``)."""
    record(session, Event(entity, entity_id, body, list(parents), linked_only=True))


def observations_created(session: Session, base: str, result: BulkResult) -> None:
    """Queue the notifications of bulk-inserted observations (``Datastreams(n)/Observations`` or
    ``MultiDatastreams(n)/Observations``, from the row's link column)."""
    if not enabled(session):
        return
    entity = ENTITY_TYPES["Observations"]
    events = [
        Event(entity, obs_id, observation_json(base, obs_id, row), parents_of(entity, row))
        for obs_id, row in result.inserted
    ]
    features = ENTITY_TYPES["FeaturesOfInterest"]
    serializer = Serializer(session, base)
    events += [
        Event(features, f.id, serializer.entity(features, f, QueryOptions()))
        for f in result.features
    ]
    record(session, *events)


def _selects(session: Session) -> dict[str, list[tuple[str, list[str]]]]:
    """Registered $select topics by path (cached a few seconds per database)."""
    key = str(session.get_bind().engine.url)
    cached = _select_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < SELECT_CACHE_SECONDS:
        return cached[1]
    by_path: dict[str, list[tuple[str, list[str]]]] = {}
    for topic in session.scalars(select(m.MqttSelectTopic.topic)):
        path, names = select_topic_parts(topic)
        by_path.setdefault(path, []).append((topic, names))
    _select_cache[key] = (time.monotonic(), by_path)
    return by_path


def forget_selects() -> None:
    """Drop the cache of registered $select topics (after a change)."""
    _select_cache.clear()


def _after_commit(session: Session) -> None:
    events: list[Event] = session.info.pop("sta_events", [])
    selects: dict[str, Any] = session.info.pop("sta_selects", {})
    publisher: Notifier | None = session.info.get("sta_publisher")
    if not events or publisher is None:
        return
    try:
        messages = [msg for e in events for msg in event_messages(publisher.root, e, selects)]
        publisher.publish(messages)
    except Exception:  # a broker problem must never fail a committed write
        log.exception("MQTT notifications could not be published")


def _after_rollback(session: Session) -> None:
    session.info.pop("sta_events", None)
    session.info.pop("sta_selects", None)
