"""The public status of the platform: each component's state (database, MQTT broker, job
queue, site search) and the incidents operators announced (issue 12)."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from domstadt import search_service
from domstadt.core import audit
from domstadt.core.auth.permissions import ANONYMOUS, Actor, Permission, public, requires
from domstadt.core.config import Settings
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound
from domstadt.core.jobs import make_huey
from domstadt.developers.models import StatusIncident
from domstadt.developers.schemas import ComponentState, IncidentPublic, StatusReport

COMPONENTS = ("database", "broker", "jobs", "search")
STATES = ("ok", "degraded", "down", "off")
SLOW_MS = 1000.0
"""A component that answers, but slower than this, counts as degraded."""
CONNECT_TIMEOUT = 0.5
RECENT_DAYS = 14
MAX_INCIDENTS = 20
MAX_WAITING_JOBS = 1000


def _timed(check: Callable[[], str]) -> ComponentState:
    """Run ``check`` (returns a detail, raises when the component is unusable)."""
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # any failure means: down, named in the detail
        return ComponentState(name="", state="down", detail=type(exc).__name__)
    elapsed = (time.perf_counter() - started) * 1000
    return ComponentState(name="", state="degraded" if elapsed > SLOW_MS else "ok", detail=detail)


def _tcp(host: str, port: int) -> str:
    with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
        return f"{host}:{port}"


def _broker(settings: Settings) -> ComponentState:
    if settings.mqtt_url:
        parts = urlsplit(settings.mqtt_url)
        return _timed(lambda: _tcp(parts.hostname or "127.0.0.1", parts.port or 1883))
    if not settings.mqtt_embedded:
        return ComponentState(name="broker", state="off", detail="not configured")
    state = _timed(lambda: _tcp(settings.mqtt_embedded_host, settings.mqtt_embedded_port))
    return state if state.state != "down" else ComponentState(name="", state="off")


def _jobs(settings: Settings) -> str:
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=CONNECT_TIMEOUT,
            socket_connect_timeout=CONNECT_TIMEOUT,
        )
        try:
            client.ping()
        finally:
            client.close()
        return "redis"
    waiting = make_huey(settings).pending_count()
    if waiting > MAX_WAITING_JOBS:
        raise OverflowError(f"{waiting} waiting")
    return str(waiting)


def _component(name: str, settings: Settings, session: Session) -> ComponentState:
    if name == "database":
        state = _timed(lambda: str(session.execute(text("SELECT 1")).scalar()) and "")
    elif name == "broker":
        state = _broker(settings)
    elif name == "jobs":
        state = _timed(lambda: _jobs(settings))
    else:
        state = _timed(
            lambda: str(search_service.site_search(session, actor=ANONYMOUS, q="Köln").total)
        )
    return state.model_copy(update={"name": name})


def _incidents(session: Session, now: dt.datetime) -> list[IncidentPublic]:
    since = now - dt.timedelta(days=RECENT_DAYS)
    rows = session.scalars(
        select(StatusIncident)
        .where(or_(StatusIncident.resolved_at.is_(None), StatusIncident.resolved_at >= since))
        .order_by(StatusIncident.started_at.desc())
        .limit(MAX_INCIDENTS)
    ).all()
    return [IncidentPublic.model_validate(r) for r in rows]


def _overall(components: list[ComponentState]) -> str:
    """``down`` when the database is, ``degraded`` when any other component is down or
    slow, else ``ok`` (components that are off do not count)."""
    states = {c.name: c.state for c in components}
    if states.get("database") == "down":
        return "down"
    return "degraded" if any(s in {"down", "degraded"} for s in states.values()) else "ok"


@public("the status page is public; it names states, never configuration or data")
def status_report(session: Session, *, settings: Settings) -> StatusReport:
    """Check every component (each bounded by a short timeout) and list the incidents that
    are open or ended within the last 14 days."""
    now = utcnow()
    components = [_component(name, settings, session) for name in COMPONENTS]
    try:
        incidents = _incidents(session, now)
    except Exception:  # the database is down: its state says so
        session.rollback()
        incidents = []
    return StatusReport(
        state=_overall(components), checked_at=now, components=components, incidents=incidents
    )


@public("shown when the database itself cannot be reached: no session to check with")
def status_without_database(*, settings: Settings) -> StatusReport:
    """The status when no database session could be opened."""
    now = utcnow()
    components = [ComponentState(name="database", state="down", detail="unreachable")]
    components += [_broker(settings).model_copy(update={"name": "broker"})]
    components += [ComponentState(name=n, state="down") for n in ("jobs", "search")]
    return StatusReport(state="down", checked_at=now, components=components, incidents=[])


@requires(Permission.USER_MANAGE)
def incident_open(
    session: Session, *, actor: Actor, component: str, title: str, description: str = ""
) -> IncidentPublic:
    """Announce a disruption of ``component`` on the status page (operators)."""
    if component not in COMPONENTS:
        raise Invalid(
            f"Unbekannte Komponente {component!r}; möglich: {', '.join(COMPONENTS)}.",
            field="component",
        )
    title = title.strip()
    if not title or len(title) > 200:
        raise Invalid("Bitte einen Titel mit 1 bis 200 Zeichen angeben.", field="title")
    incident = StatusIncident(component=component, title=title, description=description.strip())
    session.add(incident)
    session.flush()
    result = IncidentPublic.model_validate(incident)
    audit.record(
        session,
        actor=actor,
        action="incident.open",
        entity_type="status_incident",
        entity_id=incident.id,
        after=result.model_dump(mode="json"),
    )
    return result


@requires(Permission.USER_MANAGE)
def incident_resolve(session: Session, *, actor: Actor, incident_id: int) -> IncidentPublic:
    """Mark an incident as resolved now (operators); resolving twice changes nothing."""
    incident = session.get(StatusIncident, incident_id)
    if incident is None:
        raise NotFound(f"Störung {incident_id} nicht gefunden.")
    audit.stamp_once(
        session,
        actor=actor,
        row=incident,
        field="resolved_at",
        action="incident.resolve",
        entity_type="status_incident",
    )
    return IncidentPublic.model_validate(incident)
