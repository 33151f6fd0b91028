"""A Domstadt app served by a real uvicorn server on a free loopback port (in a thread)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_server(base: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    """Return once the server process ``proc`` answers ``/healthz`` at ``base``; fail when it
    exits or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server at {base} exited with {proc.returncode}"
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"server at {base} did not answer in {seconds} s")


def csrf_in(page: httpx.Response) -> str:
    """The CSRF token of a rendered form."""
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


@contextmanager
def signed_in(base: str, email: str, password: str, **options: Any) -> Iterator[httpx.Client]:
    """An HTTP client of the server at ``base`` signed in as ``email`` through the form."""
    with httpx.Client(base_url=base, follow_redirects=False, **options) as client:
        page = client.get("/login")
        form = {"email": email, "password": password, "csrf_token": csrf_in(page)}
        assert client.post("/login", data=form).is_redirect
        yield client


@contextmanager
def serving(app: Any, port: int | None = None) -> Iterator[str]:
    """Serve ``app`` with uvicorn until the block ends; yields the base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
