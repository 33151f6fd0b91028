"""HTTP to a remote SensorThings service, only through the outbound guard (core/outbound.py):
each request bounded in size and time (never beyond the run's deadline), HTML, error pages and
broken JSON refused with a reason, ``@iot.nextLink`` followed page by page within a budget of
pages, and a nextLink seen twice in one listing stopped as a runaway loop.

A nextLink is rebased onto the configured service root (everything after ``/v1.0`` or
``/v1.1``): FROST behind a proxy often names an internal host, and a remote must never steer
the harvester to another host."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from domstadt import __version__
from domstadt.core.outbound import OutboundClient, OutboundError, OutboundPolicy

USER_AGENT = f"Domstadt-STA-Harvester/{__version__}"
MAX_BYTES = 20 * 1024 * 1024
_VERSION = re.compile(r"/v1\.[01](?=/|\?|$)")


class HarvestError(Exception):
    """The source could not be read; the message is German and names what to fix."""


class BudgetSpent(Exception):
    """The run's page or record budget is used up (the next run continues)."""


def service_root(url: str) -> str:
    """The root URL as stored: without a trailing slash; it must name the API version."""
    root = url.strip().rstrip("/")
    if not re.search(r"/v1\.[01]$", root):
        raise HarvestError(
            f"'{url}' ist keine SensorThings-Wurzeladresse: sie muss auf /v1.0 oder /v1.1 "
            "enden (z. B. https://host/FROST-Server/v1.1)."
        )
    return root


def entity_url(root: str, entity_set: str, remote_id: Any, tail: str = "") -> str:
    """``root/Set(id)/tail``; string ids are quoted as OData asks (``'a''b'``)."""
    key = (
        str(remote_id)
        if isinstance(remote_id, int)
        else "'" + str(remote_id).replace("'", "''") + "'"
    )
    return f"{root}/{entity_set}({quote(key, safe=chr(39))}){'/' + tail if tail else ''}"


class StaClient:
    """One guarded client per run; ``deadline`` is the run's end (``time.monotonic``)."""

    def __init__(
        self,
        *,
        root: str,
        policy: OutboundPolicy,
        request_seconds: float,
        deadline: float,
        max_pages: int,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.root = root
        self.request_seconds = request_seconds
        self.deadline = deadline
        self.pages_left = max_pages
        self.max_bytes = max_bytes
        self.requests = 0
        self.client = OutboundClient(policy, user_agent=USER_AGENT)

    def close(self) -> None:
        """Release the connections."""
        self.client.close()

    def remaining(self) -> float:
        """Seconds left for the run (HarvestError when none are)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise HarvestError("Das Zeitlimit des Harvest-Laufs ist überschritten.")
        return left

    def get(self, url: str, params: dict[str, str] | None = None) -> Any:
        """GET ``url`` and parse JSON; HarvestError (naming ``url``) on any failure."""
        shown = url if len(url) <= 300 else url[:300] + "…"
        try:
            reply = self.client.request(
                "GET",
                url,
                params=params,
                headers={"Accept": "application/json"},
                max_bytes=self.max_bytes,
                seconds=min(self.request_seconds, self.remaining()),
                follow_redirects=True,
            )
        except OutboundError as exc:
            raise HarvestError(f"{shown}: {exc}") from None
        self.requests += 1
        ctype = reply.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "text/html" or reply.content.lstrip()[:1] == b"<":
            raise HarvestError(f"{shown}: Die Quelle lieferte HTML statt SensorThings-JSON.")
        if reply.status >= 400:
            raise HarvestError(f"{shown}: HTTP-Status {reply.status}.")
        try:
            return json.loads(reply.content)
        except ValueError:
            raise HarvestError(
                f"{shown}: Die Antwort ist kein gültiges JSON (abgeschnitten oder beschädigt)."
            ) from None

    def check_root(self) -> None:
        """The root document must list at least Things and Datastreams (a STA service)."""
        body = self.get(self.root)
        names = set()
        if isinstance(body, dict) and isinstance(body.get("value"), list):
            names = {v.get("name") for v in body["value"] if isinstance(v, dict)}
        if not {"Things", "Datastreams"} <= names:
            raise HarvestError(
                f"{self.root}: Das ist kein SensorThings-Dienst (die Wurzel nennt keine "
                "Things und Datastreams)."
            )

    def rebase(self, link: str) -> str:
        """``link`` with everything up to the API version replaced by the service root."""
        found = _VERSION.search(link)
        if found is None:
            raise HarvestError(f"Unbrauchbarer @iot.nextLink '{link[:200]}' (keine /v1.x-Adresse).")
        return self.root + link[found.end() :]

    def pages(self, url: str, params: dict[str, str]) -> Iterator[list[dict[str, Any]]]:
        """The entities of a listing, one page at a time, following ``@iot.nextLink``."""
        seen: set[str] = set()
        next_url: str | None = url
        first = True
        while next_url is not None:
            if self.pages_left <= 0:
                raise BudgetSpent("Seiten")
            self.pages_left -= 1
            body = self.get(next_url, params if first else None)
            first = False
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise HarvestError(
                    f'{next_url[:300]}: Keine SensorThings-Liste (das Feld "value" fehlt).'
                )
            yield [v for v in body["value"] if isinstance(v, dict)]
            link = body.get("@iot.nextLink")
            if not link or not body["value"]:
                return
            if not isinstance(link, str):
                raise HarvestError(f"{next_url[:300]}: @iot.nextLink ist kein Text.")
            next_url = self.rebase(link)
            if next_url in seen:
                raise HarvestError(
                    f"Endlosschleife: Die Quelle verweist mit @iot.nextLink erneut auf "
                    f"{next_url[:300]}."
                )
            seen.add(next_url)
