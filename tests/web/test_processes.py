"""Several processes, one platform (issue 16): two real ``domstadt serve`` servers on one
PostgreSQL database (and Redis and the test MQTT broker when configured), process A alone and
B with two workers. Whatever a person does through one must hold through the other: a
sign-in session, its CSRF token, sign-out, the sign-in and mail throttles, a similarity write,
the site search index, the catalogue counts and SensorThings MQTT notifications."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core as demo_core
from tests.conftest import PASSWORD, PG_URL, TEST_SECRET, _truncate_all, make_token, make_user
from tests.live import csrf_in, free_port, wait_for_server
from tests.sensors.conftest import STA, thing_payload
from tests.sensors.mqtt_client import MqttTestClient

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="DOMSTADT_TEST_DATABASE_URL not set: several processes need PostgreSQL"
)

STARTUP_SECONDS = 300  # a busy two-core machine imports the app slowly
MAX_FAILURES = 3
MAIL_PER_ADDRESS = 2
BROKER = os.environ.get("DOMSTADT_TEST_MQTT_URL", "")
MQTT_URL = f"{BROKER.rstrip('/')}/p{uuid.uuid4().hex[:12]}" if BROKER else ""
"""The test broker with a topic root of this module's own."""


def _environment(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        "DOMSTADT_DATABASE_URL": PG_URL,
        "DOMSTADT_SECRET_KEY": TEST_SECRET,
        "DOMSTADT_ENVIRONMENT": "test",
        "DOMSTADT_DATA_DIR": str(data_dir),
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
        "DOMSTADT_LOG_LEVEL": "WARNING",
        "DOMSTADT_LOGIN_MAX_FAILURES": str(MAX_FAILURES),
        "DOMSTADT_LOGIN_SLOWDOWN_SECONDS": "0",
        "DOMSTADT_SIGNUP_MAX_PER_ADDRESS": str(MAIL_PER_ADDRESS),
        "DOMSTADT_MQTT_URL": MQTT_URL,
        "DOMSTADT_MQTT_EMBEDDED": "false",
        "DOMSTADT_REDIS_URL": os.environ.get("DOMSTADT_TEST_REDIS_URL", ""),
    }
    return env


@pytest.fixture(scope="module")
def servers(
    pg_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Base URLs of process A (``serve``) and B (``serve --workers 2``), both serving."""
    _truncate_all(pg_database)
    with pg_database.session() as session:
        demo_core.load(session, system_actor("tests"))
    env = _environment(tmp_path_factory.mktemp("processes"))
    procs, bases = [], []
    for workers in (1, 2):
        port = free_port()
        command = [sys.executable, "-m", "domstadt", "serve", "--port", str(port)]
        procs.append(
            subprocess.Popen(
                [*command, "--workers", str(workers)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, proc in zip(bases, procs, strict=True):
            wait_for_server(base, proc, STARTUP_SECONDS)
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
        _truncate_all(pg_database)


def test_session_and_csrf_hold_in_every_process(
    servers: tuple[str, str], pg_database: Database
) -> None:
    a, b = servers
    make_user(pg_database, "anna@example.org", name="Anna Beispiel")
    with httpx.Client(base_url=a) as on_a:
        page = on_a.get("/login")
        form = {"email": "anna@example.org", "password": PASSWORD, "csrf_token": csrf_in(page)}
        assert on_a.post("/login", data=form).status_code == 303
        token = csrf_in(on_a.get("/konto"))
        with httpx.Client(base_url=b, cookies=on_a.cookies) as on_b:
            account = on_b.get("/konto")
            assert account.status_code == 200 and "Anna Beispiel" in account.text
            forged = on_b.post("/logout", data={"csrf_token": "x" * len(token)})
            assert forged.status_code == 403
            assert on_b.post("/logout", data={"csrf_token": token}).status_code == 303
        # the session ended in B is over in A too: the same cookie signs nobody in
        after = on_a.get("/konto")
        assert after.status_code == 303 and "/login" in after.headers["location"]


def test_sign_in_throttle_counts_across_processes(
    servers: tuple[str, str], pg_database: Database
) -> None:
    a, b = servers
    make_user(pg_database, "bert@example.org")
    with httpx.Client(base_url=a) as on_a, httpx.Client(base_url=b) as on_b:
        for client in (on_a, on_b, on_a):  # failures spread over both servers
            form = {"email": "bert@example.org", "password": "falsch", "csrf_token": ""}
            form["csrf_token"] = csrf_in(client.get("/login"))
            assert client.post("/login", data=form).status_code == 401
        form = {"email": "bert@example.org", "password": PASSWORD}
        form["csrf_token"] = csrf_in(on_b.get("/login"))
        locked = on_b.post("/login", data=form)
        assert locked.status_code == 429 and "Zu viele" in locked.text


def test_mail_throttle_counts_across_processes(servers: tuple[str, str]) -> None:
    a, b = servers
    body = {"email": "carla@example.org"}
    for base in (a, b)[:MAIL_PER_ADDRESS]:
        assert httpx.post(f"{base}/api/v1/password-reset", json=body).status_code == 202
    refused = httpx.post(f"{b}/api/v1/password-reset", json=body)
    assert refused.status_code == 429 and "Zu viele" in refused.json()["error"]["message"]


def _found(base: str, path: str, needle: str, seconds: float = 1.0) -> bool:
    """Whether ``needle`` appears in the answer to ``path`` within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if needle in httpx.get(base + path).text:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def test_a_write_in_one_process_is_found_by_the_other_within_a_second(
    servers: tuple[str, str], pg_database: Database
) -> None:
    a, b = servers
    make_user(pg_database, "erika@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    editor = {"Authorization": f"Bearer {make_token(pg_database, 'erika@stadt-koeln.example')}"}
    similar = "/api/v1/similar?q=Reparaturcafé+für+Laptops+in+Ehrenfeld"
    search = "/api/v1/search?q=Reparaturcafe"
    title = "Reparaturcafé Ehrenfeld"
    for base in (a, b):  # both processes have loaded their vectors and vocabulary
        assert title not in httpx.get(base + similar).text
        assert httpx.get(base + search).json()["total"] == 0
    created = httpx.post(
        f"{a}/api/v1/initiatives",
        json={"title": title, "description": "Laptops reparieren."},
        headers=editor,
    )
    assert created.status_code == 201, created.text
    assert _found(b, similar, title), "B's similarity vectors missed A's write"
    assert _found(b, search, title), "B's search vocabulary missed A's write"


@pytest.mark.skipif(not BROKER, reason="DOMSTADT_TEST_MQTT_URL not set: MQTT skipped")
def test_notifications_from_every_process_reach_the_broker(
    servers: tuple[str, str], pg_database: Database
) -> None:
    a, b = servers
    make_user(pg_database, "admin@stadt-koeln.example", Role.ADMIN)
    admin = {"Authorization": f"Bearer {make_token(pg_database, 'admin@stadt-koeln.example')}"}
    thing = httpx.post(f"{a}{STA}/Things", json=thing_payload(), headers=admin)
    assert thing.status_code == 201, thing.text
    streams = httpx.get(f"{a}{STA}/Things({thing.json()['@iot.id']})/Datastreams").json()
    ds = streams["value"][0]["@iot.id"]
    subscriber = MqttTestClient.for_url(MQTT_URL, [f"Datastreams({ds})/Observations"])
    try:
        for result, base in ((1, a), (2, b), (3, b)):
            body = {"result": result, "phenomenonTime": f"2026-01-01T00:0{result}:00Z"}
            url = f"{base}{STA}/Datastreams({ds})/Observations"
            assert httpx.post(url, json=body, headers=admin).status_code == 201
        deadline = time.monotonic() + 20
        path = f"Datastreams({ds})/Observations"
        while len(subscriber.on(path)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(o["result"] for o in subscriber.on(path)) == [1, 2, 3]
    finally:
        subscriber.close()


def test_catalogue_counts_cached_in_one_process_follow_a_write_in_another(
    servers: tuple[str, str], pg_database: Database
) -> None:
    a, b = servers
    make_user(pg_database, "kai@stadt-koeln.example", Role.ADMIN)
    admin = {"Authorization": f"Bearer {make_token(pg_database, 'kai@stadt-koeln.example')}"}
    listing = f"{b}/api/3/action/package_search"
    before = httpx.get(listing).json()["result"]["count"]
    assert httpx.get(listing).json()["result"]["count"] == before  # now served from B's cache
    body = {"name": "zaehlstellen", "title": "Zählstellen", "owner_org": "stadt-koeln-13"}
    created = httpx.post(
        f"{a}/api/3/action/package_create", json={**body, "license_id": "dl-by-de/2.0"},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 200, created.text
    assert httpx.get(listing).json()["result"]["count"] == before + 1
