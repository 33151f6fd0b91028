"""Benchmark: one e-mail digest run and one webhook queue run over subscriptions to challenges
and events (issue 10, "follow"), on a temporary SQLite file or an empty PostgreSQL scratch
database. Mail goes to the outbox under a temporary data directory.

    .venv/bin/python benchmarks/subscriptions_follow.py [--targets 100] [--followers 1000]
        [--url postgresql://postgres@127.0.0.1:5432/SCRATCH]

``targets`` challenges and as many events are created through the service layer; each
follower follows one challenge and one event by e-mail and one event by webhook (rows written
directly: creating accounts is not what is measured). Then every challenge moves into the
jury phase (a schedule edit) and every event is cancelled, and the digest run and the webhook
queue run (no POSTs: the receiver is refused by the outbound guard) are timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import tempfile
import time
from pathlib import Path

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database, utcnow
from domstadt.core.migrate import upgrade
from domstadt.demo import core
from domstadt.participation import challenge_service, event_service
from domstadt.participation.challenges.schemas import ChallengeCreate, ChallengeUpdate
from domstadt.participation.events.schemas import EventCreate
from domstadt.subscriptions import delivery_service
from domstadt.subscriptions.models import Channel, Subscription
from domstadt.subscriptions.transport import DeliveryConfig

ACTOR = system_actor("benchmark")


def _targets(db: Database, count: int) -> tuple[list[int], list[int]]:
    now = utcnow()
    days = [now + dt.timedelta(days=d) for d in (-1, 30, 40, 50)]
    keys = ("submission_opens", "review_opens", "vote_opens", "results_at")
    challenges, events = [], []
    with db.session() as session:
        core.load(session, ACTOR)
        for i in range(count):
            c = challenge_service.challenge_create(
                session,
                actor=ACTOR,
                data=ChallengeCreate.model_validate(
                    {
                        "title": f"Wettbewerb {i}",
                        "question": "Wie geht es digitaler?",
                        "department": "DIG",
                        "criteria": [{"name": "Wirkung", "weight": 1}],
                        **dict(zip(keys, days, strict=True)),
                    }
                ),
            )
            e = event_service.event_create(
                session,
                actor=ACTOR,
                data=EventCreate.model_validate(
                    {
                        "title": f"Meetup {i}",
                        "kind": "meetup",
                        "department_code": "DIG",
                        "starts_at": now + dt.timedelta(days=20),
                        "ends_at": now + dt.timedelta(days=20, hours=2),
                    }
                ),
            )
            challenges.append(c.id)
            events.append(e.id)
    return challenges, events


def _follow(db: Database, followers: int, challenges: list[int], events: list[int]) -> None:
    now = utcnow()
    with db.session() as session:
        for i in range(followers):
            email = f"person{i}@example.org"
            for kind, target, channel in (
                ("challenge", challenges[i % len(challenges)], Channel.EMAIL),
                ("event", events[i % len(events)], Channel.EMAIL),
                ("event", events[(i + 1) % len(events)], Channel.WEBHOOK),
            ):
                webhook = channel == Channel.WEBHOOK
                session.add(
                    Subscription(
                        email="" if webhook else email,
                        target_kind=kind,
                        target_id=target,
                        channel=channel,
                        webhook_url=f"http://10.0.0.1/hook/{i}" if webhook else "",
                        secret=secrets.token_hex(8) if webhook else "",
                        token=secrets.token_urlsafe(24),
                        client_key="",
                        created_at=now,
                        confirmed_at=now,
                        cursor_at=now,
                        last_error="",
                    )
                )


def _change(db: Database, challenges: list[int], events: list[int]) -> None:
    now = utcnow()
    with db.session() as session:
        for cid in challenges:
            challenge_service.challenge_update(
                session,
                actor=ACTOR,
                challenge_id=cid,
                data=ChallengeUpdate(review_opens=now - dt.timedelta(minutes=1)),
            )
        for eid in events:
            event_service.event_cancel(session, actor=ACTOR, event_id=eid)


def main() -> None:
    """Build, change, time the runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(db)
        challenges, events = _targets(db, args.targets)
        _follow(db, args.followers, challenges, events)
        _change(db, challenges, events)
        settings = Settings(data_dir=Path(tmp) / "data", database_url=db.url)  # type: ignore[call-arg]
        config = DeliveryConfig.from_settings(settings)
        with db.session() as session:
            start = time.perf_counter()
            digest = delivery_service.send_digests(session, actor=ACTOR, config=config)
            digest_s = time.perf_counter() - start
        with db.session() as session:
            start = time.perf_counter()
            hooks = delivery_service.deliver_webhooks(session, actor=ACTOR, config=config)
            hooks_s = time.perf_counter() - start
        print(f"backend: {db.engine.dialect.name}, {args.targets} challenges + events, ")
        print(
            f"{args.followers * 3} subscriptions ({args.followers * 2} e-mail, "
            f"{args.followers} webhook)"
        )
        print(
            f"digest: {digest.messages_sent} mails, {digest.changes} changes in "
            f"{digest_s:.2f} s ({digest_s / max(digest.subscriptions, 1) * 1000:.1f} ms "
            "per subscription)"
        )
        print(
            f"webhooks: {hooks.queued} queued, {hooks.failed + hooks.retry_later} refused "
            f"by the guard, in {hooks_s:.2f} s"
        )
        db.dispose()


if __name__ == "__main__":
    main()
