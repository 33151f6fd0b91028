"""Demo step: the real VBB extract (Havelbus lines 650–653 west of Berlin, VBB open data,
CC BY 4.0; docs/data-sources.md) imported as the feed ``vbb-havelbus``, with generated
connectivity measurements along its segments (seeded, so every load is the same: a few
stretches with many dead spots, three operators, six months) and the gap map published as a
catalogue dataset. The measurements are made up for the demo; the network is real.
Idempotent: the feed is replaced, the measurements are known by their content."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.config import get_settings
from domstadt.infrastructure import transit_service

FEED = Path(__file__).parent / "data" / "transit" / "vbb_extract.zip"
OPERATORS = ("Telekom", "Vodafone", "O2")
COLUMNS = (
    "time",
    "lat",
    "lon",
    "accuracy_m",
    "operator",
    "network_type",
    "signal_dbm",
    "down_mbit",
    "up_mbit",
    "latency_ms",
    "no_connection",
)


def measurements_csv(features: list[dict[str, object]], seed: int = 12) -> bytes:
    """Generated measurements near the segments' vertices (a CSV as the upload takes it)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for number, feature in enumerate(features):
        coords = feature["geometry"]["coordinates"]  # type: ignore[index]
        weak = number % 17 in (3, 4, 5)
        for _ in range(rng.choice((0, 4, 12, 25, 40))):
            lon, lat = coords[rng.randrange(len(coords))]
            dead = rng.random() < (0.35 if weak else 0.03)
            down = 0 if dead else round(rng.lognormvariate(1.2 if weak else 3.3, 0.6), 1)
            writer.writerow(
                [
                    f"2026-0{rng.randint(1, 6)}-{rng.randint(10, 28)}"
                    f"T{rng.randint(6, 21):02d}:00:00Z",
                    round(lat + rng.gauss(0, 0.0001), 6),
                    round(lon + rng.gauss(0, 0.00015), 6),
                    rng.choice((5, 8, 15)),
                    rng.choice(OPERATORS),
                    rng.choice(("4G", "4G", "5G")),
                    -120 if dead else rng.randint(-110, -70),
                    down,
                    "" if dead else round(down / 5, 1),
                    "" if dead else rng.randint(25, 120),
                    "ja" if dead else "nein",
                ]
            )
    return out.getvalue().encode("utf-8")


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Import the feed, take the generated measurements, publish the gap map."""
    feed = transit_service.feed_import(
        session, actor=actor, content=FEED.read_bytes(), filename=FEED.name, source="vbb-havelbus"
    )
    collection = json.loads(transit_service.gaps_geojson(session, actor=actor))
    report = transit_service.measurements_import(
        session,
        actor=actor,
        content=measurements_csv(collection["features"]),
        filename="demo-messungen.csv",
    )
    settings = get_settings()
    transit_service.gaps_publish(
        session, actor=actor, department_code=settings.transit_publisher, data_dir=settings.data_dir
    )
    return {"transit_segments": feed.segments, "connectivity_measurements": report.taken}
