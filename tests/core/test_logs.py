"""Structured logs (issue 16): one JSON object per line with role and request id; the web
answers every request with its X-Request-ID and writes one access line naming it; a job queued
during a request logs under the same request id in the worker."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.jobs import REQUEST_ID_ARGUMENT, make_huey
from domstadt.core.logs import REQUEST_ID, JsonFormatter, TextFormatter


class Lines:
    """The lines logged so far through a JSON formatter, parsed."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter([json.loads(line) for line in self.stream.getvalue().splitlines()])


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    """Every line logged meanwhile through the JSON formatter (role web)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("web"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        yield Lines(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _line(record_args: dict[str, Any], formatter: logging.Formatter) -> str:
    record = logging.LogRecord(
        "domstadt.test", logging.ERROR, __file__, 1, "Ernte %s fehlgeschlagen", ("Köln",), None
    )
    record.__dict__.update(record_args)
    return formatter.format(record)


def test_json_line_has_time_level_logger_role_request_id_and_exception() -> None:
    try:
        raise ValueError("kaputt")
    except ValueError:
        import sys

        info = sys.exc_info()
    token = REQUEST_ID.set("abc-123")
    try:
        line = json.loads(_line({"exc_info": info}, JsonFormatter("worker")))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "Ernte Köln fehlgeschlagen"
    assert line["level"] == "ERROR" and line["logger"] == "domstadt.test"
    assert line["role"] == "worker" and line["request_id"] == "abc-123"
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    assert "ValueError: kaputt" in line["exception"]


def test_scheduler_thread_lines_have_role_scheduler_and_text_names_the_request() -> None:
    line = json.loads(_line({"threadName": "Scheduler"}, JsonFormatter("worker")))
    assert line["role"] == "scheduler" and "request_id" not in line
    text = _line({"request_id": "r-9"}, TextFormatter("web"))
    assert "ERROR domstadt.test [web r-9]: Ernte Köln fehlgeschlagen" in text


def test_log_format_defaults_to_json_in_production_only(tmp_path: Path) -> None:
    assert Settings(environment="production").effective_log_format == "json"
    assert Settings(environment="development").effective_log_format == "text"
    assert Settings(environment="demo", log_format="json").effective_log_format == "json"


def test_every_answer_carries_a_request_id(client: TestClient) -> None:
    answers = [
        client.get("/"),
        client.get("/api/v1/measures"),
        client.get("/gibt-es-nicht"),
        client.get("/livez"),
        client.post("/api/v1/organisations", content=b"{"),
    ]
    ids = [a.headers.get("x-request-id") for a in answers]
    assert all(ids) and len(set(ids)) == len(ids), ids
    echoed = client.get("/", headers={"X-Request-ID": "proxy-42.a_b"})
    assert echoed.headers["x-request-id"] == "proxy-42.a_b"
    replaced = client.get("/", headers={"X-Request-ID": "<script>"})
    assert replaced.headers["x-request-id"] not in {"<script>", ""}


def test_access_line_names_route_template_status_and_request_id(
    client: TestClient, json_lines: Lines
) -> None:
    client.get("/api/v1/measures/999999?token=geheim", headers={"X-Request-ID": "probe-1"})
    client.get("/unbekannt/pfad?access_token=geheim", headers={"X-Request-ID": "probe-2"})
    client.get("/livez", headers={"X-Request-ID": "probe-3"})
    access = [line for line in json_lines if line["logger"] == "domstadt.access"]
    by_id = {line["request_id"]: line for line in access}
    first = by_id["probe-1"]
    assert first["route"] == "/api/v1/measures/{measure_id}", first
    assert first["status"] == 404 and first["method"] == "GET" and first["role"] == "web"
    assert isinstance(first["duration_ms"], float)
    assert by_id["probe-2"]["route"] == "unmatched"
    assert by_id["probe-2"]["path"] == "/unbekannt/pfad"
    assert "probe-3" not in by_id, "probes are logged at DEBUG, not INFO"
    ours = [line for line in json_lines if line["logger"].startswith("domstadt")]
    assert not any("geheim" in json.dumps(line) for line in ours)


def test_a_job_queued_during_a_request_logs_under_its_request_id(
    tmp_path: Path, json_lines: Lines
) -> None:
    """The id travels with the job through the store; the job function does not see it."""
    queue = make_huey(Settings(data_dir=tmp_path))
    received: dict[str, Any] = {}

    @queue.task()
    def summarise(name: str, **kwargs: Any) -> None:
        received.update(kwargs)
        logging.getLogger("domstadt.jobs.test").info("Zusammenfassung von %s", name)

    token = REQUEST_ID.set("req-77")
    try:
        summarise("Ehrenfeld")
    finally:
        REQUEST_ID.reset(token)
    summarise("Kalk")  # queued outside any request

    def consume() -> None:  # a worker thread: its own, empty logging context
        for _ in range(2):
            task = queue.dequeue()
            assert task is not None
            queue.execute(task)

    worker = threading.Thread(target=consume, name="Worker-1")
    worker.start()
    worker.join(30)
    assert received == {}, f"the job saw {REQUEST_ID_ARGUMENT}"
    logs = [line for line in json_lines if line["logger"] == "domstadt.jobs.test"]
    assert [(line["message"], line.get("request_id")) for line in logs] == [
        ("Zusammenfassung von Ehrenfeld", "req-77"),
        ("Zusammenfassung von Kalk", None),
    ]
    assert logs[0]["job"].startswith("summarise:")
