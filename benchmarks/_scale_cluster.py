"""The processes of the scale-out test (benchmarks/scale_out.py): a fresh PostgreSQL database,
a Redis database of its own, a topic root of its own on the MQTT broker, three ``domstadt
serve`` processes behind HAProxy, two ``domstadt sensors mqtt`` ingest workers and one
``domstadt worker``. Everything it starts or creates is removed by :meth:`Cluster.close`,
also after Ctrl-C. Not a benchmark itself."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import paho.mqtt.client as paho
import redis
from _common import free_port
from sqlalchemy import create_engine, text

SRC = Path(__file__).resolve().parents[1] / "src"
STARTUP_SECONDS = 240.0  # a busy two-core machine imports the app slowly
HEALTH_INTERVAL_MS = 1000
HAPROXY_CONFIG = """global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout queue 30s
    option forwardfor
    # a refused connection (a dead web process) is tried again on another process; a request
    # that reached a process is never sent twice (writes would be doubled)
    retries 3
    option redispatch 1
frontend domstadt
    bind 127.0.0.1:{port}
    default_backend web
backend web
    balance leastconn
    option httpchk GET /readyz
    http-check expect status 200
    # the check must wait longer than /readyz's own limit (2 s per check): a busy process
    # answers it late, and a shorter timeout takes every process out at once
    timeout check 5s
    default-server inter {inter}ms fall 3 rise 2
    http-response set-header X-Served-By %s
{servers}
"""


@dataclass
class Role:
    """One kind of child process; ``procs[i]`` is the running process of instance ``i``."""

    name: str
    commands: list[list[str]]
    procs: list[subprocess.Popen[bytes] | None] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)


class Cluster:
    """Creates the database and starts the processes; ``close()`` removes every trace."""

    def __init__(self, *, pg_admin_url: str, redis_url: str, mqtt_url: str, web: int = 3) -> None:
        self.run_id = uuid.uuid4().hex[:10]
        self.tmp = Path(tempfile.mkdtemp(prefix=f"domstadt-scale-{self.run_id}-"))
        self.db_name = f"domstadt_scale_{self.run_id}"
        admin = urlsplit(pg_admin_url)
        self.pg_admin_url = pg_admin_url
        self.database_url = urlunsplit(admin._replace(path=f"/{self.db_name}"))
        self.redis_base = urlunsplit(urlsplit(redis_url)._replace(path=""))
        self.redis_db: int | None = None
        self.redis_url = ""
        self.mqtt_root = f"scale{self.run_id}"
        self.mqtt_url = f"{mqtt_url.rstrip('/')}/{self.mqtt_root}"
        self.group = f"scale{self.run_id}"
        self.ingest_ids = [f"scale-{self.run_id}-ingest-{i}" for i in range(2)]
        self.web_ports = [free_port() for _ in range(web)]
        self.ingest_metrics = [free_port() for _ in range(2)]
        self.proxy_port = free_port()
        self.base = f"http://127.0.0.1:{self.proxy_port}"
        self.roles: dict[str, Role] = {}
        self.haproxy: subprocess.Popen[bytes] | None = None
        self.broker: subprocess.Popen[bytes] | None = None
        self.created_db = False

    # --- resources -------------------------------------------------------------------------
    def create_database(self) -> None:
        """A fresh, empty PostgreSQL database named after the run."""
        engine = create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.db_name}"'))
        engine.dispose()
        self.created_db = True

    def pick_redis_db(self) -> None:
        """The highest-numbered empty Redis database (huey's queue name is fixed, so a
        database of its own keeps the job worker off other users' jobs)."""
        for number in range(15, 0, -1):
            client = redis.Redis.from_url(f"{self.redis_base}/{number}")
            try:
                if client.dbsize() == 0:
                    client.set(f"domstadt-scale-{self.run_id}", "1")  # claim it
                    self.redis_db = number
                    self.redis_url = f"{self.redis_base}/{number}"
                    return
            finally:
                client.close()
        raise SystemExit("Redis: no empty database among 1..15 for the job queue")

    def environment(self) -> dict[str, str]:
        """The settings every child process gets (one secret, one database)."""
        secret = getattr(self, "_secret", None) or secrets.token_urlsafe(48)
        self._secret = secret
        path = os.environ.get("PYTHONPATH", "")
        return {
            **os.environ,
            "PYTHONPATH": f"{SRC}{os.pathsep}{path}" if path else str(SRC),
            "DOMSTADT_ENVIRONMENT": "production",
            "DOMSTADT_SECRET_KEY": secret,
            "DOMSTADT_DATABASE_URL": self.database_url,
            "DOMSTADT_REDIS_URL": self.redis_url,
            "DOMSTADT_MQTT_URL": self.mqtt_url,
            "DOMSTADT_MQTT_EMBEDDED": "false",
            "DOMSTADT_BASE_URL": self.base,
            "DOMSTADT_DATA_DIR": str(self.tmp / "data"),
            "DOMSTADT_EMBEDDING_MODEL": "lexical",
            "DOMSTADT_LOG_FORMAT": "json",
            "DOMSTADT_LOG_LEVEL": "WARNING",
            "DOMSTADT_TRUSTED_PROXIES": "127.0.0.1",
            # every virtual user comes from 127.0.0.1: one anonymous address for all of them
            "DOMSTADT_RATE_LIMIT_ANONYMOUS": "1000000/minute",
            "DOMSTADT_RATE_LIMIT_TOKEN": "1000000/minute",
        }

    # --- processes -------------------------------------------------------------------------
    def start_all(self) -> None:
        """Web, ingest and job worker processes (all at once), then HAProxy."""
        py = [sys.executable, "-m", "domstadt"]
        self.roles["web"] = Role(
            "web", [[*py, "serve", "--host", "127.0.0.1", "--port", str(p)] for p in self.web_ports]
        )
        ingest = [*py, "sensors", "mqtt", "--group", self.group, "--batch", "500"]
        self.roles["ingest"] = Role(
            "ingest",
            [
                [*ingest, "--client-id", cid, "--metrics-port", str(port)]
                for cid, port in zip(self.ingest_ids, self.ingest_metrics, strict=True)
            ],
        )
        self.roles["worker"] = Role("worker", [[*py, "worker", "--workers", "2"]])
        for role in self.roles.values():
            role.procs = [None] * len(role.commands)
            role.starts = [0] * len(role.commands)
            for i in range(len(role.commands)):
                self.start(role.name, i)
        self._start_haproxy()

    def start(self, role_name: str, i: int) -> None:
        """(Re)start instance ``i`` of a role in a process group of its own (its log appended)."""
        role = self.roles[role_name]
        log = open(self.tmp / f"{role_name}{i}.log", "ab")  # noqa: SIM115 - the child keeps it
        role.procs[i] = subprocess.Popen(
            role.commands[i],
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the script, which stops the children
        )
        log.close()
        role.starts[i] += 1

    def kill(self, role_name: str, i: int) -> int:
        """SIGKILL the main process of instance ``i`` (as the kernel's OOM killer would);
        returns its pid."""
        proc = self.roles[role_name].procs[i]
        assert proc is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return proc.pid

    def wait_ready(self, seconds: float = STARTUP_SECONDS) -> None:
        """Until every web process answers /readyz, every ingest worker serves its metrics
        and HAProxy routes to all web processes."""
        for i, port in enumerate(self.web_ports):
            self._wait_url(f"http://127.0.0.1:{port}/readyz", "web", i, seconds)
        for i, port in enumerate(self.ingest_metrics):
            self._wait_url(f"http://127.0.0.1:{port}/metrics", "ingest", i, seconds)
        self._wait_url(f"{self.base}/readyz", None, 0, 30)

    def wait_web(self, i: int, seconds: float = STARTUP_SECONDS) -> None:
        """Until web process ``i`` answers /readyz."""
        self._wait_url(f"http://127.0.0.1:{self.web_ports[i]}/readyz", "web", i, seconds)

    def wait_ingest(self, i: int, seconds: float = STARTUP_SECONDS) -> None:
        """Until ingest worker ``i`` serves its metrics (it is then subscribed)."""
        self._wait_url(f"http://127.0.0.1:{self.ingest_metrics[i]}/metrics", "ingest", i, seconds)

    def _wait_url(self, url: str, role_name: str | None, i: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if role_name is not None:
                proc = self.roles[role_name].procs[i]
                if proc is None or proc.poll() is not None:
                    tail = self.log_tail(f"{role_name}{i}")
                    raise SystemExit(f"{role_name} {i} exited while starting:\n{tail}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=3).status_code == 200:
                    return
            time.sleep(0.2)
        raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s")

    def start_broker(self, max_queued: int) -> str:
        """A Mosquitto of the run's own (``--own-broker``) on a free port, queueing up to
        ``max_queued`` messages per offline session (0: no limit); returns its URL."""
        port = free_port()
        config = self.tmp / "mosquitto.conf"
        config.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
            f"max_queued_messages {max_queued}\nlog_dest stderr\n"
        )
        log = open(self.tmp / "mosquitto.log", "ab")  # noqa: SIM115 - the child keeps it
        mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.broker = subprocess.Popen(
            [mosquitto, "-c", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        url = f"mqtt://127.0.0.1:{port}"
        self.mqtt_url = f"{url}/{self.mqtt_root}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return url
            time.sleep(0.1)
        raise SystemExit(f"mosquitto did not listen on {port}:\n{self.log_tail('mosquitto')}")

    def _start_haproxy(self) -> None:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        servers = "\n".join(
            f"    server web{i} 127.0.0.1:{port} check" for i, port in enumerate(self.web_ports)
        )
        config = self.tmp / "haproxy.cfg"
        config.write_text(
            HAPROXY_CONFIG.format(port=self.proxy_port, servers=servers, inter=HEALTH_INTERVAL_MS)
        )
        check = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True)
        if check.returncode != 0:
            raise SystemExit(f"haproxy refused its config: {check.stderr.decode()}")
        log = open(self.tmp / "haproxy.log", "ab")  # noqa: SIM115 - the child keeps it
        # -db: stay in the foreground (a child of this script, not the system service)
        self.haproxy = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def log_tail(self, name: str, lines: int = 15) -> str:
        """The last lines of a child's log."""
        path = self.tmp / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def error_lines(self) -> list[str]:
        """JSON log lines at ERROR or worse of every child (a 500 logs its trace there)."""
        found = []
        for path in sorted(self.tmp.glob("*.log")):
            for line in path.read_text(errors="replace").splitlines():
                if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line:
                    found.append(f"{path.stem}: {line[:300]}")
        return found

    def alive(self) -> dict[str, list[bool]]:
        """Per role, whether each instance is running now."""
        return {
            name: [p is not None and p.poll() is None for p in role.procs]
            for name, role in self.roles.items()
        }

    # --- cleanup ---------------------------------------------------------------------------
    def close(self, *, keep_logs: Path | None = None) -> list[str]:
        """Stop every child (and whatever it started), drop the database, clear the Redis
        database and the ingest workers' broker sessions, remove the temp dir. Returns what
        could not be cleaned (empty when all went well)."""
        problems: list[str] = []
        procs = [p for role in self.roles.values() for p in role.procs if p is not None]
        procs += [p for p in (self.haproxy, self.broker) if p is not None]
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # leftovers of the group, e.g. writers
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        if self.broker is None:  # an own broker took its sessions with it
            self._clear_broker_sessions(problems)
        if self.redis_db is not None:
            try:
                client = redis.Redis.from_url(self.redis_url)
                client.flushdb()
                client.close()
            except redis.RedisError as exc:
                problems.append(f"Redis db {self.redis_db} not cleared: {exc}")
        if self.created_db:
            try:
                engine = create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
                engine.dispose()
            except Exception as exc:
                problems.append(f"database {self.db_name} not dropped: {exc}")
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
            for log in self.tmp.glob("*.log"):
                shutil.copy(log, keep_logs / log.name)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return problems

    def _clear_broker_sessions(self, problems: list[str]) -> None:
        """End the ingest workers' persistent sessions (clean start, expiry 0)."""
        host = urlsplit(self.mqtt_url)
        for cid in self.ingest_ids:
            client = paho.Client(
                paho.CallbackAPIVersion.VERSION2, client_id=cid, protocol=paho.MQTTv5
            )
            try:
                client.connect(host.hostname or "127.0.0.1", host.port or 1883, clean_start=True)
                client.loop_start()
                time.sleep(0.2)
                client.disconnect()
                client.loop_stop()
            except OSError as exc:
                problems.append(f"broker session {cid} not cleared: {exc}")
