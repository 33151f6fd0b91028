"""Atom feeds (RFC 4287) of measure changes: all, per field of action, per measure."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.core.weburl import site_base
from domstadt.masterplan import labels, service
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan.measure_read_service import ChangeEntry
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.formatting import local_name
from domstadt.web.templating import environment, gettext_for, locale_of

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"
EMPTY_FEED_UPDATED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _feed(
    request: Request, entries: list[ChangeEntry], title: str, self_path: str, alternate: str
) -> Response:
    base = site_base(request)
    _ = gettext_for(request)
    updated = max((e.version.at for e in entries), default=EMPTY_FEED_UPDATED)
    xml = environment.get_template("masterplan/feed.xml").render(
        base=base,
        title=title,
        feed_id=base + self_path,
        self_url=base + self_path,
        alternate=base + alternate,
        updated=updated,
        entries=entries,
        labels=labels,
        locale=locale_of(request),
        _=_,
    )
    return Response(xml, media_type=ATOM)


@router.get("/feeds/measures.atom")
def all_measures(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The newest changes of all measures."""
    _ = gettext_for(request)
    entries = reader.recent_changes(session, actor=actor)
    return _feed(
        request,
        entries,
        _("Masterplan Digitales Köln: changes of measures"),
        "/feeds/measures.atom",
        "/massnahmen",
    )


@router.get("/feeds/fields/{slug}.atom")
def field_measures(request: Request, slug: str, session: SessionDep, actor: ActorDep) -> Response:
    """The newest changes of the measures of one field of action."""
    _ = gettext_for(request)
    entries = reader.recent_changes(session, actor=actor, field_slug=slug)
    fields = service.taxonomy(session, actor=actor).fields_of_action
    name = next((local_name(f, locale_of(request)) for f in fields if f.slug == slug), slug)
    return _feed(
        request,
        entries,
        _("Masterplan: changes in %(field)s") % {"field": name},
        f"/feeds/fields/{slug}.atom",
        f"/massnahmen?field={slug}",
    )


@router.get("/feeds/measures/{measure_id}.atom")
def one_measure(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Every change of one measure."""
    _ = gettext_for(request)
    m = reader.measure_get(session, actor=actor, measure_id=measure_id)
    entries = reader.recent_changes(session, actor=actor, measure_id=measure_id, limit=200)
    return _feed(
        request,
        entries,
        _("Measure %(code)s: changes") % {"code": m.code},
        f"/feeds/measures/{measure_id}.atom",
        f"/massnahmen/{measure_id}",
    )
