"""An unexpected exception is a complete 500 answer with a request id in the API's envelope,
logged, and the client's keep-alive connection stays open (real uvicorn, one connection).

No route fails on purpose, so a planted fault stands in for a bug: the service behind
``/api/v1/departments`` and ``/verwaltung``, or SensorThings' read service, raises."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domstadt.core.auth import directory_service
from domstadt.sensors.sta import read_service
from tests.catalog.conftest import live_server  # noqa: F401  (the uvicorn fixture)


def _planted_bug(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("planted failure")


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The department tree and SensorThings reads fail unexpectedly."""
    monkeypatch.setattr(directory_service, "department_tree", _planted_bug)
    monkeypatch.setattr(read_service, "read", _planted_bug)


def _local_port(response: httpx.Response) -> Any:
    """The client's port of the connection that carried ``response`` (None once closed)."""
    try:
        return response.extensions["network_stream"].get_extra_info("client_addr")[1]
    except OSError:
        return None


def _fail_then_ask_again(base: str, path: str, **headers: str) -> httpx.Response:
    """GET ``path`` (which fails), then /healthz on the same connection; returns the first."""
    with httpx.Client(base_url=base, limits=httpx.Limits(max_connections=1)) as client:
        failed = client.get(path, headers=headers)
        port = _local_port(failed)
        after = client.get("/healthz")
        assert after.status_code == 200
        assert _local_port(after) == port, "the server closed the connection after the 500"
    assert failed.status_code == 500
    return failed


def test_500_keeps_the_connection(
    live_server: str,  # noqa: F811
    broken: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a 500 the same TCP connection answers the next request; the id is logged."""
    failed = _fail_then_ask_again(live_server, "/api/v1/departments")
    request_id = failed.headers["x-request-id"]
    message = failed.json()["error"]["message"]
    assert request_id in message and "schiefgegangen" in message
    assert any(request_id in r.getMessage() for r in caplog.records), "request id not logged"


def test_500_page_keeps_a_proxy_request_id(live_server: str, broken: None) -> None:  # noqa: F811
    """A browser gets the error page with security headers; a proxy's request id is kept."""
    page = _fail_then_ask_again(
        live_server, "/verwaltung", accept="text/html", **{"x-request-id": "lb-4711"}
    )
    assert "text/html" in page.headers["content-type"]
    assert "lb-4711" in page.text and page.headers["x-request-id"] == "lb-4711"
    assert "content-security-policy" in page.headers


def test_sensorthings_500_in_its_envelope(live_server: str, broken: None) -> None:  # noqa: F811
    """A failure inside the SensorThings API answers in FROST's envelope, connection kept."""
    failed = _fail_then_ask_again(live_server, "/sta/v1.1/Things")
    body = failed.json()
    assert body["code"] == 500 and failed.headers["x-request-id"] in body["message"]
