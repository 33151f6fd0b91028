"""Real servers and sockets for outbound-guard tests: an HTTP server on any loopback address
(127.0.0.2 is routable on Linux too) with redirects, oversize, trickling and resetting
answers; a closed and a filtered port; and a resolver for names this sandbox cannot look up."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from domstadt.core import outbound

SPELLINGS = [
    "https://127.1",
    "http://2130706433",
    "http://0x7f000001",
    "http://0177.0.0.1",
    "http://0",
    "http://localhost.",
    "http://127.0.0.1.nip.io",
    "http://localtest.me",
    "http://127.0.0.1",
    "http://[::1]",
    "http://10.20.30.40",
    "http://169.254.169.254/latest/meta-data/",
    "http://192.168.178.1",
    "http://172.16.0.1",
    "http://[::ffff:127.0.0.1]",
    "http://0.0.0.0",
    "http://224.0.0.1",
    "http://localhost",
    "http://100.64.0.1",
    "http://[fe80::1]",
    "http://[fd00::1]",
    "http://[64:ff9b::7f00:1]",
    "http://[2002:7f00:1::]",
    "http://[::7f00:1]",
]
"""Private, loopback, link-local, multicast, shared and unspecified addresses in the
spellings the probe found (the first eight passed the old webhook filter) and more."""

_system_resolve = outbound.system_resolve


class FakeDns:
    """A resolver for names without DNS here: ``*.nip.io`` (the address in the name),
    ``localtest.me`` (loopback) and ``answers`` given per name in turn (the last one repeats);
    everything else is looked up by the system."""

    def __init__(self, answers: dict[str, list[list[str]]] | None = None) -> None:
        self.answers = answers or {}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        name = host.lower().rstrip(".")
        self.asked.append(name)
        if name in self.answers:
            turns = self.answers[name]
            return turns.pop(0) if len(turns) > 1 else turns[0]
        if name.endswith(".nip.io"):
            return [".".join(name.split(".")[-6:-2])]
        if name == "localtest.me" or name.endswith(".localtest.me"):
            return ["127.0.0.1"]
        return _system_resolve(host, port)


def use_fake_dns(monkeypatch: pytest.MonkeyPatch, dns: FakeDns | None = None) -> FakeDns:
    """Make the guard resolve through ``dns`` (default: a plain FakeDns) for one test."""
    fake = dns or FakeDns()
    monkeypatch.setattr(outbound, "system_resolve", fake)
    return fake


@dataclass
class Server:
    """A running test server: its base URL and the paths it was asked for."""

    base: str
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """The full URL of ``path``."""
        return self.base + path


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    for name, value in {"Content-Length": str(len(body)), **headers}.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def _chunked(handler: BaseHTTPRequestHandler, pieces: int, size: int, pause: float) -> None:
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for _ in range(pieces):
        handler.wfile.write(f"{size:x}\r\n".encode() + b"x" * size + b"\r\n")
        handler.wfile.flush()
        time.sleep(pause)
    handler.wfile.write(b"0\r\n\r\n")


def _reset(handler: BaseHTTPRequestHandler) -> None:
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def _answer(handler: BaseHTTPRequestHandler) -> None:
    """/ok, /redirect?to=URL, /loop, /big (2,000 bytes declared), /chunked (2,000 bytes
    undeclared), /trickle (30 bytes over 3 s), /reset (TCP reset)."""
    parts = urlsplit(handler.path)
    if parts.path == "/redirect":
        _send(handler, 302, b"", Location=parse_qs(parts.query)["to"][0])
    elif parts.path == "/loop":
        _send(handler, 302, b"", Location="/loop")
    elif parts.path == "/big":
        _send(handler, 200, b"x" * 2000)
    elif parts.path == "/chunked":
        _chunked(handler, 20, 100, 0)
    elif parts.path == "/trickle":
        _chunked(handler, 30, 1, 0.1)
    elif parts.path == "/reset":
        _reset(handler)
    else:
        _send(handler, 200, b"ok", Content_Type="text/plain")


@contextmanager
def http_server(host: str = "127.0.0.1", port: int = 0) -> Iterator[Server]:
    """An HTTP server on ``host`` (``port``: any free one) answering GET and POST as
    :func:`_answer` says."""
    server_hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_hits.append(self.path)
            with suppress(BrokenPipeError, ConnectionResetError):
                _answer(self)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://{host}:{server.server_address[1]}", server_hits)
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def filtered_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose accept queue is full, so new connections time out the way
    a firewall that drops packets makes them."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    waiting = []
    for _ in range(3):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        waiting.append(sock)
    try:
        yield port
    finally:
        for sock in waiting:
            sock.close()
        listener.close()
