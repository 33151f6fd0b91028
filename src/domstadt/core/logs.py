"""Logging of every Domstadt process, configured in one place: text for people, or one JSON
object per line for a log collector (``DOMSTADT_LOG_FORMAT``), each line naming the process's
role and, while a request or a job it queued runs, the request id.

The request id lives in a context variable: the web middleware sets it for the whole request
(``web/requestlog.py``), jobs queued during the request carry it to the worker
(``core/jobs.py``), and every log line written meanwhile names it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from contextvars import ContextVar
from typing import Any, Literal

from domstadt.core.config import Settings

Role = Literal["web", "worker", "ingest", "scheduler", "cli"]

REQUEST_ID: ContextVar[str | None] = ContextVar("domstadt_request_id", default=None)
"""The id of the request being served, or of the request that queued the running job."""
JOB: ContextVar[str | None] = ContextVar("domstadt_job", default=None)
"""The name and id of the running job (``harvest_source:3f2a…``) in a worker."""

FIELDS = ("method", "route", "path", "status", "duration_ms")
"""Extra attributes of a record (``log.info(..., extra={...})``) that a JSON line carries."""

SCHEDULER_THREAD = "Scheduler"
"""The thread in which huey's consumer enqueues periodic tasks; its lines have role scheduler."""


_active = {"format": "text"}


def active_format() -> str:
    """The format :func:`configure` chose for this process (for child processes)."""
    return _active["format"]


def current_request_id() -> str | None:
    """The request id of the running request or job, if any."""
    return REQUEST_ID.get()


def _role_of(record: logging.LogRecord, role: str) -> str:
    if role == "worker" and record.threadName == SCHEDULER_THREAD:
        return "scheduler"
    return role


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, role,
    request_id when known, the access fields, and the exception's text."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "role": _role_of(record, self.role),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        job = getattr(record, "job", None) or JOB.get()
        if job:
            line["job"] = job
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger [role request-id]: message`` for a console."""

    def __init__(self, role: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(context)s]: %(message)s")
        self.role = role

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        role = _role_of(record, self.role)
        record.context = f"{role} {request_id}" if request_id else role
        return super().format(record)


def formatter(log_format: str, role: str) -> logging.Formatter:
    """The formatter of ``log_format`` (``json`` or ``text``)."""
    return JsonFormatter(role) if log_format == "json" else TextFormatter(role)


def configure(level: str, log_format: str, role: str) -> None:
    """Replace the root logger's handlers by one on stderr with the chosen format; every
    library logger (uvicorn, huey, paho, SQLAlchemy) propagates to it."""
    _active["format"] = log_format
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format, role))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "huey", "huey.consumer"):
        library = logging.getLogger(name)
        for own in list(library.handlers):  # their own handlers would print a second line
            library.removeHandler(own)
        library.propagate = True
    # httpx logs every URL it fetches at INFO, query strings (keys, tokens) included
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))


def configure_logging(settings: Settings, role: str) -> None:
    """Configure this process's logging from ``settings`` (``DOMSTADT_LOG_LEVEL``,
    ``DOMSTADT_LOG_FORMAT``) for ``role`` (web, worker, ingest)."""
    configure(settings.log_level, settings.effective_log_format, role)
