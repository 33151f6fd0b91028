"""SensorThings reads: the landing page, collections, entities, properties, $value and $ref."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.core.errors import NotFound
from domstadt.sensors.mqtt.topics import BrokerUrl
from domstadt.sensors.odata.options import parse_options
from domstadt.sensors.odata.parser import FilterError
from domstadt.sensors.sta.data_array import components, data_array
from domstadt.sensors.sta.entities import ENTITY_TYPES, ID_NAMES, EntityType, prop_value
from domstadt.sensors.sta.paths import ResourcePath, parse_path
from domstadt.sensors.sta.query import Serializer, next_link, query_rows, resolve

SPEC = "http://www.opengis.net/spec/iot_sensing/1.1/req"
CONFORMANCE = [
    f"{SPEC}/datamodel",
    f"{SPEC}/resource-path/resource-path-to-entities",
    f"{SPEC}/request-data",
    f"{SPEC}/create-update-delete",
    f"{SPEC}/data-array/data-array",
    f"{SPEC}/multi-datastream",
    f"{SPEC}/batch-request/batch-request",
]
EXTENSIONS = [
    "$count is estimated above 1,000,000 Observations (marked domstadt:countEstimated)",
    "PATCH also with application/json-patch+json (RFC 6902)",
    "POST $batch also in the OData JSON batch format (atomicity groups, $-references)",
    "across Datastreams under /api/v1/sensors: aggregate (time buckets), correlation "
    "(with lag), datastreams/{id}/anomalies, outages, datastreams (latest values)",
]
"""What this server offers beyond OGC 18-088 (``serverSettings["domstadt:extensions"]``)."""


@dataclass
class ReadResult:
    """A JSON body, or plain text for ``$value``, or no content (a null property)."""

    body: Any
    text: str | None = None
    no_content: bool = False
    """A property or ``$value`` that is null: 204 No Content (OGC 18-088 §9.2.4, OData 4.01
    Protocol §11.2.4 and §11.2.4.1)."""


MQTT_CREATE = f"{SPEC}/create-observations-via-mqtt/observations-creation"
MQTT_RECEIVE = f"{SPEC}/receive-updates-via-mqtt/receive-updates"


@public("the SensorThings service description is public")
def landing(*, actor: Actor, base: str, mqtt_url: str = "") -> dict[str, Any]:
    """The landing page: every entity set with its URL, and what this server implements.

    The MQTT classes are listed only when a broker is configured (DOMSTADT_MQTT_URL).
    """
    settings: dict[str, Any] = {
        "conformance": list(CONFORMANCE),
        "domstadt:extensions": list(EXTENSIONS),
    }
    if mqtt_url:
        broker = BrokerUrl.parse(mqtt_url)
        scheme = "mqtts" if broker.tls else "mqtt"
        endpoint = {"endpoints": [f"{scheme}://{broker.host}:{broker.port}"]}
        settings["conformance"] += [MQTT_CREATE, MQTT_RECEIVE]
        settings[MQTT_CREATE] = endpoint
        settings[MQTT_RECEIVE] = endpoint
        settings["domstadt:mqttTopicRoot"] = broker.root
    return {
        "value": [{"name": name, "url": f"{base}/{name}"} for name in ENTITY_TYPES],
        "serverSettings": settings,
    }


@public("sensor data is open data; reads need no account")
def read(
    session: Session, *, actor: Actor, path: str, params: list[tuple[str, str]], base: str
) -> ReadResult:
    """Answer a GET on ``path`` (relative to /sta/v1.1) with the query options ``params``."""
    resource = parse_path(path)
    opts = parse_options(params)
    target = resolve(session, resource)
    serializer = Serializer(session, base)
    entity = target.entity
    if target.entity_id is not None:
        if opts.result_format:
            raise FilterError("dataArray gibt es nur für Sammlungen", option="$resultFormat")
        row = session.get(entity.model, target.entity_id)
        if row is None:
            raise NotFound(f"{entity.singular} mit der id {target.entity_id} gibt es nicht.")
        return _single(serializer, resource, row, opts)
    if resource.prop is not None:
        raise NotFound("Eigenschaften gibt es nur an einzelnen Entitäten.")
    if opts.result_format:
        components(entity, opts.select)  # refuse before querying
        if opts.expand:  # OGC 18-088 §13.1: dataArray carries no expanded entities
            raise FilterError(
                "dataArray und $expand schließen sich aus (OGC 18-088 §13.1)",
                option="$resultFormat",
            )
    page = query_rows(session, entity, target.condition, opts, target.order)
    body: dict[str, Any] = {}
    if page.count is not None:
        body["@iot.count"] = page.count.value
        if page.count.estimated:
            body["domstadt:countEstimated"] = True
    url = f"{base}/{path.strip('/')}"
    if page.next_params is not None:
        body["@iot.nextLink"] = next_link(url, params, page.next_params)
    if resource.ref:
        body["value"] = [{"@iot.selfLink": serializer.self_link(entity, r.id)} for r in page.rows]
    elif opts.result_format:
        body["value"] = data_array(base, list(page.rows), opts.select)
    else:
        body["value"] = [serializer.entity(entity, r, opts) for r in page.rows]
    return ReadResult(body)


def _single(serializer: Serializer, resource: ResourcePath, row: Any, opts: Any) -> ReadResult:
    entity = resource.last.entity
    if resource.ref:
        return ReadResult({"@iot.selfLink": serializer.self_link(entity, row.id)})
    if resource.prop is None:
        return ReadResult(serializer.entity(entity, row, opts))
    name, value = _addressed_property(entity, row, resource.prop, resource.members)
    if value is None:
        return ReadResult(None, no_content=True)
    if resource.value:
        text = value if isinstance(value, str) else _json_text(value)
        return ReadResult(None, text)
    return ReadResult({name: value})


def _addressed_property(
    entity: EntityType, row: Any, prop: str, members: tuple[str, ...]
) -> tuple[str, Any]:
    """The name and value the path addresses: property ``prop`` of ``row``, or the member
    reached by ``members`` inside it; a member that is not there is NotFound. The id answers
    as ``@iot.id`` under either path, as FROST does."""
    value = row.id if prop in ID_NAMES else prop_value(row, entity.props[prop])
    for depth, member in enumerate(members):
        if not isinstance(value, dict) or member not in value:
            where = "/".join((prop, *members[:depth]))
            raise NotFound(
                f"{entity.singular} {row.id} hat in {where} keinen Schlüssel {member!r}."
            )
        value = value[member]
    if members:
        return members[-1], value
    return ("@iot.id" if prop in ID_NAMES else prop), value


def _json_text(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
