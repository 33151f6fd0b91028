"""Concurrent voters: every account votes twice at the same moment from two threads; the
unique constraint lets exactly one vote per account through and the rest answer 409."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.db_errors import unavailable
from domstadt.core.errors import Conflict, Unavailable
from domstadt.participation import vote_service
from domstadt.participation.challenges.models import Vote
from domstadt.participation.challenges.schemas import VoteIn
from tests.conftest import make_user
from tests.participation.conftest import move_to, new_challenge, submit

VOTERS = 12


def test_threads_voting_count_each_account_once(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    subs = [submit(client, people[n], cid, f"Idee von {n}") for n in ("ayse", "tom")]
    move_to(client, people["editor"], cid, "vote")
    actors = []
    for i in range(VOTERS):
        user = make_user(db, f"voter{i}@example.org", name=f"Voter {i}")
        with db.session() as session:
            actors.append(
                auth.actor_for_user(session, actor=system_actor("tests"), user_id=user.id)
            )
    barrier = threading.Barrier(VOTERS * 2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def vote(index: int, choice: int) -> None:
        barrier.wait()
        for _attempt in range(20):
            try:
                with db.session() as session:
                    vote_service.vote_cast(
                        session,
                        actor=actors[index],
                        challenge_id=cid,
                        data=VoteIn(submission_id=subs[choice]),
                    )
                result = "created"
            except Conflict:
                result = "conflict"
            except Unavailable:
                continue
            except Exception as exc:  # a lost unique race must be Conflict, never a crash
                if unavailable(exc, 1) is not None:
                    continue
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)
            return

    threads = [threading.Thread(target=vote, args=(i, c)) for i in range(VOTERS) for c in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(outcomes)) == ["conflict", "created"], outcomes
    assert outcomes.count("created") == VOTERS and outcomes.count("conflict") == VOTERS
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == VOTERS
