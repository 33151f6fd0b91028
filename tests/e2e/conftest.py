"""Fixtures for the browser tests: a real Domstadt server and Debian's Chromium via Playwright.

The server runs as a subprocess on a free loopback port, with its own temporary data
directory (SQLite), the demo data and one admin account. Playwright drives the system
Chromium (``apt-get install chromium``); Playwright's own browser downloads are never used.
See docs/frontend.md.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.demo_snapshot import DemoSnapshot

from .hostile import Hostile, make_all
from .support import (
    ADMIN_EMAIL,
    ADMIN_NAME,
    ADMIN_PASSWORD,
    CLI_TIMEOUT,
    DEFAULT_TIMEOUT_MS,
    REPO_ROOT,
    SERVER_START_TIMEOUT,
    login,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# --------------------------------------------------------------------------- the server


@dataclass
class LiveServer:
    """A running ``domstadt serve`` subprocess."""

    base_url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path, base_url: str) -> dict[str, str]:
    # Start from a clean slate: a developer's DOMSTADT_DATABASE_URL etc. must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOMSTADT_")}
    env.update(
        {
            "DOMSTADT_DATA_DIR": str(data_dir),
            "DOMSTADT_ENVIRONMENT": "test",
            "DOMSTADT_BASE_URL": base_url,
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    src = str(REPO_ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "domstadt.cli", *args]


def _run_cli(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run one ``domstadt`` command; its standard output, or the test fails with it."""
    cmd = _cli(*args)
    proc = subprocess.run(
        cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False
    )
    if proc.returncode != 0:
        pytest.fail(
            f"server setup failed: `domstadt {' '.join(args)}` exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    return proc.stdout


def _healthz(url: str) -> str:
    """'200' when healthy, else what the server answered (or why it did not)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"no answer ({exc})"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # our own process group (start_new_session)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, demo_snapshot: DemoSnapshot
) -> Iterator[LiveServer]:
    """A copy of the run's demo installation (loaded by `domstadt demo load`,
    tests/demo_snapshot.py), the admin made by the CLI, served on a free port; stopped at the
    end."""
    data_dir = tmp_path_factory.mktemp("domstadt-e2e")
    demo_snapshot.copy_installation(data_dir)  # the default database place in the data dir
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _server_env(data_dir, base_url)
    # cwd is the data dir, so that no developer .env file is read by the server.
    _run_cli(
        [
            "user",
            "create",
            ADMIN_EMAIL,
            "--name",
            ADMIN_NAME,
            "--role",
            "admin",
            "--password",
            ADMIN_PASSWORD,
        ],
        env,
        data_dir,
    )
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _cli("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            cwd=data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(base_url=base_url, data_dir=data_dir, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while (answer := _healthz(server.url("/healthz"))) != "200":
            if process.poll() is not None:
                pytest.fail(
                    f"`domstadt serve` exited with {process.returncode} before /healthz "
                    f"answered.\n--- server log ---\n{server.log_tail()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"GET /healthz did not answer 200 within {SERVER_START_TIMEOUT:.0f} s "
                    f"(last: {answer}).\n--- server log ---\n{server.log_tail(40)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        _warm_up(server)
        yield server
    finally:
        _stop(process)


WARM_UP_TIMEOUT = 180.0


def _warm_up(server: LiveServer) -> None:
    """Open one AI screening page before the browser tests: the first one of a process
    embeds the whole best-practice library with the text model (its similar cases and the
    proposal's facts; 84 practices in the demo), which on a loaded 2-core box takes longer than
    a page load may in the tests. Later pages embed only their measure's text."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(server.url("/massnahmen/1/ki-pruefung"), timeout=WARM_UP_TIMEOUT) as answer:
        assert answer.status == 200


# --------------------------------------------------------------------------- the browser


def new_context(browser: Browser, server: LiveServer, **kwargs: Any) -> BrowserContext:
    """A fresh, German-speaking browser context pointed at the live server."""
    context = browser.new_context(base_url=server.base_url, locale="de-DE", **kwargs)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """An anonymous context that honours the app's Content-Security-Policy."""
    ctx = new_context(browser, live_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@dataclass
class PageProblems:
    """What went wrong in the page while a test ran (listeners attached by the fixture)."""

    js_errors: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)


@pytest.fixture
def page_problems(page: Page, live_server: LiveServer) -> PageProblems:
    problems = PageProblems()
    local_prefix = live_server.base_url + "/"

    def on_request(request: Any) -> None:
        if not request.url.startswith(("data:", "blob:", "about:", local_prefix)):
            problems.external_requests.append(f"{request.resource_type} {request.url}")

    def on_response(response: Any) -> None:
        request = response.request
        if (
            response.url.startswith(local_prefix)
            and request.resource_type != "document"
            and response.status >= 400
        ):
            problems.failed_local.append(
                f"{request.resource_type} {response.url}: {response.status}"
            )

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.csp_errors.append(message.text)

    page.on("pageerror", lambda exc: problems.js_errors.append(str(exc)))
    page.on("console", on_console)
    page.on("request", on_request)
    page.on("response", on_response)
    return problems


@pytest.fixture
def axe_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """An anonymous page with CSP bypassed, so that axe-core can be injected inline."""
    ctx = new_context(browser, live_server, bypass_csp=True)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture(scope="session")
def admin_storage_state(
    browser: Browser, live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Cookies of a signed-in admin session, made once by logging in through the form."""
    from playwright.sync_api import expect

    ctx = new_context(browser, live_server)
    try:
        tab = ctx.new_page()
        login(tab, ADMIN_EMAIL, ADMIN_PASSWORD)
        expect(tab.locator("header").first).to_contain_text(ADMIN_NAME)
        path = tmp_path_factory.mktemp("admin-session") / "storage.json"
        ctx.storage_state(path=path)
    finally:
        ctx.close()
    return path


@pytest.fixture
def admin_page(
    browser: Browser, live_server: LiveServer, admin_storage_state: Path
) -> Iterator[Page]:
    """A page signed in as the admin; CSP is bypassed so that axe-core can be injected."""
    ctx = new_context(browser, live_server, storage_state=admin_storage_state, bypass_csp=True)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture(scope="session")
def admin_token(live_server: LiveServer) -> str:
    """An API token of the admin, made with ``domstadt token create`` like an operator would."""
    env = _server_env(live_server.data_dir, live_server.base_url)
    output = _run_cli(["token", "create", ADMIN_EMAIL, "--name", "e2e"], env, live_server.data_dir)
    return output.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def hostile(live_server: LiveServer, admin_token: str) -> Hostile:
    """Records whose every visible text is an HTML/script payload (tests/e2e/hostile.py)."""
    return make_all(live_server.base_url, admin_token)


@pytest.fixture
def strict_admin_page(
    browser: Browser, live_server: LiveServer, admin_storage_state: Path
) -> Iterator[Page]:
    """A page signed in as the admin that honours the app's Content-Security-Policy."""
    ctx = new_context(browser, live_server, storage_state=admin_storage_state)
    yield ctx.new_page()
    ctx.close()
