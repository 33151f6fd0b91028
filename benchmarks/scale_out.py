"""Scale-out test (issue 16): three web processes behind HAProxy on PostgreSQL, two MQTT ingest
workers on the local Mosquitto, one job worker on Redis, under a mixed load; one web process
and one ingest worker are killed with SIGKILL and restarted during the run.

Usage: .venv/bin/python benchmarks/scale_out.py [--duration 300] [--users 12]
       [--mqtt-rate 25] [--pg postgresql://postgres@127.0.0.1:5432/postgres]
       [--redis redis://127.0.0.1:6379/0] [--mqtt mqtt://127.0.0.1:1883] [--keep-logs DIR]

Needs haproxy (Debian package ``haproxy``; run as a child process, not the system service),
PostgreSQL, Redis and an MQTT broker. Creates a fresh database (dropped at the end), uses an
empty Redis database (cleared at the end) and a topic root of its own. The web process is
killed at 30 % of the run, the ingest worker at 60 %; each is started again at once.

Afterwards it checks, and prints: every write that got a 2xx answer is in the database; every
MQTT Observation whose PUBACK arrived is stored exactly once (and no Observation twice); no
request failed except those in flight at the web kill; the restarted processes work again
(the web process answers through the proxy, the ingest worker stores messages) and the killed
ingest worker left no process behind; the job queue drains. Then min/median/p95/max latency
per request type. Exit code 0 when every check holds, 1 when one fails, 130 on Ctrl-C.
Everything is cleaned up in every case. Timings depend on the machine; not a test by itself
(tests/scale/test_scale_out.py runs a short version).
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import resource
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx
from _scale_checks import (
    Kill,
    check_failures,
    check_feedback,
    check_http_observations_once,
    check_mqtt,
    check_restarts,
    check_writes,
    latency_table,
    mqtt_counts,
)
from _scale_cluster import Cluster
from _scale_load import Fixture, Ledger, Load, Publisher

from domstadt.core.auth import service as auth
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import UserCreate
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.demo import core as demo_core
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import MeasureCreate

WEB_KILL_AT, INGEST_KILL_AT = 0.3, 0.6
SETTLE_SECONDS = 90.0


# --- setup ------------------------------------------------------------------------------------
def seed(db: Database, users: int, run_id: str) -> tuple[Fixture, list[int]]:
    """Departments, one editor (Amt 69) and one member with a token per virtual user, 20
    measures to comment on. Returns the fixture (Datastreams still empty) and member ids."""
    actor = system_actor("scale-out")
    editors: list[str] = []
    members: list[str] = []
    member_ids: list[int] = []
    measures: list[int] = []
    with db.session() as session:
        demo_core.load(session, actor)
        for i in range(users):
            for kind, role, dept in (("editor", Role.EDITOR, "69"), ("member", Role.MEMBER, None)):
                email = f"last.{kind}{i}@example.org"
                made = auth.user_create(
                    session,
                    actor=actor,
                    data=UserCreate(
                        email=email,
                        name=f"Last {kind.title()} {i}",
                        role=role,
                        password=f"Lastprobe-{run_id}-geheim",
                        department_code=dept,
                    ),
                )
                token = auth.token_create(session, actor=actor, name="scale", email=email).token
                (editors if role is Role.EDITOR else members).append(token)
                if role is Role.MEMBER:
                    member_ids.append(made.id)
        for n in range(20):
            data = MeasureCreate(code=f"SKAL-{n}", title=f"Skalierung {n}", lead_department="69")
            measures.append(measure_service.measure_create(session, actor=actor, data=data).id)
        session.commit()
    return Fixture(editors, members, measures, [], run_id), member_ids


def datastreams(base: str, token: str, count: int = 4) -> list[int]:
    """``count`` Things with one Datastream each, made through the proxy by an editor."""
    from _common import sta_thing

    ids = []
    with httpx.Client(base_url=base, timeout=60) as http:
        auth_header = {"Authorization": f"Bearer {token}"}
        for i in range(count):
            made = http.post("/sta/v1.1/Things", json=sta_thing(i), headers=auth_header)
            made.raise_for_status()
            thing = made.json()["@iot.id"]
            streams = http.get(f"/sta/v1.1/Things({thing})/Datastreams").json()["value"]
            ids.append(int(streams[0]["@iot.id"]))
    return ids


# --- the run ----------------------------------------------------------------------------------
async def run_load(
    cluster: Cluster, load: Load, seconds: float, kills: list[Kill], began: list[float]
) -> None:
    """The load for ``seconds`` while the killer kills and restarts at fixed fractions."""
    began.append(time.monotonic())
    await asyncio.gather(load.run(seconds), killer(cluster, seconds, kills, began[0]))


async def killer(cluster: Cluster, seconds: float, kills: list[Kill], began: float) -> None:
    """SIGKILL web process 1 at 30 % and ingest worker 0 at 60 % of the run; each is started
    again at once."""
    await asyncio.gather(
        kill_and_restart(cluster, "web", 1, began + WEB_KILL_AT * seconds, kills, began),
        kill_and_restart(cluster, "ingest", 0, began + INGEST_KILL_AT * seconds, kills, began),
    )


async def kill_and_restart(
    cluster: Cluster, role: str, index: int, when: float, kills: list[Kill], began: float
) -> None:
    """One SIGKILL at ``when`` and the restart; records the kill window."""
    await asyncio.sleep(max(0.0, when - time.monotonic()))
    at = time.monotonic()
    pid = cluster.kill(role, index)
    kill = Kill(role, index, pid, at)
    kills.append(kill)
    print(f"  {at - began:6.1f} s: SIGKILL {role} {index} (pid {pid}); starting it again")
    cluster.start(role, index)
    wait = cluster.wait_web if role == "web" else cluster.wait_ingest
    await asyncio.to_thread(wait, index)
    kill.back = time.monotonic()
    kill.leftovers = leftovers(pid)
    print(f"  {kill.back - began:6.1f} s: {role} {index} answers again")


def leftovers(pgid: int) -> str:
    """Processes still alive in the killed process's group (e.g. an orphaned writer child)."""
    alive = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(proc.name)
    return ", ".join(alive)


def settle(db: Database, ds: list[int], acked: set[float]) -> float:
    """Wait until every acknowledged MQTT result is stored (or SETTLE_SECONDS pass)."""
    began = time.monotonic()
    while time.monotonic() - began < SETTLE_SECONDS:
        if acked <= set(mqtt_counts(db, ds)):
            break
        time.sleep(0.5)
    return time.monotonic() - began


def wait_jobs_drained(cluster: Cluster, seconds: float = 60.0) -> str:
    """Empty when ``domstadt_jobs_waiting`` of web process 0 reaches 0, else the last value."""
    deadline, last = time.monotonic() + seconds, "no answer"
    while time.monotonic() < deadline:
        try:
            metrics = httpx.get(f"http://127.0.0.1:{cluster.web_ports[0]}/metrics", timeout=5)
            line = next(
                (x for x in metrics.text.splitlines() if x.startswith("domstadt_jobs_waiting")), ""
            )
            last = line.split()[-1] if line else "absent"
            if line and float(last) == 0:
                return ""
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(1)
    return last


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    ap.add_argument("--users", type=int, default=12, help="virtual users (= concurrency)")
    ap.add_argument("--mqtt-rate", type=float, default=25, help="MQTT messages per second")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--mqtt", default="mqtt://127.0.0.1:1883")
    ap.add_argument(
        "--own-broker",
        type=int,
        metavar="MAX_QUEUED",
        help="start a Mosquitto of our own with max_queued_messages MAX_QUEUED (0: no limit) "
        "instead of using --mqtt",
    )
    ap.add_argument("--keep-logs", type=Path, help="copy the processes' logs here at the end")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in logs
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM cleans up like Ctrl-C
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints where it hangs
    cluster = Cluster(pg_admin_url=args.pg, redis_url=args.redis, mqtt_url=args.mqtt)
    code = 1
    try:
        code = run(cluster, args)
    except KeyboardInterrupt:
        print("Interrupted; cleaning up.", file=sys.stderr)
        code = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop cleanup
        began = time.monotonic()
        problems = cluster.close(keep_logs=args.keep_logs)
        print(f"Cleaned up in {time.monotonic() - began:.1f} s")
        for problem in problems:
            print(f"CLEANUP FAILED: {problem}", file=sys.stderr)
        if problems and code == 0:
            code = 1
    return code


def run(cluster: Cluster, args: argparse.Namespace) -> int:
    """Set up, load, kill, check, report; 0 when every check holds."""
    t0 = time.monotonic()
    if args.own_broker is not None:
        args.mqtt = cluster.start_broker(args.own_broker)
    cluster.create_database()
    cluster.pick_redis_db()
    db = Database(cluster.database_url)
    upgrade(db)
    cluster.start_all()  # the processes import the app while the seed is written
    fixture, member_ids = seed(db, args.users, cluster.run_id)
    cluster.wait_ready()
    fixture.datastream_ids = datastreams(cluster.base, fixture.editor_tokens[0])
    print(
        f"Ready after {time.monotonic() - t0:.1f} s: 3 web processes behind HAProxy "
        f"({cluster.base}), 2 ingest workers, 1 job worker; database {cluster.db_name}, "
        f"Redis db {cluster.redis_db}, MQTT root {cluster.mqtt_root}"
    )
    ledger, kills, began = Ledger(), list[Kill](), list[float]()
    broker = urlsplit(args.mqtt)
    publisher = Publisher(
        broker.hostname or "127.0.0.1",
        broker.port or 1883,
        cluster.mqtt_root,
        fixture.datastream_ids,
        args.mqtt_rate,
    )
    publisher.start()
    print(
        f"Load: {args.users} users and {args.mqtt_rate:g} MQTT messages/s for {args.duration:g} s"
    )
    load = Load(cluster.base, fixture, args.users, ledger)
    try:
        asyncio.run(run_load(cluster, load, args.duration, kills, began))
    finally:
        publisher.stop()
    ended = time.monotonic() - began[0]
    waited = settle(db, fixture.datastream_ids, publisher.acked)
    print(f"Load over after {ended:.1f} s (restarts included); ingest settled in {waited:.1f} s")
    drained = wait_jobs_drained(cluster)
    checks = [
        *check_writes(db, ledger),
        check_feedback(db, ledger, member_ids),
        check_http_observations_once(db, ledger),
        *check_mqtt(db, fixture.datastream_ids, publisher),
        check_failures(ledger.samples, kills),
        *check_restarts(cluster, kills, ledger.samples),
        ("job queue drained", not drained, drained or "0 waiting"),
    ]
    db.dispose()
    errors = cluster.error_lines()
    print(f"Error lines in the processes' logs: {len(errors)}")
    for line in errors[:5]:
        print(f"  {line}")
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    used = cpu.ru_utime + cpu.ru_stime
    print(f"CPU of this script (load generator, publisher, checks): {used:.1f} s")
    for k in kills:
        print(
            f"Kill window {k.role} {k.index}: {k.at - began[0]:.2f} s to "
            f"{k.back - began[0]:.2f} s (killed to answering again)"
        )
    print()
    print(latency_table(ledger.samples, args.duration))
    print()
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    failed = [name for name, ok, _ in checks if not ok]
    print(f"\n{'ALL CHECKS PASSED' if not failed else f'{len(failed)} CHECK(S) FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
