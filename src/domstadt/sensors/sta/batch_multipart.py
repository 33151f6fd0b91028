"""Multipart batch requests (OData 4.0 ``multipart/mixed``, as in OGC 18-088 §11.2): parsed
into the JSON batch form that ``batch_service.run_batch`` runs, and the answers written back
as ``multipart/mixed``.

- Each ``application/http`` part holds one request (request line, headers, body).
- A nested ``multipart/mixed`` part is a change set: it becomes an atomicity group, so it
  succeeds or rolls back as a whole; a failed change set is answered by one part with the
  error of the failing request (as OData says).
- ``Content-ID`` names a request for ``$<Content-ID>`` references; parts without one get
  an id of their own (``#1``, ``#2``, …).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from typing import Any

from domstadt.core.errors import Invalid
from domstadt.core.json_limits import parse_json


@dataclass
class Layout:
    """How the answers are grouped: single requests and change sets, in order."""

    units: list[tuple[str | None, list[str]]] = field(default_factory=list)


def _boundary(content_type: str) -> str:
    message = Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise Invalid("Multipart-Batch: boundary fehlt im Content-Type.")
    return boundary


def _parts(text: str, boundary: str) -> list[str]:
    delimiter = f"--{boundary}"
    if delimiter not in text:
        raise Invalid(f"Multipart-Batch: keine Teile mit boundary {boundary!r} gefunden.")
    sections = text.split(delimiter)[1:]
    parts = []
    for section in sections:
        if section.startswith("--"):
            break
        parts.append(section.strip("\n"))
    return parts


def _headers_and_body(text: str) -> tuple[dict[str, str], str]:
    head, _, body = text.partition("\n\n")
    headers = {}
    for line in head.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers, body


def _request(part: str, number: int, group: str | None) -> dict[str, Any]:
    headers, http = _headers_and_body(part)
    lines = http.strip("\n").split("\n")
    fields = lines[0].split()
    if len(fields) < 2:
        raise Invalid(f"Multipart-Batch, Teil {number}: Anfragezeile fehlt (z. B. GET /Things).")
    end = lines.index("", 1) if "" in lines[1:] else len(lines)
    inner, _ = _headers_and_body("\n".join(lines[1:end]))
    body = "\n".join(lines[end + 1 :])
    item: dict[str, Any] = {
        "id": headers.get("content-id") or inner.get("content-id") or f"#{number}",
        "method": fields[0],
        "url": fields[1],
        "headers": {k: v for k, v in inner.items() if k == "content-type"},
    }
    if group:
        item["atomicityGroup"] = group
    if body.strip():
        try:
            item["body"] = parse_json(body)
        except Invalid as exc:
            raise Invalid(f"Multipart-Batch, Teil {number}: {exc.message}") from None
    return item


def parse(raw: bytes, content_type: str) -> tuple[dict[str, Any], Layout]:
    """The JSON batch form of a multipart batch, and the layout for the answer."""
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise Invalid("Multipart-Batch: der Body ist kein UTF-8.") from None
    requests: list[dict[str, Any]] = []
    layout = Layout()
    for index, part in enumerate(_parts(text, _boundary(content_type)), start=1):
        headers, body = _headers_and_body(part)
        kind = headers.get("content-type", "").lower()
        if kind.startswith("multipart/mixed"):
            group = f"changeset{index}"
            inner = [
                _request(p, len(requests) + n, group)
                for n, p in enumerate(_parts(body, _boundary(headers["content-type"])), start=1)
            ]
            requests += inner
            layout.units.append((group, [r["id"] for r in inner]))
        elif kind.startswith("application/http"):
            item = _request(part, len(requests) + 1, None)
            requests.append(item)
            layout.units.append((None, [item["id"]]))
        else:
            raise Invalid(
                f"Multipart-Batch, Teil {index}: Content-Type application/http oder "
                "multipart/mixed erwartet."
            )
    return {"requests": requests}, layout


def _http_part(response: dict[str, Any], content_id: str | None) -> str:
    status = int(response["status"])
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id and not content_id.startswith("#"):
        lines.append(f"Content-ID: {content_id}")
    lines += ["", f"HTTP/1.1 {status} {reason}"]
    for name, value in (response.get("headers") or {}).items():
        lines.append(f"{name.title()}: {value}")
    body = response.get("body")
    if body is not None:
        is_text = isinstance(body, str)
        lines.append(f"Content-Type: {'text/plain' if is_text else 'application/json'}")
        lines += ["", body if is_text else json.dumps(body, ensure_ascii=False)]
    else:
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def render(layout: Layout, result: dict[str, Any]) -> tuple[str, str]:
    """The multipart answer and its Content-Type."""
    by_id = {r["id"]: r for r in result["responses"]}
    boundary = f"batchresponse_{uuid.uuid4().hex}"
    chunks = []
    for group, ids in layout.units:
        answers = [by_id[i] for i in ids]
        if group is None:
            chunks.append(_http_part(answers[0], ids[0]))
            continue
        failed = [a for a in answers if a["status"] >= 400 and a["status"] != 424]
        if failed or any(a["status"] >= 400 for a in answers):
            culprit = failed[0] if failed else answers[0]
            chunks.append(_http_part(culprit, culprit["id"]))
            continue
        inner = f"changesetresponse_{uuid.uuid4().hex}"
        body = "".join(f"--{inner}\r\n{_http_part(a, a['id'])}" for a in answers)
        chunks.append(
            f"Content-Type: multipart/mixed; boundary={inner}\r\n\r\n{body}--{inner}--\r\n"
        )
    text = "".join(f"--{boundary}\r\n{chunk}" for chunk in chunks) + f"--{boundary}--\r\n"
    return text, f"multipart/mixed; boundary={boundary}"
