"""package_search over N generated datasets (default 100,000): a full-text query plus three
facet fields, p50/p95 on SQLite and (with --postgres URL of an empty scratch database) on
PostgreSQL, through the CKAN Action API in-process (HTTP semantics, no network), and the time
of a full re-index (``search_service.reindex_all``).

    .venv/bin/python benchmarks/catalog_search.py [--datasets 100000] [--queries 60]
        [--postgres postgresql://postgres@127.0.0.1:5432/bench_catalog]

Datasets are bulk-inserted (Core inserts: the services would take hours for 100,000), then
indexed by the re-index, which is what the timing measures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select, text
from starlette.testclient import TestClient

from domstadt.catalog import search_service
from domstadt.catalog.models import Dataset, DatasetKeyword, DatasetTheme, Distribution
from domstadt.core.auth import directory_service
from domstadt.core.auth.models import Department, DepartmentKind
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.config import Settings
from domstadt.core.db import Database, utcnow
from domstadt.core.migrate import upgrade

ACTOR = system_actor("benchmark")
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
THEMES = ["TRAN", "ENVI", "GOVE", "EDUC", "HEAL", "ECON", "SOCI", "REGI", "ENER", "AGRI"]
FORMATS = ["CSV", "JSON", "GEOJSON", "XLSX", "PDF", "PARQUET"]
LICENSES = ["dl-by-de/2.0", "dl-zero-de/2.0", "cc-by/4.0", "cc-zero", "odbl"]
SUBJECTS = [
    "Radverkehr",
    "Parkhaus",
    "Baumkataster",
    "Luftqualität",
    "Lärmkarte",
    "Haltestellen",
    "Schulen",
    "Kitas",
    "Wahlergebnisse",
    "Bevölkerung",
    "Haushalte",
    "Baustellen",
    "Ladesäulen",
    "Spielplätze",
    "Friedhöfe",
    "Sportstätten",
    "Bibliotheken",
    "Müllabfuhr",
    "Straßenreinigung",
    "Hochwasser",
    "Pegelstände",
    "Fahrradständer",
    "Carsharing",
    "Taxistände",
    "Denkmäler",
    "Museen",
    "Veranstaltungen",
    "Gewerbeflächen",
    "Bebauungspläne",
]
DISTRICTS = [
    "Innenstadt",
    "Rodenkirchen",
    "Lindenthal",
    "Ehrenfeld",
    "Nippes",
    "Chorweiler",
    "Porz",
    "Kalk",
    "Mülheim",
]
QUERIES = ["Radverkehr", "Luftqualität Ehrenfeld", "Schulen", "Parkhaus Innenstadt", "Hochwasser"]
FACETS = ["groups", "tags", "res_format"]


def _departments(db: Database) -> list[int]:
    with db.session() as session:
        for n in range(10):
            directory_service.department_create(
                session,
                actor=ACTOR,
                data=DepartmentCreate(
                    code=f"{60 + n}", name=f"Amt {60 + n}", kind=DepartmentKind.AMT
                ),
            )
    with db.session() as session:
        return list(session.scalars(select(Department.id)).all())


def _rows(i: int, rng: random.Random, departments: list[int]) -> tuple[dict, list, list, list]:
    subject, district = rng.choice(SUBJECTS), rng.choice(DISTRICTS)
    year = 2010 + i % 15
    ds = {
        "id": i + 1,
        "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
        "name": f"ds-{i:06d}",
        "title": f"{subject} {district} {year}",
        "description": f"{subject} im Stadtbezirk {district}, Stand {year}. "
        "Daten der Stadt Köln, regelmäßig aktualisiert, maschinenlesbar.",
        "department_id": rng.choice(departments),
        "license_id": rng.choice(LICENSES),
        "metadata_created": utcnow(),
        "metadata_modified": utcnow(),
    }
    keywords = {subject, district, str(year), rng.choice(SUBJECTS)}
    kws = [{"dataset_id": i + 1, "keyword": k} for k in sorted(keywords)]
    themes = [{"dataset_id": i + 1, "theme": t} for t in sorted(set(rng.sample(THEMES, 2)))]
    dists = [
        {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
            "dataset_id": i + 1,
            "position": p,
            "format": fmt,
            "title": fmt,
            "download_url": f"https://offenedaten-koeln.de/{i}.{fmt.lower()}",
        }
        for p, fmt in enumerate(sorted(set(rng.sample(FORMATS, 2))))
    ]
    return ds, kws, themes, dists


def fill(db: Database, count: int) -> float:
    """Bulk-insert ``count`` datasets with keywords, themes and distributions; seconds."""
    departments = _departments(db)
    rng = random.Random(42)
    start = time.perf_counter()
    chunk = 5000
    for first in range(0, count, chunk):
        parts: tuple[list, list, list, list] = ([], [], [], [])
        for i in range(first, min(first + chunk, count)):
            ds, kws, themes, dists = _rows(i, rng, departments)
            parts[0].append(ds)
            parts[1].extend(kws)
            parts[2].extend(themes)
            parts[3].extend(dists)
        with db.session() as session:
            for model, rows in zip(
                (Dataset, DatasetKeyword, DatasetTheme, Distribution), parts, strict=True
            ):
                session.execute(insert(model), rows)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as con:
            con.execute(text("SELECT setval('catalog_dataset_id_seq', :n)"), {"n": count})
            con.execute(text("ANALYZE"))
    return time.perf_counter() - start


def reindex(db: Database) -> float:
    start = time.perf_counter()
    with db.session() as session:
        search_service.reindex_all(session, actor=ACTOR)
    took = time.perf_counter() - start
    if db.engine.dialect.name == "postgresql":
        # what autovacuum does to a live database after bulk inserts: statistics and the
        # visibility map (without it every index-only scan of the facets visits the heap)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            con.execute(text("VACUUM ANALYZE"))
    return took


def measure(db: Database, folder: Path, queries: int) -> dict[str, float]:
    """Time package_search (q + three facet fields, 10 rows) through the CKAN API."""
    from domstadt.web.app import create_app

    settings = Settings(data_dir=folder / "data", database_url=db.url, secret_key=SECRET)  # type: ignore[arg-type]
    client = TestClient(create_app(settings, db))
    rng = random.Random(7)
    params_list = []
    for n in range(queries):
        params = [("q", QUERIES[n % len(QUERIES)]), ("rows", "10")]
        params.append(("facet.field", '["groups", "tags", "res_format"]'))
        if n % 2:
            params.append(("fq", f'groups:"{rng.choice(THEMES).lower()}"'))
        params_list.append(params)
    client.get("/api/3/action/package_search", params=params_list[0])  # warm caches
    times, counts = [], []
    for params in params_list:
        start = time.perf_counter()
        response = client.get("/api/3/action/package_search", params=params)
        times.append((time.perf_counter() - start) * 1000)
        body = response.json()
        assert body["success"], body
        assert set(body["result"]["search_facets"]) == set(FACETS), body["result"].keys()
        counts.append(body["result"]["count"])
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "mean_hits": statistics.mean(counts),
    }


def run(url: str, label: str, count: int, queries: int, folder: Path) -> None:
    db = Database(url)
    upgrade(db)
    filled = fill(db, count)
    print(f"{label}: inserted {count} datasets in {filled:.1f} s", flush=True)
    took = reindex(db)
    print(f"{label}: full re-index {took:.1f} s", flush=True)
    result = measure(db, folder, queries)
    print(
        f"{label}: package_search q + 3 facets ({queries} queries, half with an fq filter): "
        f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
        f"max {result['max_ms']:.0f} ms, mean hits {result['mean_hits']:.0f}",
        flush=True,
    )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--postgres", default="", help="URL of an empty scratch database")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_sqlite:
            run(
                f"sqlite:///{folder / 'bench.sqlite3'}",
                "SQLite",
                args.datasets,
                args.queries,
                folder,
            )
        if args.postgres:
            run(args.postgres, "PostgreSQL", args.datasets, args.queries, folder)


if __name__ == "__main__":
    main()
