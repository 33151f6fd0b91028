"""A real SMTP server (aiosmtpd) and a real HTTP server on 127.0.0.1 that capture what the
platform sends, and an app whose settings point at that SMTP server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import TEST_SECRET
from tests.masterplan.conftest import editor_token, plan

__all__ = ["editor_token", "plan"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        """Messages addressed to ``address``."""
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server; yields its inbox and port."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(db: Database, tmp_path: Path, smtp: tuple[Inbox, int]) -> Settings:
    """Test settings with the local SMTP server (no STARTTLS)."""
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=db.url,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_starttls=False,
        smtp_from="masterplan@stadt-koeln.example",
        base_url="http://domstadt.example",
    )


@pytest.fixture
def mail_client(mail_settings: Settings, db: Database) -> Iterator[TestClient]:
    """An app client whose e-mails go to the local SMTP server."""
    from domstadt.web.app import create_app

    with TestClient(create_app(mail_settings, db), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def config(mail_settings: Settings) -> DeliveryConfig:
    """Delivery configuration of the test app."""
    return DeliveryConfig.from_settings(mail_settings)


@dataclass
class Hook:
    """A webhook receiver: answers with ``statuses`` in turn (then 204), keeps requests."""

    statuses: list[int]
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def webhook() -> Iterator[Hook]:
    """A real HTTP server on 127.0.0.1 receiving webhook POSTs."""
    hook = Hook(statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hook.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(hook.statuses.pop(0) if hook.statuses else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/domstadt"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
