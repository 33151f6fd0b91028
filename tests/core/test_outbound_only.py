"""Only core/outbound.py may send requests to the outside: any other module of src/ that
imports an HTTP client library or opens connections or URLs itself fails here, so harvesting,
webhooks and future remote SensorThings or funding feeds all go through the guard."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import domstadt

SOURCE = Path(domstadt.__file__).parent
GUARD = SOURCE / "core" / "outbound.py"
CLIENT_MODULES = (
    "httpx",
    "httpcore",
    "requests",
    "urllib3",
    "aiohttp",
    "pycurl",
    "http.client",
    "urllib.request",
    "ftplib",
    "telnetlib",
    "websocket",
    "websockets",
)
CONNECTING_CALLS = {"create_connection", "open_connection", "urlopen", "urlretrieve"}
OPERATOR_CONNECTIONS = {
    ("sensors/mqtt/publisher.py", "create_connection"): "the operator's MQTT broker",
    ("developers/status_service.py", "create_connection"): "the operator's broker (status page)",
}
"""Connections to a server the operator configured (not an address users give), by file."""


def _imported(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        yield node.module
        yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _called(node: ast.AST) -> str:
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _problems(relative: str, text: str) -> Iterator[str]:
    """What module ``relative`` (path below src/domstadt) with source ``text`` does wrong."""
    for node in ast.walk(ast.parse(text)):
        for name in _imported(node):
            if any(name == m or name.startswith(m + ".") for m in CLIENT_MODULES):
                yield f"{relative}:{node.lineno} imports {name}"
        call = _called(node)
        if call in CONNECTING_CALLS and (relative, call) not in OPERATOR_CONNECTIONS:
            yield f"{relative}:{getattr(node, 'lineno', '?')} calls {call}()"


def test_only_the_outbound_guard_opens_connections_or_urls() -> None:
    problems = [
        problem
        for path in sorted(SOURCE.rglob("*.py"))
        if path != GUARD
        for problem in _problems(
            path.relative_to(SOURCE).as_posix(), path.read_text(encoding="utf-8")
        )
    ]
    assert problems == [], (
        "Requests to the outside must go through domstadt.core.outbound "
        "(OutboundPolicy / OutboundClient):\n" + "\n".join(problems)
    )


def test_the_check_sees_clients_and_connections_made_elsewhere() -> None:
    fetch = (SOURCE / "catalog" / "harvest" / "fetch.py").read_text(encoding="utf-8")
    assert list(_problems("catalog/harvest/fetch.py", fetch)) == []
    for line in (
        "import httpx",
        "from urllib.request import urlopen",
        "import http.client",
        "from requests import Session",
        "socket.create_connection(('10.0.0.1', 80))",
        "asyncio.open_connection('10.0.0.1', 80)",
    ):
        assert list(_problems("catalog/harvest/fetch.py", fetch + "\n" + line + "\n")), line
    publisher = "socket.create_connection((broker, 1883))\n"
    assert list(_problems("sensors/mqtt/publisher.py", publisher)) == []
