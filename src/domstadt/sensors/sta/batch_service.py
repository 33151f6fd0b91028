"""JSON batch requests (OData JSON batch format, as FROST-Server's JsonBatchRequest extension):
``POST /sta/v1.1/$batch`` with ``{"requests": [{"id", "method", "url", "body"?,
"headers"?, "atomicityGroup"?, "dependsOn"?}]}`` answers ``{"responses": [{"id", "status",
"headers"?, "body"?}]}`` in request order.

- Requests run in order, each inside a savepoint of the one request transaction; a failed
  request rolls back only itself.
- Requests sharing an ``atomicityGroup`` (they must be adjacent) succeed or roll back
  together: the failed request reports its error, the others of the group 424.
- ``dependsOn`` lists request ids or group ids that must have succeeded, else 424.
- ``$<id>`` refers to the entity created by an earlier request: at the start of a URL
  (``$thing/Datastreams``) and as ``{"@iot.id": "$thing"}`` in a body.
- Each request checks its own permission (reads are public, writes need an editor, who
  writes only their department's entities).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.core.errors import DomainError, Invalid
from domstadt.sensors.odata.parser import FilterError
from domstadt.sensors.sta import ownership, read_service, write_service

MAX_REQUESTS = 1000
METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


@dataclass
class _Request:
    id: str
    method: str
    url: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    group: str | None = None
    depends_on: list[str] = field(default_factory=list)


class _Failed(Exception):
    """A request's error as a batch response."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> dict[str, Any]:
    return {"code": status, "type": "error", "message": message}


def _parse(data: Any) -> list[_Request]:
    if not isinstance(data, dict) or not isinstance(data.get("requests"), list):
        raise Invalid('Batch: ein JSON-Objekt mit der Liste "requests" erwartet.', field="requests")
    items = data["requests"]
    if not 1 <= len(items) <= MAX_REQUESTS:
        raise Invalid(f"Batch: 1 bis {MAX_REQUESTS} Anfragen erwartet.", field="requests")
    found: list[_Request] = []
    for index, item in enumerate(items):
        found.append(_parse_one(index, item, found))
    return found


def _parse_one(index: int, item: Any, earlier: list[_Request]) -> _Request:
    where = f"Batch-Anfrage {index + 1}"
    if not isinstance(item, dict):
        raise Invalid(f"{where}: ein JSON-Objekt erwartet.")
    ident, method, url = item.get("id"), str(item.get("method", "")).upper(), item.get("url")
    if not isinstance(ident, str) or not ident:
        raise Invalid(f'{where}: "id" (Text) fehlt.', field="id")
    if any(r.id == ident for r in earlier):
        raise Invalid(f'{where}: die id "{ident}" kommt doppelt vor.', field="id")
    if method not in METHODS:
        raise Invalid(f'{where}: "method" muss GET, POST, PATCH, PUT oder DELETE sein.')
    if not isinstance(url, str) or not url:
        raise Invalid(f'{where}: "url" fehlt.', field="url")
    group = item.get("atomicityGroup")
    apart = earlier and earlier[-1].group != group
    if group is not None and apart and any(r.group == group for r in earlier):
        raise Invalid(f'{where}: Anfragen der atomicityGroup "{group}" müssen aufeinander folgen.')
    depends = item.get("dependsOn") or []
    if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
        raise Invalid(f'{where}: "dependsOn" muss eine Liste von ids sein.', field="dependsOn")
    known = {r.id for r in earlier} | {r.group for r in earlier if r.group}
    unknown = [d for d in depends if d not in known and d != group]
    if unknown:
        raise Invalid(f'{where}: dependsOn nennt "{unknown[0]}", das vorher nicht vorkommt.')
    headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
    return _Request(ident, method, url, item.get("body"), headers, group, depends)


class _Batch:
    def __init__(self, session: Session, actor: Actor, base: str) -> None:
        self.session, self.actor, self.base = session, actor, base
        self.created: dict[str, tuple[str, int]] = {}  # request id → (entity path, id)
        self.ok: set[str] = set()

    def path_and_params(self, request: _Request) -> tuple[str, list[tuple[str, str]]]:
        url = request.url
        if url.startswith(self.base):
            url = url[len(self.base) :]
        parts = urlsplit(url)
        path = parts.path.lstrip("/")
        path = path.removeprefix("sta/v1.1/").removeprefix("v1.1/")
        if path.startswith("$"):
            ref, _, rest = path[1:].partition("/")
            if ref not in self.created:
                raise _Failed(
                    400, f"Verweis ${ref}: keine vorher in diesem Batch erzeugte Entität."
                )
            path = self.created[ref][0] + (f"/{rest}" if rest else "")
        return path, parse_qsl(parts.query, keep_blank_values=True)

    def resolve_body(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve_body(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: self.resolve_body(v) for k, v in value.items()}
        ref = out.get("@iot.id")
        if isinstance(ref, str) and ref.startswith("$"):
            if ref[1:] not in self.created:
                raise _Failed(400, f"Verweis {ref}: keine vorher in diesem Batch erzeugte Entität.")
            out["@iot.id"] = self.created[ref[1:]][1]
        return out

    def execute(self, request: _Request) -> dict[str, Any]:
        path, params = self.path_and_params(request)
        body = self.resolve_body(request.body)
        kw = {"actor": self.actor}
        if request.method == "GET":
            result = read_service.read(self.session, path=path, params=params, base=self.base, **kw)
            if result.no_content:
                return {"status": 204}
            return {"status": 200, "body": result.text if result.text is not None else result.body}
        if request.method == "DELETE":
            write_service.delete(self.session, path=path, **kw)
            return {"status": 200}
        if request.method == "POST" and path.strip("/") == "CreateObservations":
            links = write_service.create_observations(self.session, data=body, base=self.base, **kw)
            return {"status": 201, "body": links}
        if request.method == "POST":
            made = write_service.create(self.session, path=path, data=body, base=self.base, **kw)
            link = str(made["@iot.selfLink"])
            self.created[request.id] = (link[len(self.base) :].lstrip("/"), int(made["@iot.id"]))
            return {"status": 201, "headers": {"location": link}, "body": made}
        if request.headers.get("content-type", "").startswith("application/json-patch+json"):
            patched = write_service.patch_json(
                self.session, path=path, operations=body, base=self.base, **kw
            )
            return {"status": 200, "body": patched}
        replace = request.method == "PUT"
        updated = write_service.update(
            self.session, path=path, data=body, base=self.base, replace=replace, **kw
        )
        return {"status": 200, "body": updated}

    def run_one(self, request: _Request, done_in_unit: set[str]) -> dict[str, Any]:
        """Execute ``request``; raises _Failed with the status and message on any refusal.

        A dependency is met by an earlier unit that succeeded or, inside an atomicity group,
        by an earlier request of the same group or the group itself (OData JSON Format 4.01
        §19.1: ``dependsOn`` may name requests of the same group); the group's own requests
        so far succeeded, else this one would not run.
        """
        met = self.ok | done_in_unit
        missing = [d for d in request.depends_on if d not in met]
        if missing:
            raise _Failed(424, f"Hängt von „{missing[0]}“ ab, das fehlgeschlagen ist.")
        try:
            return self.execute(request)
        except FilterError as exc:
            raise _Failed(400, str(exc)) from None
        except DomainError as exc:
            raise _Failed(400 if exc.status_code == 422 else exc.status_code, exc.message) from None

    def run_unit(self, unit: list[_Request]) -> list[dict[str, Any]]:
        """Run one request or one atomicity group inside a savepoint."""
        events = self.session.info.get("sta_events")
        mark = len(events) if events is not None else 0
        created_before = dict(self.created)
        savepoint = self.session.begin_nested()
        done: list[dict[str, Any]] = []
        done_in_unit = {unit[0].group} if unit[0].group else set()
        for request in unit:
            try:
                done.append({"id": request.id, **self.run_one(request, done_in_unit)})
                done_in_unit.add(request.id)
            except _Failed as failed:
                savepoint.rollback()
                ownership.forget(self.session)  # owners looked up inside are undone too
                self.created = created_before
                if events is not None:
                    del events[mark:]
                return self._group_failed(unit, request, failed)
        savepoint.commit()
        self.ok.update(r.id for r in unit)
        if unit[0].group:
            self.ok.add(unit[0].group)
        return done

    def _group_failed(
        self, unit: list[_Request], culprit: _Request, failed: _Failed
    ) -> list[dict[str, Any]]:
        out = []
        for request in unit:
            if request is culprit:
                out.append(
                    {
                        "id": request.id,
                        "status": failed.status,
                        "body": _error(failed.status, failed.message),
                    }
                )
            else:
                message = (
                    f"Zurückgerollt: Anfrage „{culprit.id}“ der atomicityGroup "
                    f"„{request.group}“ ist fehlgeschlagen."
                )
                out.append({"id": request.id, "status": 424, "body": _error(424, message)})
        return out


def _units(requests: list[_Request]) -> list[list[_Request]]:
    units: list[list[_Request]] = []
    for request in requests:
        if request.group and units and units[-1][0].group == request.group:
            units[-1].append(request)
        else:
            units.append([request])
    return units


@public("each request in the batch checks its own permission (reads public, writes editors)")
def run_batch(session: Session, *, actor: Actor, data: Any, base: str) -> dict[str, Any]:
    """Run a JSON batch (see the module docstring); the whole body is checked before anything
    runs, so a malformed batch changes nothing."""
    requests = _parse(data)
    batch = _Batch(session, actor, base)
    responses: list[dict[str, Any]] = []
    for unit in _units(requests):
        if unit[0].group:
            for response in (r := batch.run_unit(unit)):
                response["atomicityGroup"] = unit[0].group
            responses += r
        else:
            responses += batch.run_unit(unit)
    return {"responses": responses}
