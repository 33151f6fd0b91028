"""HTTP for harvesting: every request has a time limit (connect, read and in total, never
beyond the job's deadline) and a size cap; answers of the wrong kind fail with a reason."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from domstadt import __version__

MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = f"Domstadt-Harvester/{__version__}"


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MB"


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
    """One httpx client per job; ``deadline`` is the job's end (``time.monotonic``)."""

    def __init__(self, *, request_timeout: float, deadline: float, max_bytes: int = MAX_BYTES):
        self.request_timeout = request_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.client = httpx.Client(
            follow_redirects=True, headers={"User-Agent": USER_AGENT}, trust_env=False
        )

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
        """GET ``url``; the whole answer must arrive within the request time limit and be at
        most ``max_bytes`` (default: the fetcher's cap) long."""
        cap = max_bytes or self.max_bytes
        limit = min(self.request_timeout, self.remaining())
        end = time.monotonic() + limit
        try:
            with self.client.stream(
                "GET", url, params=params, timeout=httpx.Timeout(limit)
            ) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise FetchError(f"{url}: Antwort größer als {_megabytes(cap)}.")
                    if time.monotonic() > end:
                        raise FetchError(f"{url}: keine vollständige Antwort in {limit:.0f} s.")
                    chunks.append(chunk)
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP-Status {response.status_code}.")
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return Answer(
                    str(response.url),
                    b"".join(chunks),
                    ctype,
                    response.headers.get("etag", ""),
                    response.headers.get("last-modified", ""),
                )
        except httpx.TimeoutException:
            raise FetchError(f"{url}: keine Antwort innerhalb von {limit:.0f} s.") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: nicht erreichbar ({type(exc).__name__}).") from None

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET and parse JSON; HTML or other text instead of JSON fails with a clear reason."""
        answer = self.get(url, params)
        if answer.content_type == "text/html" or answer.content.lstrip()[:1] == b"<":
            raise FetchError(f"{url}: Die Quelle lieferte HTML statt JSON.")
        try:
            return json.loads(answer.content)
        except ValueError:
            raise FetchError(f"{url}: Die Antwort ist kein gültiges JSON.") from None
