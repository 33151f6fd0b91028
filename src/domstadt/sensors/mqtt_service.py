"""SensorThings over MQTT: ingest of published Observations and the $select topic registry.

Ingest (``ingest``) takes a batch of MQTT messages and writes the Observations in one
transaction: plain observations (links by id only, of a Datastream or a MultiDatastream) go
through the trigger-free bulk insert, anything richer (a new FeatureOfInterest inline)
through the normal deep insert in a savepoint. A message that is not an Observation is
refused with a reason; it never stops the batch. Authorisation of publishers is the broker's
job (ACLs); the worker writes as the operator (``system``) actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit, json_codec
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.errors import Conflict, DomainError, Invalid, NotFound
from domstadt.core.ids import storable_id
from domstadt.sensors import models as m
from domstadt.sensors.mqtt import notify
from domstadt.sensors.mqtt.topics import IngestTarget, ingest_target, select_topic_parts
from domstadt.sensors.odata.options import parse_options
from domstadt.sensors.sta import bulk, write_service
from domstadt.sensors.sta.entities import ID_NAMES
from domstadt.sensors.sta.paths import parse_path

COMPONENTS = ["phenomenonTime", "result", "resultTime", "resultQuality", "validTime", "parameters"]
SIMPLE_KEYS = {*COMPONENTS, "Datastream", "FeatureOfInterest"}
CREATED, DUPLICATE = "created", "duplicate"
STREAMS = ("Datastream", "MultiDatastream")
StreamKey = tuple[str, int]
"""(``"Datastream"`` or ``"MultiDatastream"``, id): where an Observation belongs."""


@dataclass(frozen=True)
class Message:
    """One MQTT message as received."""

    topic: str
    payload: bytes


class IngestReport(BaseModel):
    """Outcome per message, in order: ``created``, ``duplicate`` or ``invalid: reason``."""

    outcomes: list[str]

    @property
    def created(self) -> int:
        """How many Observations were written."""
        return self.outcomes.count(CREATED)


def _link_id(value: Any, field: str) -> int:
    key = value.get("@iot.id") if isinstance(value, dict) else None
    if not isinstance(key, int) or isinstance(key, bool):
        raise Invalid(f'{field}: erwartet {{"@iot.id": <Zahl>}}.', field=field)
    return key


def _parse(root: str, message: Message) -> tuple[StreamKey, dict[str, Any]]:
    """The (Multi)Datastream and the Observation JSON of ``message`` (Invalid when it is none)."""
    try:
        target = ingest_target(root, message.topic)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    try:
        data = json_codec.loads(message.payload)
    except json_codec.DecodeError as exc:
        raise Invalid(f"kein gültiges JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Invalid("ein JSON-Objekt (eine Observation) erwartet.")
    if "result" not in data:
        raise Invalid("Observation.result fehlt.", field="result")
    stream = _stream(target, data)
    if target.feature_id is not None:
        data["FeatureOfInterest"] = {"@iot.id": target.feature_id}
    return stream, data


def _stream(target: IngestTarget, data: dict[str, Any]) -> StreamKey:
    """The stream named by the topic or by the (removed) link in ``data``; they must agree."""
    if all(kind in data for kind in STREAMS):
        raise Invalid("entweder Datastream oder MultiDatastream verknüpfen, nicht beide.")
    stream: StreamKey | None = None
    if target.datastream_id is not None:
        stream = ("Datastream", target.datastream_id)
    elif target.multi_datastream_id is not None:
        stream = ("MultiDatastream", target.multi_datastream_id)
    for kind in STREAMS:
        if kind in data:
            given = (kind, _link_id(data.pop(kind), kind))
            if stream is not None and given != stream:
                raise Invalid(
                    f"{kind} {given[1]} widerspricht dem Topic ({stream[0]} {stream[1]})."
                )
            stream = given
    if stream is None:
        raise Invalid(
            'die Verknüpfung Datastream fehlt (z. B. "Datastream": {"@iot.id": 1}; '
            'oder "MultiDatastream").'
        )
    if not storable_id(stream[1]):  # beyond 64 bits: no such stream, and no SQL can bind it
        raise Invalid(f"{stream[0]} {stream[1]} gibt es nicht.")
    return stream


def _is_simple(data: dict[str, Any]) -> bool:
    feature = data.get("FeatureOfInterest")
    return set(data) <= SIMPLE_KEYS and (feature is None or set(feature) == {"@iot.id"})


@requires(Permission.CONTENT_EDIT)
def ingest(
    session: Session, *, actor: Actor, messages: list[Message], root: str, base: str
) -> IngestReport:
    """Write the Observations in ``messages`` (see the module docstring); one outcome each."""
    outcomes: list[str] = [""] * len(messages)
    simple: dict[StreamKey, list[tuple[int, dict[str, Any]]]] = {}
    rich: list[tuple[int, StreamKey, dict[str, Any]]] = []
    for index, message in enumerate(messages):
        try:
            stream, data = _parse(root, message)
        except DomainError as exc:
            outcomes[index] = f"invalid: {exc.message}"
            continue
        if _is_simple(data):
            simple.setdefault(stream, []).append((index, data))
        else:
            rich.append((index, stream, data))
    _bulk(session, simple, outcomes, base, rich)
    for index, stream, data in rich:
        outcomes[index] = _one(session, actor, stream, data, base)
    created = outcomes.count(CREATED)
    if created:
        audit.record(
            session,
            actor=actor,
            action="sta.Observation.mqtt_ingest",
            entity_type="sta_Datastream",
            entity_id=",".join(_label(stream) for stream in sorted(simple)),
            after={"created": created, "refused": len(messages) - created},
        )
    return IngestReport(outcomes=outcomes)


def _label(stream: StreamKey) -> str:
    kind, key = stream
    return str(key) if kind == "Datastream" else f"{kind}({key})"


def _known(session: Session, streams: list[StreamKey]) -> set[StreamKey]:
    """The streams of ``streams`` that exist (one query per kind)."""
    found: set[StreamKey] = set()
    for kind, model in (("Datastream", m.Datastream), ("MultiDatastream", m.MultiDatastream)):
        wanted = [key for k, key in streams if k == kind]
        if wanted:
            ids = session.scalars(select(model.id).where(model.id.in_(wanted)))
            found.update((kind, key) for key in ids)
    return found


def _bulk(
    session: Session,
    groups: dict[StreamKey, list[tuple[int, dict[str, Any]]]],
    outcomes: list[str],
    base: str,
    rich: list[tuple[int, StreamKey, dict[str, Any]]],
) -> None:
    """Bulk-insert plain observations; on a group-level error fall back to one by one."""
    known = _known(session, list(groups))
    body, order = [], []
    for stream, items in groups.items():
        if stream not in known:
            for index, _ in items:
                outcomes[index] = f"invalid: {stream[0]} {stream[1]} gibt es nicht."
            continue
        components = [*COMPONENTS, "FeatureOfInterest/id"]
        rows = [
            [*(d.get(c) for c in COMPONENTS), _feature(d.get("FeatureOfInterest"))]
            for _, d in items
        ]
        body.append(
            {stream[0]: {"@iot.id": stream[1]}, "components": components, "dataArray": rows}
        )
        order += [index for index, _ in items]
    if not body:
        return
    try:
        with session.begin_nested():
            result = bulk.create_observations(session, body, f"{base}/Observations")
    except DomainError:  # e.g. a Thing without Location: try each message on its own
        rich += [(i, ds, d) for ds, items in groups.items() if ds in known for i, d in items]
        return
    notify.observations_created(session, base, result)
    for index, link in zip(order, result.links, strict=True):
        if not link.startswith("error"):
            outcomes[index] = CREATED
        else:
            outcomes[index] = DUPLICATE if "Duplikat" in link else f"invalid: {link[7:]}"


def _feature(value: Any) -> Any:
    return value.get("@iot.id") if isinstance(value, dict) else None


def _one(session: Session, actor: Actor, stream: StreamKey, data: dict[str, Any], base: str) -> str:
    """Deep insert of one Observation in a savepoint (an error undoes only this one)."""
    try:
        with session.begin_nested():
            write_service.create(
                session,
                actor=actor,
                path=f"{stream[0]}s({stream[1]})/Observations",
                data=data,
                base=base,
            )
    except Conflict:
        return DUPLICATE
    except DomainError as exc:
        return f"invalid: {exc.message}"
    except IntegrityError:
        return DUPLICATE
    return CREATED


class SelectTopic(BaseModel):
    """A registered $select notification topic (relative to the topic root)."""

    id: int
    topic: str


def _check_select(topic: str) -> str:
    try:
        path, names = select_topic_parts(topic)
    except ValueError as exc:
        raise Invalid(str(exc), field="topic") from None
    resource = parse_path(path)
    entity = resource.last.entity
    if resource.prop or resource.ref:
        raise Invalid(f"{topic!r}: $select gibt es nur für Entitäten und Sammlungen.")
    allowed = set(entity.props) | ID_NAMES | {"@iot.selfLink"}
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise Invalid(f"{entity.singular} hat keine Eigenschaft {unknown[0]!r}.", field="topic")
    parse_options([("$select", ",".join(names))])
    return f"{path}?$select={','.join(names)}"


@requires(Permission.CONTENT_EDIT)
def select_topic_add(session: Session, *, actor: Actor, topic: str) -> SelectTopic:
    """Register ``topic`` (``Observations?$select=result,phenomenonTime``, without root)."""
    normal = _check_select(topic.strip().removeprefix("v1.1/"))
    existing = session.scalar(select(m.MqttSelectTopic).where(m.MqttSelectTopic.topic == normal))
    if existing is not None:
        return SelectTopic(id=existing.id, topic=existing.topic)
    row = m.MqttSelectTopic(topic=normal)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sta.mqtt_select.add",
        entity_type="sta_mqtt_select_topic",
        entity_id=row.id,
        after={"topic": normal},
    )
    notify.forget_selects()
    return SelectTopic(id=row.id, topic=normal)


@requires(Permission.CONTENT_EDIT)
def select_topic_remove(session: Session, *, actor: Actor, topic_id: int) -> None:
    """Stop publishing a registered $select topic."""
    row = session.get(m.MqttSelectTopic, topic_id)
    if row is None:
        raise NotFound(f"Ein $select-Topic mit der id {topic_id} gibt es nicht.")
    session.execute(delete(m.MqttSelectTopic).where(m.MqttSelectTopic.id == topic_id))
    audit.record(
        session,
        actor=actor,
        action="sta.mqtt_select.remove",
        entity_type="sta_mqtt_select_topic",
        entity_id=topic_id,
        before={"topic": row.topic},
    )
    notify.forget_selects()


@public("which notification topics exist is public, like the data")
def select_topics(session: Session) -> list[SelectTopic]:
    """Every registered $select topic."""
    rows = session.scalars(select(m.MqttSelectTopic).order_by(m.MqttSelectTopic.id))
    return [SelectTopic(id=r.id, topic=r.topic) for r in rows]
