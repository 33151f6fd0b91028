"""Local servers for harvest tests: a tiny http.server with fixed answers (RDF, data.json,
HTML, a slow endpoint, redirects) on any loopback address and a second Domstadt app (its own
SQLite file) as CKAN source."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from domstadt.catalog import harvest_service
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.outbound import OutboundPolicy
from tests.catalog.conftest import _free_port
from tests.conftest import TEST_SECRET
from tests.live import serving

REDIRECT = "redirect"
"""The content type of a Routes answer that is a redirect to its body."""
LOOPBACK = OutboundPolicy(allowed_hosts=("127.0.0.1",))
"""The outbound policy of tests whose sources are local servers on 127.0.0.1."""


def add_source(db: Database, name: str, url: str, type_: str, **extra: str) -> None:
    """Register a source of Amt 69 as the operator, with 127.0.0.1 allowed."""
    with db.session() as session:
        harvest_service.source_create(
            session,
            actor=system_actor("tests"),
            name=name,
            url=url,
            type=type_,
            outbound=LOOPBACK,
            department_code="69",
            **extra,
        )


@dataclass
class Routes:
    """path → (content type, body, delay in seconds); change them while the server runs.
    A path with a query string (``/p?page=2``) is answered before the bare path."""

    answers: dict[str, tuple[str, bytes, float]] = field(default_factory=dict)
    base: str = ""
    hits: dict[str, int] = field(default_factory=dict)

    def set(self, path: str, content_type: str, body: bytes | str, delay: float = 0.0) -> str:
        """Serve ``body`` at ``path``; returns the full URL."""
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = (content_type, data, delay)
        return self.base + path

    def redirect(self, path: str, location: str) -> str:
        """Answer ``path`` with 302 to ``location``; returns the full URL."""
        return self.set(path, REDIRECT, location)


@contextmanager
def static_server(host: str = "127.0.0.1") -> Iterator[Routes]:
    """http.server on ``host`` answering from a Routes table."""
    routes = Routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path if self.path in routes.answers else self.path.split("?", 1)[0]
            routes.hits[path] = routes.hits.get(path, 0) + 1
            answer = routes.answers.get(path)
            if answer is None:
                self.send_error(404)
                return
            ctype, body, delay = answer
            if delay:
                time.sleep(delay)
            try:
                if ctype == REDIRECT:
                    self.send_response(302)
                    self.send_header("Location", body.decode())
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    routes.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield routes
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def domstadt_server(template: Path, folder: Path) -> Iterator[tuple[str, Database]]:
    """A second Domstadt (own SQLite database) served by uvicorn; yields URL and database."""
    from domstadt.web.app import create_app

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "remote.sqlite3"
    shutil.copyfile(template, target)
    database = Database(f"sqlite:///{target}")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        environment="test",
        data_dir=folder / "data",
        database_url=database.url,
        secret_key=TEST_SECRET,
        base_url=base,
    )  # type: ignore[arg-type]
    try:
        with serving(create_app(settings, database), port):
            yield base, database
    finally:
        database.dispose()
