"""Links of datasets to what they belong to: masterplan measures and SensorThings Datastreams.

Measures are checked through the masterplan's public read service (the only way one domain
reaches another); Datastreams are referenced by their SensorThings URL or id.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from domstadt.catalog.models import DatasetRelation
from domstadt.catalog.validation import Problems
from domstadt.core.auth.permissions import ANONYMOUS
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service

MEASURE = "measure"
DATASTREAM = "datastream"
STA_PATH = "/sta/v1.1/Datastreams({id})"
MEASURE_PATH = "/massnahmen/{id}"
_MEASURE_RE = re.compile(r"^(?:https?://\S*?)?/(?:massnahmen|api/v1/measures)/(\d+)/?$")
_DATASTREAM_RE = re.compile(r"^(?:https?://\S*?)?/sta/v1\.1/Datastreams\((\d+)\)/?$")
"""Relative or absolute addresses; the base URL may have a path (``https://host/domstadt``)."""
MAX_LINKS = 50


class MeasureLink(BaseModel):
    """A measure a dataset belongs to, as its page shows it."""

    id: int
    code: str
    title: str
    url: str


def split_refs(value: Any) -> list[str]:
    """References from a list, or from text separated by commas, spaces or line breaks."""
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    return [str(i).strip() for i in items if str(i).strip()]


def _ids(
    refs: list[str | int], pattern: re.Pattern[str], field: str, problems: Problems
) -> list[int]:
    ids: set[int] = set()
    for ref in refs:
        text = str(ref).strip()
        match = pattern.match(text)
        if text.isdecimal():
            ids.add(int(text))
        elif match:
            ids.add(int(match.group(1)))
        else:
            example = "/massnahmen/12" if field == "measures" else STA_PATH.format(id=7)
            problems.add(field, f"'{text}' ist weder eine Nummer noch eine Adresse wie {example}.")
    if len(ids) > MAX_LINKS:
        problems.add(field, f"Höchstens {MAX_LINKS} Verknüpfungen.")
    return sorted(ids)


def checked(session: Session, values: dict[str, Any], problems: Problems) -> None:
    """Turn ``measures`` and ``datastreams`` into sorted ids; unknown measures are problems."""
    values["measures"] = _ids(values.get("measures") or [], _MEASURE_RE, "measures", problems)
    values["datastreams"] = _ids(
        values.get("datastreams") or [], _DATASTREAM_RE, "datastreams", problems
    )
    for measure_id in values["measures"]:
        try:
            measure_read_service.measure_get(session, actor=ANONYMOUS, measure_id=measure_id)
        except NotFound:
            problems.add("measures", f"Maßnahme {measure_id} gibt es nicht.")


def rows(values: dict[str, Any]) -> list[DatasetRelation]:
    """The relation rows for already checked values."""
    return [DatasetRelation(kind=MEASURE, ref=i) for i in values["measures"]] + [
        DatasetRelation(kind=DATASTREAM, ref=i) for i in values["datastreams"]
    ]


def measure_url(base: str, measure_id: int) -> str:
    """The public page of a measure."""
    return base + MEASURE_PATH.format(id=measure_id)


def datastream_url(base: str, datastream_id: int) -> str:
    """The SensorThings address of a Datastream."""
    return base + STA_PATH.format(id=datastream_id)


def measure_links(session: Session, ids: list[int]) -> list[MeasureLink]:
    """Code and title of each linked measure (a measure since removed shows its number)."""
    out = []
    for measure_id in ids:
        try:
            m = measure_read_service.measure_get(session, actor=ANONYMOUS, measure_id=measure_id)
            code, title = m.code, m.title
        except NotFound:
            code, title = str(measure_id), ""
        out.append(
            MeasureLink(id=measure_id, code=code, title=title, url=measure_url("", measure_id))
        )
    return out
