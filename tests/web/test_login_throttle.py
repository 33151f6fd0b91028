"""Sign-in throttle: the source of the guessing is locked, never the account; client addresses
come from the peer unless it is a trusted proxy (DOMSTADT_TRUSTED_PROXIES), also under
``domstadt serve`` (uvicorn)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from domstadt.core import config
from domstadt.core.auth.throttle import client_key, slowdown
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.web.app import create_app
from tests.conftest import PASSWORD, csrf_of, make_user
from tests.e2e.conftest import _cli, _free_port, _healthz, _run_cli, _server_env

ATTACKER = ("203.0.113.7", 40000)
OWNER = ("198.51.100.2", 40001)
PROXY = ("10.0.0.5", 40002)


@pytest.fixture(autouse=True)
def no_slowdown(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Accounts with many failures answer at once here (the wait itself: test_slowdown_steps)."""
    monkeypatch.setenv("DOMSTADT_LOGIN_SLOWDOWN_SECONDS", "0")
    config.get_settings.cache_clear()
    yield
    config.get_settings.cache_clear()


def _client(settings: Settings, db: Database, peer: tuple[str, int]) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver", client=peer)


def _sign_in(client: TestClient, email: str, password: str, **headers: str) -> int:
    token = csrf_of(client, "/login")
    answer = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    return answer.status_code


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(settings: Settings, db: Database) -> None:
    make_user(db, "ada@example.org")
    attacker, owner = _client(settings, db, ATTACKER), _client(settings, db, OWNER)
    assert [_sign_in(attacker, "ada@example.org", f"guess {i}") for i in range(5)] == [401] * 5
    assert _sign_in(attacker, "ada@example.org", PASSWORD) == 429  # this source is locked
    assert _sign_in(owner, "ada@example.org", PASSWORD) == 303  # the owner is not


def test_one_address_spraying_many_accounts_is_locked(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOMSTADT_LOGIN_MAX_FAILURES_PER_CLIENT", "6")
    config.get_settings.cache_clear()
    make_user(db, "ada@example.org")
    attacker, owner = _client(settings, db, ATTACKER), _client(settings, db, OWNER)
    tried = [_sign_in(attacker, f"person{i}@example.org", "Sommer2024!") for i in range(6)]
    assert tried == [401] * 6
    answer = attacker.post(
        "/login",
        data={
            "email": "ada@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_of(attacker, "/login"),
        },
    )
    assert answer.status_code == 429 and "Zu viele fehlgeschlagene Anmeldeversuche" in answer.text
    assert _sign_in(owner, "ada@example.org", PASSWORD) == 303


def test_forwarded_for_counts_only_behind_a_trusted_proxy(settings: Settings, db: Database) -> None:
    make_user(db, "ada@example.org")
    behind = settings.model_copy(update={"trusted_proxies": "10.0.0.0/24"})
    proxy = _client(behind, db, PROXY)
    spoofed = {"X-Forwarded-For": "198.51.100.2, 203.0.113.9"}  # first entry made up by client
    assert [_sign_in(proxy, "ada@example.org", "x", **spoofed) for _ in range(5)] == [401] * 5
    assert _sign_in(proxy, "ada@example.org", PASSWORD, **spoofed) == 429
    other = {"X-Forwarded-For": "198.51.100.2, 203.0.113.10"}  # another real client
    assert _sign_in(proxy, "ada@example.org", PASSWORD, **other) == 303
    direct = _client(behind, db, ATTACKER)  # not a proxy: its header is ignored
    rotating = [
        _sign_in(direct, "ada@example.org", "x", **{"X-Forwarded-For": f"192.0.2.{i}"})
        for i in range(6)
    ]
    assert rotating == [401] * 5 + [429]


def test_a_trusted_proxy_also_tells_the_scheme(settings: Settings, db: Database) -> None:
    behind = settings.model_copy(update={"trusted_proxies": "10.0.0.5"})
    landing = _client(behind, db, PROXY).get("/sta/v1.1/", headers={"X-Forwarded-Proto": "https"})
    assert landing.json()["value"][0]["url"].startswith("https://testserver/sta/v1.1/")
    untrusted = _client(behind, db, ATTACKER).get(
        "/sta/v1.1/", headers={"X-Forwarded-Proto": "https"}
    )
    assert untrusted.json()["value"][0]["url"].startswith("http://testserver/")


def test_trusted_proxies_must_be_addresses() -> None:
    with pytest.raises(ValueError, match="DOMSTADT_TRUSTED_PROXIES"):
        Settings(trusted_proxies="10.0.0.5, proxy.local")


def test_slowdown_steps_and_ipv6_ranges() -> None:
    assert [slowdown(n, 5, 1.0) for n in (4, 5, 6, 7, 20)] == [0, 1, 2, 4, 10]
    assert slowdown(50, 5, 0) == 0
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``domstadt serve`` (uvicorn) on loopback without trusted proxies."""
    data_dir: Path = tmp_path_factory.mktemp("throttle-serve")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _server_env(data_dir, base) | {
        "DOMSTADT_MQTT_EMBEDDED": "false",
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
        "DOMSTADT_LOGIN_MAX_FAILURES_PER_CLIENT": "5",
        "DOMSTADT_LOGIN_SLOWDOWN_SECONDS": "0",
    }
    _run_cli(["db", "upgrade"], env, data_dir)
    command = _cli("serve", "--host", "127.0.0.1", "--port", str(port))
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=data_dir, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while _healthz(f"{base}/healthz") != "200":
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_served_app_ignores_forwarded_for_from_a_local_peer(served: str) -> None:
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 by default; `serve` must not, or a client
    on the host rotates the header and is never locked."""
    with httpx.Client(base_url=served, trust_env=False) as http:
        page = http.get("/login").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answers = [
            http.post(
                "/login",
                data={"email": f"p{i}@example.org", "password": "x", "csrf_token": token},
                headers={"X-Forwarded-For": f"192.0.2.{i}"},
            ).status_code
            for i in range(6)
        ]
    assert answers == [401] * 5 + [429]
