"""Issue 12: rate limits per client address, token and app key on every API (native,
SensorThings, CKAN, DCAT): 429 with Retry-After and the RateLimit headers, shared across
worker processes through Redis when configured, in-process otherwise; trusted proxies."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

from domstadt.core import ratelimit
from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.ratelimit import MemoryCounters, Rate, RedisCounters
from domstadt.developers import app_service
from domstadt.developers.schemas import AppCreate, KeyCreate
from domstadt.web.app import create_app
from tests.conftest import make_token, make_user

REDIS_URL = os.environ.get("DOMSTADT_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="DOMSTADT_TEST_REDIS_URL not set")
API_PATHS = ["/api/v1/measures", "/sta/v1.1/Things", "/api/3/action/package_list", "/catalog.ttl"]


def _settings(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update=changes)


@pytest.fixture
def limited(settings: Settings, db: Database) -> Iterator[TestClient]:
    """An app allowing 3 anonymous requests, 2 per token and 4 per key of plan ``tiny`` (per
    day: fixed windows of a minute may turn over in the middle of a test)."""
    app = create_app(
        _settings(
            settings,
            rate_limit_anonymous="3/day",
            rate_limit_token="2/day",
            rate_limit_plans="tiny=4/day,big=1000/minute",
            rate_limit_default_plan="tiny",
        ),
        db,
    )
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _key(db: Database, owner: str = "dev@example.org", plan: str = "tiny") -> tuple[int, str]:
    """Register an app of ``owner`` on ``plan`` through the services; its id and a key."""
    user = make_user(db, owner)
    with db.session() as session:
        person = auth.actor_for_user(session, actor=system_actor("tests"), user_id=user.id)
        assert person is not None
        app = app_service.app_register(session, actor=person, data=AppCreate(name="App"), plan=plan)
        key = app_service.key_create(session, actor=person, app_id=app.id, data=KeyCreate(name="k"))
    return app.id, key.key


@pytest.mark.parametrize("path", API_PATHS)
def test_anonymous_callers_get_429_with_headers_after_the_limit(
    limited: TestClient, path: str
) -> None:
    for expected_remaining in ("2", "1", "0"):
        answer = limited.get(path)
        assert answer.status_code == 200, answer.text
        assert answer.headers["ratelimit-limit"] == "3"
        assert answer.headers["ratelimit-remaining"] == expected_remaining
        assert 1 <= int(answer.headers["ratelimit-reset"]) <= 86400
    refused = limited.get(path)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 86400
    assert refused.headers["ratelimit-remaining"] == "0"
    body = refused.json()
    message = (
        body.get("message")  # SensorThings
        or body.get("error", {}).get("message")  # native, CKAN, DCAT
    )
    assert "Zu viele Anfragen" in message and "3 Anfragen pro Tag" in message
    if path.startswith("/api/3/"):
        assert body["success"] is False and body["error"]["__type"] == "Rate Limit Error"
    if path.startswith("/sta/"):
        assert body["code"] == 429


def test_the_limit_is_shared_by_every_api_and_pages_stay_unlimited(limited: TestClient) -> None:
    for path in API_PATHS[:3]:
        assert limited.get(path).status_code == 200
    assert limited.get(API_PATHS[3]).status_code == 429
    for _ in range(5):
        page = limited.get("/massnahmen")
        assert page.status_code == 200 and "ratelimit-limit" not in page.headers
    assert limited.get("/status.json").status_code in {200, 503}


def test_tokens_and_keys_count_on_their_own(limited: TestClient, db: Database) -> None:
    for _ in range(3):
        limited.get("/api/v1/measures")
    assert limited.get("/api/v1/measures").status_code == 429  # this address is spent
    _app_id, key = _key(db)
    with_key = {"X-API-Key": key}
    for _ in range(4):
        answer = limited.get("/sta/v1.1/Things", headers=with_key)
        assert answer.status_code == 200 and answer.headers["ratelimit-limit"] == "4"
    refused = limited.get("/sta/v1.1/Things", headers=with_key)
    assert refused.status_code == 429 and "Plan tiny" in refused.json()["message"]
    token = {"Authorization": f"Bearer {make_token(db, 'dev@example.org')}"}
    assert limited.get("/api/v1/me", headers=token).headers["ratelimit-limit"] == "2"
    assert limited.get("/api/v1/me", headers=token).status_code == 200
    refused = limited.get("/api/v1/me", headers=token)
    assert refused.status_code == 429 and "API-Token" in refused.json()["error"]["message"]


def test_made_up_tokens_count_as_anonymous(limited: TestClient) -> None:
    for n in range(3):
        answer = limited.get("/api/v1/me", headers={"Authorization": f"Bearer dst_fake{n}"})
        assert answer.status_code == 401 and answer.headers["ratelimit-limit"] == "3"
    assert limited.get("/api/v1/me", headers={"Authorization": "Bearer dst_x"}).status_code == 429


def test_an_app_moved_to_a_bigger_plan_gets_its_rate(limited: TestClient, db: Database) -> None:
    app_id, key = _key(db)
    with db.session() as session:
        app_service.app_set_plan(
            session, actor=system_actor(), app_id=app_id, plan="big", plans=["tiny", "big"]
        )
    answer = limited.get("/api/v1/measures", headers={"X-API-Key": key})
    assert answer.headers["ratelimit-limit"] == "1000"


def _proxied(app: Any, peer: str, forwarded: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with TestClient(app, client=(peer, 40000)) as client:
        return client.get("/api/v1/measures", headers=headers).status_code


def test_forwarded_addresses_count_only_from_trusted_proxies(
    settings: Settings, db: Database
) -> None:
    app = create_app(
        _settings(settings, rate_limit_anonymous="2/day", trusted_proxies="10.0.0.0/24"), db
    )
    # Behind the trusted proxy each forwarded client has its own budget.
    assert [_proxied(app, "10.0.0.5", "203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert _proxied(app, "10.0.0.5", "203.0.113.8") == 200
    # An untrusted peer cannot pick a fresh address by sending the header.
    assert [_proxied(app, "198.51.100.1", f"192.0.2.{n}") for n in range(3)] == [200, 200, 429]


@needs_redis
def test_workers_share_counters_through_redis(settings: Settings, db: Database) -> None:
    configured = _settings(settings, redis_url=REDIS_URL, rate_limit_anonymous="3/day")
    workers = [create_app(configured, db), create_app(configured, db)]
    prefix = f"domstadt:test:{uuid.uuid4().hex}:"
    for app in workers:
        assert isinstance(app.state.rate_limiter.counters, RedisCounters)
        app.state.rate_limiter.counters.prefix = prefix  # this test's own keys
    with TestClient(workers[0]) as first, TestClient(workers[1]) as second:
        assert first.get("/api/v1/measures").headers["ratelimit-remaining"] == "2"
        assert second.get("/api/v1/measures").headers["ratelimit-remaining"] == "1"
        assert first.get("/sta/v1.1/Things").status_code == 200
        refused = second.get("/api/v1/measures")
        assert refused.status_code == 429 and "retry-after" in refused.headers


def test_without_redis_each_process_counts_alone(settings: Settings, db: Database) -> None:
    workers = [create_app(_settings(settings, rate_limit_anonymous="2/day"), db) for _ in "ab"]
    assert all(isinstance(a.state.rate_limiter.counters, MemoryCounters) for a in workers)
    with TestClient(workers[0]) as first, TestClient(workers[1]) as second:
        assert [first.get("/api/v1/measures").status_code for _ in range(3)] == [200, 200, 429]
        assert second.get("/api/v1/measures").status_code == 200


def test_an_unreachable_redis_falls_back_to_counting_in_process(
    settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _settings(settings, redis_url="redis://127.0.0.1:1/0", rate_limit_anonymous="2/day")
    with TestClient(create_app(broken, db)) as client:
        codes = [client.get("/api/v1/measures").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "fall back to this process" in caplog.text


def test_rates_are_checked_when_the_settings_are_read() -> None:
    with pytest.raises(ValueError, match="DOMSTADT_RATE_LIMIT_ANONYMOUS"):
        Settings(rate_limit_anonymous="viele")
    with pytest.raises(ValueError, match="DOMSTADT_RATE_LIMIT_DEFAULT_PLAN"):
        Settings(rate_limit_plans="gold=10/second", rate_limit_default_plan="standard")
    assert Rate.parse("100/5 minutes", setting="x") == Rate(100, 300)
    assert Rate.parse("off", setting="x") is None


def _redis_workers(settings: Settings, db: Database, rate: str, count: int = 2) -> list[Any]:
    """``count`` apps (worker processes) sharing this test's own Redis counters."""
    configured = _settings(settings, redis_url=REDIS_URL, rate_limit_anonymous=rate)
    workers = [create_app(configured, db) for _ in range(count)]
    prefix = f"domstadt:test:{uuid.uuid4().hex}:"
    for app in workers:
        app.state.rate_limiter.counters.prefix = prefix
    return workers


def _counted_in_redis(app: Any) -> int:
    counters = app.state.rate_limiter.counters
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return sum(int(client.get(k) or 0) for k in client.keys(f"{counters.prefix}*"))
    finally:
        client.close()


def _wait_until_counted(app: Any, expected: int) -> None:
    deadline = time.monotonic() + 10
    while _counted_in_redis(app) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _counted_in_redis(app) == expected


@needs_redis
def test_reads_with_room_left_are_added_in_redis_together_and_none_is_lost(
    settings: Settings, db: Database
) -> None:
    (app,) = _redis_workers(settings, db, "1000/day", count=1)
    counters = app.state.rate_limiter.counters
    # Slow flushes, long trust: all but the first in one round trip at shutdown.
    counters.flush_seconds = counters.fresh_seconds = 60.0
    real = counters._script
    added: list[int] = []

    def counting() -> Any:
        script = real()

        async def call(**kwargs: Any) -> Any:
            added.append(int(kwargs["args"][1]))
            return await script(**kwargs)

        return call

    counters._script = counting
    with TestClient(app) as client:
        remaining = [int(client.get("/api/v1/measures").headers["ratelimit-remaining"])]
        remaining += [
            int(client.get("/sta/v1.1/Things").headers["ratelimit-remaining"]) for _ in range(59)
        ]
    assert remaining == list(range(999, 939, -1))  # each answer counts the one before
    assert sum(added) == 60 and _counted_in_redis(app) == 60  # all in Redis after shutdown
    assert added == [1, 59]  # the first request asked Redis, the rest went together


@needs_redis
def test_near_the_limit_the_workers_together_pass_exactly_the_limit(
    settings: Settings, db: Database
) -> None:
    first_app, second_app = _redis_workers(settings, db, "20/day")
    with TestClient(first_app) as first, TestClient(second_app) as second:
        codes = [first.get("/api/v1/measures").status_code for _ in range(12)]
        _wait_until_counted(first_app, 12)  # the first worker's flush is in Redis
        codes += [second.get("/api/v1/measures").status_code for _ in range(12)]
        time.sleep(2 * ratelimit.FRESH_SECONDS)  # the first worker's last word is stale now
        codes += [first.get("/api/v1/measures").status_code for _ in range(3)]
    assert codes.count(200) == 20 and codes.count(429) == 7
    assert codes[-3:] == [429, 429, 429]  # the first worker asks Redis near the limit
