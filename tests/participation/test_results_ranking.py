"""The ranking computed in SQL equals a brute-force ranking in Python (weighted jury means,
unscored criteria left out, tie rule: votes, then submission time, then id), on SQLite and
PostgreSQL; pages of it join up to the whole; late accounts' votes are not counted. A small
version of benchmarks/participation.py's check (no timings)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from sqlalchemy import insert, select

from domstadt.core.auth.models import Role, User
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.db import Database, utcnow
from domstadt.demo import core
from domstadt.participation import challenge_service
from domstadt.participation.challenges.models import (
    Juror,
    Score,
    Submission,
    SubmissionStatus,
    Vote,
)
from domstadt.participation.challenges.schemas import ChallengeCreate

WEIGHTS = [3.0, 1.0, 2.0]
ENTRIES, VOTERS, JURORS = 40, 300, 3


def _seed(db: Database, exclude_late: bool) -> dict[str, object]:
    rng, now = random.Random(5), utcnow()
    with db.session() as session:
        core.load(session, system_actor("tests"))
        cid = challenge_service.challenge_create(
            session,
            actor=system_actor("tests"),
            data=ChallengeCreate(
                title="Rangfolge",
                question="Welche Idee?",
                department="DIG",
                criteria=[{"name": f"K{i}", "weight": w} for i, w in enumerate(WEIGHTS)],
                submission_opens=now - dt.timedelta(days=40),
                review_opens=now - dt.timedelta(days=30),
                vote_opens=now - dt.timedelta(days=20),
                results_at=now - dt.timedelta(days=1),
                exclude_late_accounts=exclude_late,
            ),
        ).id
        # few distinct submission times and coarse scores, so ties happen on every rule
        times = [now - dt.timedelta(days=35, hours=rng.randint(0, 3)) for _ in range(ENTRIES)]
        session.execute(
            insert(Submission),
            [
                {
                    "challenge_id": cid,
                    "author_name": "P",
                    "title": f"Beitrag {i}",
                    "status": SubmissionStatus.DRAFT if i % 13 == 0 else SubmissionStatus.SUBMITTED,
                    "submitted_at": None if i % 13 == 0 else times[i],
                    "hidden_at": now if i % 17 == 5 else None,
                }
                for i in range(ENTRIES)
            ],
        )
        entries = list(
            session.scalars(
                select(Submission.id).where(
                    Submission.challenge_id == cid, Submission.status != SubmissionStatus.DRAFT
                )
            )
        )
        session.execute(
            insert(User),
            [
                {
                    "email": f"u{i}@rang.example",
                    "name": f"U{i}",
                    "password_hash": "!",
                    "role": Role.MEMBER,
                    "created_at": now - dt.timedelta(days=5 if i % 4 == 0 else 100),
                }
                for i in range(VOTERS + JURORS)
            ],
        )
        users = list(session.scalars(select(User.id).where(User.email.like("u%@rang.example"))))
        jurors, voters = users[:JURORS], users[JURORS:]
        session.execute(insert(Juror), [{"challenge_id": cid, "user_id": j} for j in jurors])
        scores = [
            (sid, j, c, rng.choice([2, 4, 6]))
            for sid in entries[:-3]  # the last three stay unscored
            for j in jurors
            for c in range(len(WEIGHTS))
            if not (c == 1 and sid % 2) and rng.random() < 0.8
        ]
        session.execute(
            insert(Score),
            [
                {"submission_id": s, "juror_id": j, "criterion": c, "value": v, "comment": ""}
                for s, j, c, v in scores
            ],
        )
        picks = {uid: rng.choice(entries[:12]) for uid in voters}
        session.execute(
            insert(Vote),
            [{"challenge_id": cid, "submission_id": s, "user_id": u} for u, s in picks.items()],
        )
        late = set(
            session.scalars(select(User.id).where(User.created_at > now - dt.timedelta(days=20)))
        )
        subs = {
            r.id: r
            for r in session.execute(
                select(Submission.id, Submission.submitted_at).where(Submission.id.in_(entries))
            )
        }
    return {"cid": cid, "scores": scores, "picks": picks, "late": late, "subs": subs}


def _brute_force(seeded: dict, exclude_late: bool) -> list[tuple[int, float | None, int]]:
    values: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for sid, _j, c, v in seeded["scores"]:
        values[sid][c].append(v)
    jury: dict[int, float] = {}
    for sid, per in values.items():
        total = sum(WEIGHTS[c] for c in per)
        jury[sid] = round(sum(WEIGHTS[c] * sum(v) / len(v) for c, v in per.items()) / total, 3)
    votes = Counter(
        s for u, s in seeded["picks"].items() if not (exclude_late and u in seeded["late"])
    )
    rows = [
        (sid, jury.get(sid), votes.get(sid, 0), sub.submitted_at)
        for sid, sub in seeded["subs"].items()
    ]
    rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0), -r[2], r[3], r[0]))
    return [(sid, score, n) for sid, score, n, _ in rows]


def test_sql_ranking_equals_brute_force(db: Database) -> None:
    seeded = _seed(db, exclude_late=False)
    with db.session() as session:
        result = challenge_service.results(session, actor=Actor(), challenge_id=seeded["cid"])
        pages = [
            challenge_service.results(
                session, actor=Actor(), challenge_id=seeded["cid"], limit=7, offset=o
            )
            for o in range(0, result.total, 7)
        ]
    expected = _brute_force(seeded, exclude_late=False)
    assert [(r.submission_id, r.jury_score, r.votes) for r in result.rows] == expected
    assert result.total == len(expected) and result.total_votes == VOTERS
    assert [r.place for r in result.rows] == list(range(1, len(expected) + 1))
    joined = [(r.place, r.submission_id) for p in pages for r in p.rows]
    assert joined == [(r.place, r.submission_id) for r in result.rows]
    hidden = [r for r in result.rows if r.title.startswith("[")]
    assert hidden, "hidden entries keep their place with the hidden title"


def test_late_accounts_are_not_counted(db: Database) -> None:
    seeded = _seed(db, exclude_late=True)
    with db.session() as session:
        result = challenge_service.results(session, actor=Actor(), challenge_id=seeded["cid"])
    expected = _brute_force(seeded, exclude_late=True)
    assert [(r.submission_id, r.jury_score, r.votes) for r in result.rows] == expected
    late_votes = sum(1 for u in seeded["picks"] if u in seeded["late"])
    assert late_votes and result.excluded_votes == late_votes
    assert result.total_votes == VOTERS - late_votes
