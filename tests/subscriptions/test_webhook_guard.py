"""Webhooks through the outbound guard (issue 14): every private-address spelling refused when
subscribing, in every environment; a name that resolves differently at delivery (DNS
rebinding) is refused at the connection and the internal receiver sees nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Environment, Settings
from domstadt.core.db import Database
from domstadt.core.outbound import REFUSED
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import MeasureUpdate
from domstadt.subscriptions import delivery_service
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import TEST_SECRET, make_token, make_user
from tests.core.outbound_servers import SPELLINGS, FakeDns, use_fake_dns
from tests.masterplan.conftest import add_measure
from tests.subscriptions.conftest import Hook

CITIZEN = "mara@rheinblick.example"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """Names without DNS here (``*.nip.io``, ``localtest.me``, ``rebind.test``) resolved by
    a resolver the guard uses instead of the system's, for this test only."""
    return use_fake_dns(monkeypatch, FakeDns({"rebind.test": [["93.184.216.34"], ["127.0.0.1"]]}))


def app_in(environment: Environment, db: Database, tmp_path: Path) -> TestClient:
    """The app as an operator runs it in ``environment``, without an outbound allowlist."""
    from domstadt.web.app import create_app

    settings = Settings(
        environment=environment,
        data_dir=tmp_path / environment,
        database_url=db.url,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings, db), base_url="http://testserver")


def subscribe(client: TestClient, token: str, measure_id: int, url: str) -> dict[str, object]:
    response = client.post(
        "/api/v1/subscriptions",
        json={"measure_id": measure_id, "channel": "webhook", "webhook_url": url},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, object] = response.json()
    return {"status": response.status_code, **body}


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_every_private_spelling_is_refused_when_subscribing(
    plan: Database, tmp_path: Path, dns: FakeDns, webhook: Hook, environment: Environment
) -> None:
    measure = add_measure(plan, code="SC-02", title="Offene Sensordaten")
    make_user(plan, CITIZEN)
    token = make_token(plan, CITIZEN)
    scheme = "https://" if environment == "production" else "http://"
    urls = [scheme + s.split("://", 1)[1] for s in SPELLINGS]
    urls.append(webhook.url.replace("http://", scheme))  # a live receiver on loopback
    with app_in(environment, plan, tmp_path) as client:
        answers = {url: subscribe(client, token, measure.id, url) for url in urls}
    wrong = {
        url: answer
        for url, answer in answers.items()
        if answer["status"] != 422
        or answer["error"] != {"code": "invalid", "message": REFUSED, "field": "webhook_url"}
    }
    assert wrong == {}
    assert webhook.received == []


def test_a_rebound_name_is_refused_at_delivery_and_nothing_arrives(
    plan: Database, client: TestClient, dns: FakeDns, webhook: Hook
) -> None:
    measure = add_measure(plan, code="SC-03", title="Luftmessnetz")
    make_user(plan, CITIZEN)
    token = make_token(plan, CITIZEN)
    port = webhook.url.split(":")[2].split("/")[0]
    created = subscribe(client, token, measure.id, f"http://rebind.test:{port}/hooks/domstadt")
    assert created["status"] == 201, created  # the name pointed at a public address then
    with plan.session() as session:
        measure_service.measure_update(
            session, actor=system_actor("t"), measure_id=measure.id, data=MeasureUpdate(progress=5)
        )
    at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with plan.session() as session:
        run = delivery_service.deliver_webhooks(
            session, actor=system_actor("t"), config=DeliveryConfig(), now=at
        )
    assert (run.queued, run.delivered, run.retry_later) == (1, 0, 1)
    assert webhook.received == []
    deliveries = client.get(
        f"/api/v1/subscriptions/{created['id']}/deliveries",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert [(d["last_status_code"], d["last_error"]) for d in deliveries] == [(None, REFUSED)]
    assert dns.asked.count("rebind.test") == 2
