"""Concurrent writers through a real server (issue 14): no 500, ever. Before, form routes
wrote to the database inside the event loop; one of them waiting for SQLite's write lock
stalled the loop, so the request holding the lock could not commit, and the waiter failed
after the busy timeout with 500 "database is locked" (and the pool ran dry)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from domstadt.core.auth.models import Organisation, Role
from domstadt.core.config import Settings
from domstadt.core.db import Database, Timeouts
from tests.conftest import PASSWORD, make_token, make_user
from tests.live import csrf_in, serving, signed_in
from tests.masterplan.conftest import add_measure

CLIENTS = 20
ROUNDS = 3


def _writer(base: str, email: str, token: str, measures: list[int], start: threading.Barrier):
    """Sign in, wait for the others, then per round: a feedback form (a form route) and an
    organisation registered through the API (a plain route)."""
    answers = []
    with signed_in(base, email, PASSWORD, timeout=120) as http:
        csrf = csrf_in(http.get(f"/massnahmen/{measures[0]}"))
        start.wait()
        for measure in measures:
            feedback = {"csrf_token": csrf, "relevance": "4", "stance": "support"}
            answers.append(http.post(f"/massnahmen/{measure}/feedback", data=feedback))
            organisation = {"name": f"Verein {email} {measure}", "kind": "association"}
            auth = {"Authorization": f"Bearer {token}"}
            answers.append(http.post("/api/v1/organisations", json=organisation, headers=auth))
    return answers


def test_concurrent_writers_get_no_500(plan: Database, settings: Settings) -> None:
    """20 people at once, each sending feedback forms and registering organisations: every
    answer is a success or a 503 with Retry-After, and every 201 is stored (nothing else)."""
    from domstadt.web.app import create_app

    measures = [add_measure(plan, code=f"DV-{i}", title=f"Maßnahme {i}").id for i in range(ROUNDS)]
    emails = [f"redaktion{i}@stadt-koeln.example" for i in range(CLIENTS)]
    for email in emails:
        make_user(plan, email, Role.EDITOR, department_code="DIG")
    tokens = [make_token(plan, email) for email in emails]
    web = Database(plan.url, Timeouts.for_web(settings))
    start = threading.Barrier(CLIENTS)
    with serving(create_app(settings, web)) as base, ThreadPoolExecutor(CLIENTS) as pool:
        people = zip(emails, tokens, strict=True)
        runs = [pool.submit(_writer, base, e, t, measures, start) for e, t in people]
        answers = [a for run in runs for a in run.result()]
    web.dispose()
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {201, 303, 503}, statuses
    assert all(a.headers.get("retry-after") for a in answers if a.status_code == 503)
    with plan.session() as session:
        stored = session.scalar(select(func.count()).select_from(Organisation))
    assert stored == statuses[201]
