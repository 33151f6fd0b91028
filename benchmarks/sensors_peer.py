"""Domstadt vs django-ogc-sensorthings (PyPI), both on SQLite (or both on PostgreSQL), both
served by uvicorn on 127.0.0.1.

Usage: .venv/bin/python benchmarks/sensors_peer.py [--rows 20000] [--posts 300] [--fill 100000]
       [--postgres URL --peer-postgres URL --datastreams 1000 --step-minutes 60]

With ``--postgres`` (Domstadt's scratch database) and ``--peer-postgres`` (the peer's), both
wiped, each system runs on PostgreSQL and is filled server-side with SQL instead of HTTP
(``--datastreams`` copies of the read datastream, ``--fill`` rows in all, in time order with
every datastream interleaved; Domstadt through ``sensors_pg.fill``, the peer with one
``INSERT … SELECT`` into its own observation table, ids time-ordered like its uuid7), since
10^7 rows through either HTTP API would not load in the time at hand.

In a temporary directory the script
1. builds a Domstadt database (migrations, an admin with an API token) and starts
   ``domstadt serve`` on a free port;
2. creates a virtualenv, installs ``django-ogc-sensorthings==1.2.0`` and uvicorn from PyPI,
   writes a minimal Django project (settings with SQLite, the SensorThings apps and the
   dataArray extension, urls, asgi), runs ``migrate`` and serves it with uvicorn;
3. on both: creates one Thing with a Datastream (deep insert), ingests ``--rows`` observations
   via ``POST /CreateObservations`` (batches of 1,000 rows; every request body is encoded
   before the clock starts, so the client's own JSON work is not timed), ``--posts`` single
   ``POST /Observations``, fills the datastream to ``--fill`` observations, then measures
   p50/p95 of "latest 100" and of a 1,000-row time range (50 requests each);
   Single POSTs are measured twice: with the Python client above, and with ``wrk`` (C; one
   connection, back to back, ``--wrk-seconds``; Debian package ``wrk``, skipped when absent),
   which takes the client's own cost out of the comparison;
4. samples the resident memory of the Domstadt server process (with children) every 20 ms
   with psutil and reports the peak.
Prints a Markdown table for docs/benchmarks.md. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import sensors_peer_pg
import sensors_pg
from _common import free_port, p50_p95, sta_thing, wait_for
from sqlalchemy import text

from domstadt.core.auth import service as auth
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import UserCreate
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade

START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=5)
BATCH = 1000
PEER = "django-ogc-sensorthings==1.2.0"
SECRET = "bench-secret-0123456789-0123456789-abcdef"
JSON_HEADERS = {"Content-Type": "application/json"}


def _z(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Target:
    """One server: base URL, auth headers, how ids are written in URLs."""

    def __init__(self, name: str, base: str, headers: dict[str, str], quote: str) -> None:
        self.name = name
        self.base = base
        self.client = httpx.Client(headers=headers, timeout=120)
        self.quote = quote
        self.ds = ""
        self.ds_raw: Any = None
        self.fill: Any = None
        """PostgreSQL: fills the table with SQL (``fill(ds_raw, args)``: rows added)."""

    def key(self, value: Any) -> str:
        return f"{self.quote}{value}{self.quote}"

    def setup(self) -> None:
        response = self.client.post(f"{self.base}/Things", json=sta_thing())
        response.raise_for_status()
        link = response.headers["location"]
        streams = self.client.get(f"{link}/Datastreams").json()["value"]
        self.ds_raw = streams[0]["@iot.id"]
        self.ds = self.key(self.ds_raw)

    def bulk_bodies(self, first: int, count: int, batch: int = BATCH) -> list[bytes]:
        """CreateObservations bodies of ``batch`` rows each, encoded before any timing."""
        bodies = []
        for start in range(first, first + count, batch):
            rows = [[_z(START + STEP * k), float(k % 97)] for k in range(start, start + batch)]
            group = {
                "Datastream": {"@iot.id": self.ds_raw},
                "components": ["phenomenonTime", "result"],
                "dataArray": rows,
            }
            bodies.append(json.dumps([group]).encode())
        return bodies

    def single_bodies(self, first: int, count: int) -> list[bytes]:
        """Single-Observation bodies, encoded before any timing."""
        return [
            json.dumps(
                {
                    "phenomenonTime": _z(START + STEP * k),
                    "result": float(k % 97),
                    "Datastream": {"@iot.id": self.ds_raw},
                }
            ).encode()
            for k in range(first, first + count)
        ]

    def send(self, path: str, bodies: list[bytes], ok: set[int]) -> None:
        """POST each body as JSON; every answer must have a status in ``ok``."""
        url = f"{self.base}/{path}"
        for body in bodies:
            response = self.client.post(url, content=body, headers=JSON_HEADERS)
            assert response.status_code in ok, response.text[:500]

    def stored(self) -> int:
        """The datastream's Observations as the server counts them (``$count``)."""
        url = f"{self.base}/Datastreams({self.ds})/Observations"
        response = self.client.get(url, params={"$count": "true", "$top": "1"})
        response.raise_for_status()
        return int(response.json()["@iot.count"])

    def latest(self, ordered: bool = True) -> None:
        url = f"{self.base}/Datastreams({self.ds})/Observations"
        params = {"$orderby": "phenomenonTime desc", "$top": "100"}
        if not ordered:
            del params["$orderby"]
        response = self.client.get(url, params=params)
        assert response.status_code == 200, f"HTTP {response.status_code}"
        assert len(response.json()["value"]) == 100

    def time_range(self, middle: int, ordered: bool = True) -> None:
        lo, hi = START + STEP * middle, START + STEP * (middle + 1000)
        params = {
            "$filter": f"phenomenonTime ge {_z(lo)} and phenomenonTime lt {_z(hi)}",
            "$top": "1000",
            "$orderby": "phenomenonTime",
        }
        if not ordered:
            del params["$orderby"]
        url = f"{self.base}/Datastreams({self.ds})/Observations"
        response = self.client.get(url, params=params)
        assert response.status_code == 200, f"HTTP {response.status_code}"
        assert len(response.json()["value"]) == 1000, len(response.json()["value"])


WRK_SCRIPT = """
counter = 0
init = function(args)
  link = args[1]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if args[2] ~= "" then wrk.headers["Authorization"] = args[2] end
end
request = function()
  counter = counter + 1
  local t = os.date("!%Y-%m-%dT%H:%M:%SZ", 1900000000 + counter * 60)
  local body = string.format(
    '{"phenomenonTime":"%s","result":%d,"Datastream":{"@iot.id":%s}}', t, counter % 97, link)
  return wrk.format(nil, nil, nil, body)
end
"""


def _wrk_single(target: Target, seconds: int) -> tuple[float, float, int]:
    """Single POSTs from wrk (C, one connection, one request at a time, a new phenomenonTime
    per request): requests/s, mean latency in ms and the count of non-2xx answers. Takes the
    Python client's own cost (~1 ms a request here) out of the comparison."""
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(WRK_SCRIPT)
    link = json.dumps(target.ds_raw)
    auth = target.client.headers.get("authorization", "")
    command = ["wrk", "-t1", "-c1", f"-d{seconds}s", "--latency", "-s", str(script)]
    text = subprocess.run(
        [*command, f"{target.base}/Observations", "--", link, auth],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(text.split("Requests/sec:")[1].split()[0])
    latency = text.split("Latency")[1].split()[0]
    mean_ms = float(latency[:-2]) if latency.endswith("ms") else float(latency[:-2]) / 1000
    errors = int(text.split("Non-2xx or 3xx responses:")[1].split()[0]) if "Non-2xx" in text else 0
    return rate, mean_ms, errors


def _rate(fn: Any, count: int) -> float:
    began = time.perf_counter()
    fn()
    return count / (time.perf_counter() - began)


class PeakRss:
    """Samples the RSS of a process tree in a background thread."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(0.02)


def start_domstadt(work: Path, url: str = "") -> tuple[Target, subprocess.Popen[bytes]]:
    if url:
        db = sensors_pg.fresh_database(url)
    else:
        db = Database(f"sqlite:///{work}/domstadt.sqlite3")
        upgrade(db)
    with db.session() as session:
        data = UserCreate(email="b@example.org", name="B", role=Role.ADMIN, password="x" * 16)
        auth.user_create(session, actor=system_actor("bench"), data=data)
        token = auth.token_create(
            session, actor=system_actor("bench"), name="b", email="b@example.org"
        ).token
    db.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DOMSTADT_DATABASE_URL": db.url,
        "DOMSTADT_SECRET_KEY": SECRET,
        "DOMSTADT_DATA_DIR": str(work),
        "DOMSTADT_LOG_LEVEL": "WARNING",
    }
    exe = Path(sys.executable).parent / "domstadt"
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/sta/v1.1"
    wait_for(base, proc, 60)
    return Target("Domstadt", base, {"Authorization": f"Bearer {token}"}, ""), proc


PEER_SETTINGS = """
from uuid import UUID
SECRET_KEY = "bench"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "sensorthings.versions.v1_1",
    "sensorthings.versions.v1_1.backends.django",
    "sensorthings.versions.v1_1.extensions.dataarray",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "peer.urls"
DATABASES = {{"default": {database}}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SENSORTHINGS_V1_1_SERVICE_URL = "http://127.0.0.1:{port}/sensorthings"
SENSORTHINGS_V1_1_BACKEND_ADAPTER = (
    "sensorthings.versions.v1_1.backends.django.adapter.DjangoBackendAdapter"
)
SENSORTHINGS_V1_1_ID_TYPE = UUID
SENSORTHINGS_V1_1_ID_DELIMITER = "'"
SENSORTHINGS_V1_1_MAX_TOP = 1000
"""
PEER_URLS = """
from django.urls import include, path
urlpatterns = [path("sensorthings/", include("sensorthings.versions.v1_1.urls"))]
"""
PEER_ASGI = """
import os
import shutil
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
from django.core.asgi import get_asgi_application
application = get_asgi_application()
"""


def _peer_database(work: Path, url: str) -> str:
    """The Django DATABASES entry: SQLite in ``work``, or the PostgreSQL ``url`` (wiped)."""
    if not url:
        return repr({"ENGINE": "django.db.backends.sqlite3", "NAME": str(work / "peer.sqlite3")})
    wipe = Database(url)
    with wipe.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    wipe.dispose()
    parts = httpx.URL(url)
    entry = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.strip("/"),
        "USER": parts.username,
        "HOST": parts.host,
        "PORT": parts.port or 5432,
    }
    return repr(entry)


def start_peer(
    work: Path, url: str = "", venv_dir: str = ""
) -> tuple[Target, subprocess.Popen[bytes]]:
    venv = Path(venv_dir) if venv_dir else work / "peer-venv"
    if not venv_dir:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        extra = ["psycopg[binary]"] if url else []
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", PEER, "uvicorn", *extra]
        subprocess.run(pip, check=True)
    port = free_port()
    project = work / "peerproject"
    (project / "peer").mkdir(parents=True)
    (project / "peer" / "__init__.py").write_text("")
    settings = PEER_SETTINGS.format(database=_peer_database(work, url), port=port)
    (project / "peer" / "settings.py").write_text(textwrap.dedent(settings))
    (project / "peer" / "urls.py").write_text(PEER_URLS)
    (project / "peer" / "asgi.py").write_text(PEER_ASGI)
    env = {**os.environ, "PYTHONPATH": str(project), "DJANGO_SETTINGS_MODULE": "peer.settings"}
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    proc = subprocess.Popen(
        [
            python,
            "-m",
            "uvicorn",
            "peer.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=project,
        stderr=(work / "peer-server.log").open("wb"),  # its tracebacks, kept out of the table
    )
    base = f"http://127.0.0.1:{port}/sensorthings/v1.1"
    wait_for(base, proc, 60)
    return Target("django-ogc-sensorthings", base, {}, "'"), proc


PEER_TABLE = "sensorthings_v1_1_django_backend_{}"


def _copy_streams(conn: Any, table: str, ds: Any, count: int, new_id: str) -> list[Any]:
    """``count`` copies of datastream row ``ds`` in ``table``; their ids."""
    columns = [
        c
        for c in conn.execute(
            text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
            {"t": table},
        ).scalars()
        if c != "id"
    ]
    names = ", ".join(columns)
    values = ", ".join(f"t.{c}" for c in columns)
    head, first = (f"id, {names}", f"{new_id}, ") if new_id else (names, "")
    return list(
        conn.execute(
            text(
                f"INSERT INTO {table} ({head}) SELECT {first}{values} FROM {table} t,"
                " generate_series(1, :n) WHERE t.id = :ds RETURNING id"
            ),
            {"n": count, "ds": ds},
        ).scalars()
    )


def fill_domstadt(url: str, ds: int, args: argparse.Namespace) -> int:
    """The other datastreams and their rows, through ``sensors_pg.fill``; rows added."""
    db = Database(url)
    with db.engine.begin() as conn:
        others = _copy_streams(conn, "sta_datastream", ds, args.datastreams - 1, "")
        foi = conn.execute(
            text("SELECT feature_of_interest_id FROM sta_observation WHERE datastream_id = :d"),
            {"d": ds},
        ).first()[0]
    per_ds = args.fill // args.datastreams
    step = dt.timedelta(minutes=args.step_minutes)
    sensors_pg.fill(db, others, per_ds, START, step, skip={}, foi=foi)
    db.dispose()
    return per_ds * len(others)


def fill_peer(url: str, ds: str, args: argparse.Namespace) -> int:
    """The same for the peer: one INSERT … SELECT per chunk into its observation table, ids
    time-ordered (as its uuid7 ids are); rows added."""
    db = Database(url)
    obs = PEER_TABLE.format("observation")
    per_ds = args.fill // args.datastreams
    step = dt.timedelta(minutes=args.step_minutes)
    with db.engine.begin() as conn:
        others = _copy_streams(
            conn, PEER_TABLE.format("datastream"), ds, args.datastreams - 1, "gen_random_uuid()"
        )
        foi = conn.execute(
            text(f"SELECT feature_of_interest_id FROM {obs} WHERE datastream_id = :d"), {"d": ds}
        ).first()[0]
    sql = text(
        f"INSERT INTO {obs} (id, phenomenon_time_begin, result, result_time, datastream_id,"
        " feature_of_interest_id) SELECT (lpad(to_hex(g), 16, '0') || lpad(to_hex(u.i), 16, '0'))"
        "::uuid, :t0 + g * :step, (g % 97)::float, :t0 + g * :step, u.d, :foi"
        " FROM generate_series(CAST(:a AS int), CAST(:b AS int)) g,"
        " unnest(CAST(:ds AS uuid[])) WITH ORDINALITY u(d, i) ORDER BY g, u.i"
    )
    for first in range(0, per_ds, sensors_pg.CHUNK_STEPS):
        last = min(first + sensors_pg.CHUNK_STEPS, per_ds) - 1
        with db.engine.begin() as conn:
            conn.execute(
                sql,
                {"t0": START, "step": step, "foi": foi, "a": first, "b": last, "ds": others},
            )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {obs}"))  # as autovacuum would, and as for ours
    db.dispose()
    return per_ds * len(others)


def run(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    target.setup()
    out: dict[str, Any] = {}
    bulk = target.bulk_bodies(0, args.rows, args.batch)
    out["bulk"] = _rate(lambda: target.send("CreateObservations", bulk, {200, 201}), args.rows)
    stored = target.stored()
    assert stored == args.rows, f"{target.name}: {stored} of {args.rows} observations stored"
    single = target.single_bodies(args.rows, args.posts)
    out["single"] = _rate(lambda: target.send("Observations", single, {201}), args.posts)
    wrk = shutil.which("wrk") and args.wrk_seconds
    out["wrk"] = _wrk_single(target, args.wrk_seconds) if wrk else None
    first = args.rows + args.posts
    if target.fill is not None:  # PostgreSQL: SQL, server-side
        began = time.perf_counter()
        total = first + target.fill(target.ds_raw, args)
        out["fill_seconds"] = time.perf_counter() - began
        return out | {"total": total, "notes": []}
    extra = -(-max(0, args.fill - first) // BATCH) * BATCH
    target.send("CreateObservations", target.bulk_bodies(first, extra), {200, 201})
    total = first + extra
    out["notes"] = []
    for key, fn in (
        ("latest", target.latest),
        ("range", lambda ordered=True: target.time_range(args.rows // 4, ordered)),
    ):
        try:
            out[key] = p50_p95(fn)
        except AssertionError as exc:
            # the spec query fails: measure the same request without $orderby instead
            out["notes"].append(f"{key} with $orderby=phenomenonTime fails ({exc})")
            out[key] = p50_p95(lambda fn=fn: fn(ordered=False))
            out[key + "*"] = True
    out["total"] = total
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=BATCH, help="rows per CreateObservations")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--fill", type=int, default=100_000)
    parser.add_argument("--wrk-seconds", type=int, default=10, help="single POSTs with wrk")
    parser.add_argument("--postgres", default="", help="Domstadt's scratch database (wiped)")
    parser.add_argument("--peer-postgres", default="", help="the peer's scratch database (wiped)")
    parser.add_argument("--peer-venv", default="", help="a virtualenv with the peer installed")
    parser.add_argument("--datastreams", type=int, default=1000, help="PostgreSQL fill")
    parser.add_argument("--step-minutes", type=int, default=60, help="PostgreSQL fill")
    parser.add_argument("--repeat", type=int, default=30, help="PostgreSQL: timed reads each")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="domstadt-peer-"))
    if args.postgres:
        try:
            sensors_peer_pg.main_postgres(args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    results: dict[str, dict[str, Any]] = {}
    dom, dom_proc = start_domstadt(work)
    rss = PeakRss(dom_proc.pid)
    try:
        results[dom.name] = run(dom, args)
    finally:
        rss.stop.set()
        dom_proc.terminate()
        dom_proc.wait(timeout=30)
    try:
        peer, peer_proc = start_peer(work)
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        print(f"peer could not be started: {exc}")
        peer_proc = None
    if peer_proc is not None:
        try:
            results[peer.name] = run(peer, args)
        finally:
            peer_proc.terminate()
            peer_proc.wait(timeout=30)
    print(
        f"\n{args.rows} rows via CreateObservations, {args.posts} single POSTs, "
        f"reads on {results[dom.name]['total']:,} observations of one datastream\n"
    )
    print(
        "| | CreateObservations obs/s | single POST obs/s | latest 100 p50/p95 ms | "
        "1,000-row range p50/p95 ms |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        mark = {k: "*" if r.get(k + "*") else "" for k in ("latest", "range")}
        print(
            f"| {name} | {r['bulk']:,.0f} | {r['single']:,.0f} | "
            f"{r['latest'][0]:.1f} / {r['latest'][1]:.1f}{mark['latest']} | "
            f"{r['range'][0]:.1f} / {r['range'][1]:.1f}{mark['range']} |"
        )
    for name, r in results.items():
        for note in r["notes"]:
            print(f"\n\\* {name}: {note}; measured without $orderby instead.")
    print("\nSingle POSTs from wrk (one connection, back to back):\n")
    print("| | POST /Observations req/s | mean latency ms | non-2xx |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        if r.get("wrk"):
            rate, mean_ms, errors = r["wrk"]
            print(f"| {name} | {rate:,.0f} | {mean_ms:.2f} | {errors} |")
    print(f"\nDomstadt server peak RSS: {rss.peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
