"""Deadline alerts: a person follows the funding deadlines of a department's measures; the
e-mail digest says "2 Programme, die zu Ihren Maßnahmen passen, enden in 30 Tagen" once the
deadlines are 30 days away, and only then."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from domstadt import funding_match_service
from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.subscriptions import delivery_service, tasks
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import make_token, make_user
from tests.funding.conftest import run_import
from tests.mail_outbox import newest_to
from tests.masterplan.conftest import add_measure

SYSTEM = system_actor("tests")


def test_digest_names_programmes_whose_deadline_is_30_days_away(
    db: Database, client: TestClient, settings: Settings, plan: Database
) -> None:
    soon = dt.date.today() + dt.timedelta(days=40)
    later = dt.date.today() + dt.timedelta(days=200)
    csv = (
        "Titel;Ebene;Antragsberechtigte;Frist;Beschreibung\n"
        f"Kommunale Datenplattformen;Bund;Kommunen;{soon:%d.%m.%Y};Datenplattform für Städte\n"
        f"Datenplattform Modellkommunen;Land;Kommunen;{soon + dt.timedelta(days=2):%d.%m.%Y};"
        "Urbane Datenplattform\n"
        f"Datenplattform später;Bund;Kommunen;{later:%d.%m.%Y};Datenplattform\n"
    )
    run_import(plan, csv.encode(), "fristen.csv")
    add_measure(plan, code="DV-93", title="Urbane Datenplattform für Köln")
    with plan.session() as session:
        counts = funding_match_service.rematch_measures(session, actor=SYSTEM)
        dig = directory.department_get(session, actor=SYSTEM, code="DIG").id
    assert counts == {"measures": 1, "without_programme": 0}
    make_user(plan, "ayse@example.org")
    token = make_token(plan, "ayse@example.org")
    follow = client.post(
        "/api/v1/subscriptions",
        json={"target_kind": "funding_deadlines", "target_id": dig},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert follow.status_code in (200, 201), follow.text
    assert tasks.run_digests(settings)["messages_sent"] == 0  # 40 days away: not yet
    config = DeliveryConfig.from_settings(settings)
    with plan.session() as session:
        run = delivery_service.send_digests(
            session, actor=SYSTEM, config=config,
            now=dt.datetime.now(dt.UTC) + dt.timedelta(days=13),
        )  # fmt: skip
    assert run.messages_sent == 1
    body = newest_to(settings, "ayse@example.org").body
    assert "2 Programme, die zu Ihren Maßnahmen passen, enden in 30 Tagen" in body
    assert "Kommunale Datenplattformen" in body and "Datenplattform später" not in body
