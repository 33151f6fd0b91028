"""``$resultFormat=dataArray`` (OGC 18-088, data array extension): Observations grouped by
Datastream or MultiDatastream (``MultiDatastream@iot.navigationLink``, results as arrays) as
``components`` plus rows, ``dataArray@iot.count`` per group — the same grouping
``CreateObservations`` accepts (``"Datastream"`` or ``"MultiDatastream"`` per group).

``$select`` chooses and orders the components (``id`` or ``@iot.id`` for the id); without it
every Observation property is a component.
"""

from __future__ import annotations

from typing import Any

from domstadt.sensors.odata.parser import FilterError
from domstadt.sensors.sta.entities import ENTITY_TYPES, EntityType, prop_value

DEFAULT_COMPONENTS = [
    "id",
    "phenomenonTime",
    "result",
    "resultTime",
    "resultQuality",
    "validTime",
    "parameters",
]


def components(entity: EntityType, select: list[str] | None) -> list[str]:
    """The components in order; unknown names are refused with the option named."""
    if entity.set_name != "Observations":
        raise FilterError(
            f"dataArray gibt es nur für Observations, nicht für {entity.set_name}",
            option="$resultFormat",
        )
    if not select:
        return list(DEFAULT_COMPONENTS)
    chosen = ["id" if name == "@iot.id" else name for name in select]
    for name in chosen:
        if name != "id" and name not in entity.props:
            raise FilterError(
                f"unbekannte Eigenschaft {name!r} von Observation (dataArray)", option="$select"
            )
    return list(dict.fromkeys(chosen))


def data_array(base: str, rows: list[Any], select: list[str] | None) -> list[dict[str, Any]]:
    """One object per (Multi)Datastream (in the order the rows first name it) with its rows."""
    entity = ENTITY_TYPES["Observations"]
    names = components(entity, select)
    groups: dict[tuple[str, int], list[list[Any]]] = {}
    for row in rows:
        values = [row.id if name == "id" else prop_value(row, entity.props[name]) for name in names]
        if row.datastream_id is not None:
            key = ("Datastream", row.datastream_id)
        else:
            key = ("MultiDatastream", row.multi_datastream_id)
        groups.setdefault(key, []).append(values)
    return [
        {
            f"{kind}@iot.navigationLink": f"{base}/{kind}s({stream_id})",
            "components": names,
            "dataArray@iot.count": len(values),
            "dataArray": values,
        }
        for (kind, stream_id), values in groups.items()
    ]
