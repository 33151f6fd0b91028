"""MQTT topics of the SensorThings MQTT extension (OGC 18-088, clause 14), without I/O.

Topics live under a root, ``v1.1`` by default; a path in ``DOMSTADT_MQTT_URL``
(``mqtt://host:1883/city``) puts them under ``city/v1.1`` so several installations (or test
runs) can share one broker. Notifications a subscriber can receive:

- ``v1.1/Observations``: every new or updated Observation (likewise every entity set);
- ``v1.1/Datastreams(1)/Observations``: new or updated entities reachable through a
  navigation link (``v1.1/MultiDatastreams(2)/Observations`` for the observations of a
  MultiDatastream);
- ``v1.1/Things(3)``: the entity after each create or update;
- ``v1.1/Things(3)/name``: ``{"name": …}`` when that property changed;
- ``v1.1/Observations?$select=result,phenomenonTime``: new and updated entities with only the
  selected properties. A broker elsewhere does not tell Domstadt who subscribed to what, so
  there these topics are registered (``domstadt sensors select-topic add …``) and published
  for every registered topic; the embedded broker publishes the ones subscribed right now.

Entity-set and navigation-collection topics carry created *and* updated entities (OGC 18-088
§14.2.1: "When a new entity is added to the entity set … or an existing entity of the entity
set is updated"), also entities created as a side effect (a HistoricalLocation, a generated
FeatureOfInterest, the nested entities of a deep insert); an existing entity newly linked
into a many-to-many collection (``v1.1/Things(3)/Locations``) is published on that
collection's topic only.

Observations are created by publishing an Observation to ``v1.1/Datastreams(id)/Observations``,
``v1.1/MultiDatastreams(id)/Observations`` (result: an array, one value per ObservedProperty),
``v1.1/FeaturesOfInterest(id)/Observations`` or ``v1.1/Observations`` (both with a Datastream
or MultiDatastream link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from domstadt.core import json_codec
from domstadt.sensors.sta.entities import ENTITY_TYPES, ID_NAMES, EntityType, Nav

VERSION = "v1.1"
EVENT_MARKER = ("domstadt-event", "1")
"""MQTT 5 user property on every notification Domstadt publishes (ingest skips those)."""


@dataclass(frozen=True)
class BrokerUrl:
    """A parsed ``mqtt://[user[:password]@]host[:port][/prefix]`` (``mqtts://`` for TLS)."""

    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None
    root: str

    @classmethod
    def parse(cls, url: str) -> BrokerUrl:
        """Parse ``url``; ValueError with a readable message when it is not an MQTT URL."""
        parts = urlsplit(url)
        if parts.scheme not in {"mqtt", "mqtts", "tcp"} or not parts.hostname:
            raise ValueError(f"{url!r} ist keine MQTT-URL (erwartet mqtt://host:1883).")
        tls = parts.scheme == "mqtts"
        prefix = parts.path.strip("/")
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            root=f"{prefix}/{VERSION}" if prefix else VERSION,
        )


def ingest_filters(root: str) -> list[str]:
    """The topic filters clients publish new Observations to (``+`` covers Datastreams,
    MultiDatastreams and FeaturesOfInterest)."""
    return [f"{root}/Observations", f"{root}/+/Observations"]


def ingest_subscriptions(root: str, group: str = "domstadt") -> list[str]:
    """:func:`ingest_filters` as shared subscriptions, so workers split the load."""
    return [f"$share/{group}/{topic}" for topic in ingest_filters(root)]


def is_ingest_topic(root: str, topic: str) -> bool:
    """True when ``topic`` matches one of :func:`ingest_filters`; ``mqtt_service.ingest``
    decides whether the message is a valid Observation."""
    levels = topic.split("/")
    for topic_filter in ingest_filters(root):
        parts = topic_filter.split("/")  # single-level wildcards only
        if len(parts) == len(levels) and all(
            p in ("+", t) for p, t in zip(parts, levels, strict=True)
        ):
            return True
    return False


_NAV_SEGMENT = re.compile(r"^(Datastreams|MultiDatastreams|FeaturesOfInterest)\((\d+)\)$")


@dataclass(frozen=True)
class IngestTarget:
    """Which links a publish topic implies for the new Observation."""

    datastream_id: int | None = None
    feature_id: int | None = None
    multi_datastream_id: int | None = None


def ingest_target(root: str, topic: str) -> IngestTarget:
    """The links implied by ``topic``; ValueError for a topic that creates nothing."""
    rest = topic[len(root) + 1 :] if topic.startswith(root + "/") else ""
    if rest == "Observations":
        return IngestTarget()
    head, _, tail = rest.partition("/")
    match = _NAV_SEGMENT.match(head)
    if match is None or tail != "Observations":
        raise ValueError(f"Auf dem Topic {topic!r} werden keine Observations angelegt.")
    key = int(match.group(2))
    if match.group(1) == "Datastreams":
        return IngestTarget(datastream_id=key)
    if match.group(1) == "MultiDatastreams":
        return IngestTarget(multi_datastream_id=key)
    return IngestTarget(feature_id=key)


Parent = tuple[str, int, str]
"""(entity set, id, navigation name): a navigation collection, ``Things(1)/Locations``."""


@dataclass
class Event:
    """An entity created, updated or newly linked in a committed transaction.

    ``parents`` lists (entity set, id, navigation name) of the entities whose navigation
    collection holds this one (``Datastreams(1)/Observations``); ``changed`` names the
    properties an update changed (None for a create); ``linked_only`` marks an unchanged
    entity that was only added to the ``parents`` collections.
    """

    entity: EntityType
    entity_id: int
    body: dict[str, Any]
    parents: list[Parent] = field(default_factory=list)
    changed: list[str] | None = None
    linked_only: bool = False


def parents_of(entity: EntityType, links: dict[str, Any]) -> list[Parent]:
    """Parent collections of an entity from its to-one foreign keys ``links`` (attr → id)."""
    out = []
    for nav in entity.navs.values():
        parent_id = links.get(nav.attr)
        if nav.kind != "one" or parent_id is None:
            continue
        reverse = reverse_nav(entity, nav)
        if reverse is not None:
            out.append((nav.target, int(parent_id), reverse.name))
    return out


def reverse_nav(entity: EntityType, nav: Nav) -> Nav | None:
    """The navigation of ``nav``'s target leading back to ``entity`` as a collection
    (``Thing.Datastreams`` for ``Datastream.Thing``, ``Location.Things`` for
    ``Thing.Locations``); None when the target has no such collection."""
    target = ENTITY_TYPES[nav.target]
    for candidate in target.navs.values():
        if candidate.target != entity.set_name:
            continue
        if nav.kind == "one" and candidate.kind == "many" and candidate.attr == nav.attr:
            return candidate
        if nav.kind == "m2m" and candidate.kind == "m2m" and candidate.table is nav.table:
            return candidate
    return None


def select_topic_parts(topic: str) -> tuple[str, list[str]]:
    """Split a registered ``Observations?$select=a,b`` into its path and property list."""
    path, sep, query = topic.partition("?")
    key, eq, value = query.partition("=")
    if not sep or key.strip().lower() != "$select" or not eq:
        raise ValueError(f"{topic!r}: erwartet wird PFAD?$select=eigenschaft,…")
    names = [n.strip() for n in unquote(value).split(",") if n.strip()]
    if not names:
        raise ValueError(f"{topic!r}: $select nennt keine Eigenschaft.")
    return path.strip("/"), names


def _selected(body: dict[str, Any], names: list[str]) -> dict[str, Any]:
    wanted = {"@iot.id" if n in ID_NAMES else n for n in names}
    return {k: v for k, v in body.items() if k in wanted}


def _encode(payload: dict[str, Any]) -> bytes:
    return json_codec.dumps(payload)


def event_messages(
    root: str, event: Event, selects: dict[str, list[tuple[str, list[str]]]]
) -> list[tuple[str, bytes]]:
    """(topic, payload) pairs to publish for ``event``.

    ``selects`` maps a path (``Observations``) to its registered select topics.
    """
    own = f"{event.entity.set_name}({event.entity_id})"
    paths = [f"{s}({i})/{nav}" for s, i, nav in event.parents]
    if not event.linked_only:
        paths[:0] = [own, event.entity.set_name]
    body = _encode(event.body)
    messages = [(f"{root}/{path}", body) for path in paths]
    for path in paths:
        for topic, names in selects.get(path, []):
            messages.append((f"{root}/{topic}", _encode(_selected(event.body, names))))
    for name in event.changed or []:
        if name in event.body:
            messages.append((f"{root}/{own}/{name}", _encode({name: event.body[name]})))
    return messages
