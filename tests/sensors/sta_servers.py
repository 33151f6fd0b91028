"""A tiny http.server for harvest tests that answers fixed bodies with any status; a path
with a query string (``/p?x=1``) is answered before the bare path."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answers:
    """path → (status, content type, body); change them while the server runs."""

    table: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    base: str = ""
    hits: dict[str, int] = field(default_factory=dict)

    def set(
        self, path: str, body: str | bytes, ctype: str = "application/json", status: int = 200
    ) -> None:
        """Answer ``path`` with ``body``."""
        self.table[path] = (status, ctype, body.encode() if isinstance(body, str) else body)


@contextmanager
def answering() -> Iterator[Answers]:
    """Serve an Answers table on 127.0.0.1 (a free port) until the block ends."""
    answers = Answers()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path if self.path in answers.table else self.path.split("?", 1)[0]
            answers.hits[path] = answers.hits.get(path, 0) + 1
            status, ctype, body = answers.table.get(path, (404, "text/plain", b"not found"))
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    answers.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield answers
    finally:
        server.shutdown()
        server.server_close()
