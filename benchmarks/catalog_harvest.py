"""Harvest a CKAN source of N datasets served locally by a second Domstadt (uvicorn), into a
fresh SQLite database: time and peak memory (RSS) of the first run and of an unchanged re-run.

    .venv/bin/python benchmarks/catalog_harvest.py [--datasets 10000]
"""

from __future__ import annotations

import argparse
import resource
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from domstadt.catalog import harvest_service, service
from domstadt.catalog.harvest.runner import Limits
from domstadt.catalog.schemas import DatasetCreate
from domstadt.core.auth import directory_service
from domstadt.core.auth.models import DepartmentKind
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.outbound import OutboundPolicy

ACTOR = system_actor("benchmark")
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"


LOOPBACK = OutboundPolicy(allowed_hosts=("127.0.0.1",))
"""The source is a local server: the operator allows 127.0.0.1."""


def _database(folder: Path, name: str) -> Database:
    db = Database(f"sqlite:///{folder / name}")
    upgrade(db)
    with db.session() as session:
        directory_service.department_create(
            session,
            actor=ACTOR,
            data=DepartmentCreate(code="69", name="Amt 69", kind=DepartmentKind.AMT),
        )
    return db


def _fill(db: Database, count: int) -> None:
    with db.session() as session:
        for i in range(count):
            service.dataset_create(
                session,
                actor=ACTOR,
                data=DatasetCreate(
                    name=f"ds-{i:06d}",
                    title=f"Datensatz {i} Verkehr Köln",
                    description="Zählwerte und Messreihen der Stadt Köln. " * 5,
                    department_code="69",
                    license_id="dl-by-de/2.0",
                    keywords=["Verkehr", f"Bezirk {i % 9}"],
                    themes=["TRAN"],
                ),
            )


def _serve(db: Database, folder: Path) -> tuple[str, uvicorn.Server]:
    from domstadt.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        data_dir=folder / "data", database_url=db.url, secret_key=SECRET, base_url=base
    )  # type: ignore[arg-type]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return base, server


def main() -> None:
    """Fill, serve, harvest twice, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = _database(folder, "source.sqlite3")
        started = time.perf_counter()
        _fill(source, args.datasets)
        print(
            f"source filled with {args.datasets} datasets in {time.perf_counter() - started:.1f} s"
        )
        base, server = _serve(source, folder)
        target = _database(folder, "target.sqlite3")
        with target.session() as session:
            harvest_service.source_create(
                session,
                actor=ACTOR,
                name="bench",
                url=base,
                type="ckan",
                outbound=LOOPBACK,
                department_code="69",
            )
        for label in ("first run", "re-run (unchanged)"):
            started = time.perf_counter()
            report = harvest_service.harvest_run(
                target,
                actor=ACTOR,
                name="bench",
                limits=Limits(job_seconds=3600),
                outbound=LOOPBACK,
            )
            took = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{label}: {took:.1f} s, status {report.status}, added {report.added}, "
                f"unchanged {report.unchanged}, errored {report.errored}, "
                f"peak RSS of the process (server + harvester) {rss:.0f} MiB"
            )
        server.should_exit = True


if __name__ == "__main__":
    main()
