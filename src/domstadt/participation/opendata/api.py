"""Open-data routes of participation: ``/api/v1/open-data/beteiligung`` lists the published
tables, ``/api/v1/open-data/beteiligung/<table>.csv|.json`` serves one, built at request time
(the catalogue's distributions point here)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.core.db import utcnow
from domstadt.core.errors import NotFound
from domstadt.core.weburl import site_base
from domstadt.participation import publish_service as service
from domstadt.participation.opendata import formats
from domstadt.participation.opendata.rows import iso
from domstadt.participation.opendata.tables import API_PATH, FORMATS
from domstadt.web.deps import ActorDep, SessionDep

router = APIRouter(prefix=API_PATH, tags=["open data"])


@router.get("", summary="Published participation tables")
def index(request: Request, session: SessionDep, actor: ActorDep) -> list[service.TableLink]:
    """Each table with its catalogue dataset and CSV and JSON addresses."""
    return service.open_data_index(session, actor=actor, base=site_base(request))


@router.get("/{filename}", summary="One participation table as CSV or JSON")
def table(filename: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """`<table>.csv` or `<table>.json`, fresh from the database; no personal data (see
    docs/api.md)."""
    name, _, fmt = filename.rpartition(".")
    if fmt not in FORMATS or not name:
        raise NotFound(
            f"'{filename}' gibt es nicht; Tabellen gibt es als <name>.csv oder <name>.json."
        )
    spec, rows = service.open_data_table(session, actor=actor, name=name, base=site_base(request))
    if fmt == "csv":
        body = formats.to_csv(spec, rows)
    else:
        body = formats.to_json(spec, rows, iso(utcnow()))
    return Response(
        body,
        media_type=formats.MEDIA_TYPES[fmt],
        headers={
            "Cache-Control": "public, max-age=300",
            "Content-Disposition": f'inline; filename="{spec.dataset_name}.{fmt}"',
        },
    )
