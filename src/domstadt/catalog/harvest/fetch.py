"""HTTP for harvesting, through the outbound guard (core/outbound.py): every request, redirect
hop and file a catalogue names goes only to public or operator-allowed hosts, within a time
limit (in total, never beyond the job's deadline) and a size cap; answers of the wrong kind
fail with a reason."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from domstadt import __version__
from domstadt.core.outbound import OutboundClient, OutboundError, OutboundPolicy

MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = f"Domstadt-Harvester/{__version__}"


class FetchError(Exception):
    """A source could not be read; the message is German and names the address."""


class JobTimeout(FetchError):
    """The job's own time limit is used up."""


@dataclass
class Answer:
    """A fetched document."""

    url: str
    content: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""


class Fetcher:
    """One guarded client per job; ``deadline`` is the job's end (``time.monotonic``)."""

    def __init__(
        self,
        *,
        policy: OutboundPolicy,
        request_timeout: float,
        deadline: float,
        max_bytes: int = MAX_BYTES,
    ):
        self.request_timeout = request_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.client = OutboundClient(policy, user_agent=USER_AGENT)

    def close(self) -> None:
        """Release the connections."""
        self.client.close()

    def remaining(self) -> float:
        """Seconds left until the job's deadline (raises JobTimeout when none are)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise JobTimeout("Das Zeitlimit des Harvest-Jobs ist überschritten.")
        return left

    def get(
        self, url: str, params: dict[str, Any] | None = None, max_bytes: int | None = None
    ) -> Answer:
        """GET ``url`` (redirects followed, each hop checked); the whole answer must arrive
        within the request time limit and be at most ``max_bytes`` (default: the fetcher's
        cap) long. FetchError names ``url``, never a redirect target."""
        limit = min(self.request_timeout, self.remaining())
        try:
            reply = self.client.request(
                "GET",
                url,
                params=params,
                max_bytes=max_bytes or self.max_bytes,
                seconds=limit,
                follow_redirects=True,
            )
        except OutboundError as exc:
            raise FetchError(f"{url}: {exc}") from None
        if reply.status >= 400:
            raise FetchError(f"{url}: HTTP-Status {reply.status}.")
        ctype = reply.headers.get("content-type", "").split(";")[0].strip().lower()
        return Answer(
            reply.url,
            reply.content,
            ctype,
            reply.headers.get("etag", ""),
            reply.headers.get("last-modified", ""),
        )

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET and parse JSON; HTML or other text instead of JSON fails with a clear reason."""
        answer = self.get(url, params)
        if answer.content_type == "text/html" or answer.content.lstrip()[:1] == b"<":
            raise FetchError(f"{url}: Die Quelle lieferte HTML statt JSON.")
        try:
            return json.loads(answer.content)
        except ValueError:
            raise FetchError(f"{url}: Die Antwort ist kein gültiges JSON.") from None
