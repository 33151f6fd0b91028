"""GTFS import of a real VBB extract: counts, segments cut from shapes (or straight without
shapes), atomic re-import, and broken feeds refused with file, line and field, nothing
written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.infrastructure import transit_service
from domstadt.infrastructure.transit.cli import transit_app
from domstadt.infrastructure.transit.models import TransitSegment, TransitStop, TransitTrip
from tests.infrastructure.transit_helpers import (
    VBB,
    distance_m,
    edited_feed,
    feed_text,
    import_vbb,
)


def _import(db: Database, content: bytes, source: str = "kaputt") -> None:
    with db.session() as session:
        transit_service.feed_import(
            session, actor=system_actor("tests"), content=content, filename="x.zip", source=source
        )


def test_real_extract_counts_and_segments(db: Database) -> None:
    report = import_vbb(db)
    assert (report.agencies, report.routes, report.stops, report.shapes, report.trips) == (
        1,
        6,
        211,
        20,
        27,
    )
    assert report.segments == 327 and report.segments_from_shapes == 327
    assert not report.replaced
    with db.session() as session:
        stops = {s.id: (s.lon, s.lat) for s in session.scalars(select(TransitStop))}
        segments = list(session.scalars(select(TransitSegment)))
        patterns = [t.stop_pattern for t in session.scalars(select(TransitTrip))]
    assert len(segments) == 327 and all(len(p) >= 2 for p in patterns)
    # Cut at the stops' projections: each piece starts and ends near its stops and is never
    # shorter than the straight line between them.
    for seg in segments:
        start, end = tuple(seg.coordinates[0]), tuple(seg.coordinates[-1])
        assert distance_m(start, stops[seg.from_stop_id]) < 150
        assert distance_m(end, stops[seg.to_stop_id]) < 150
        assert seg.length_m >= distance_m(stops[seg.from_stop_id], stops[seg.to_stop_id]) * 0.9 - 50


def test_reimport_replaces_the_feed(db: Database) -> None:
    import_vbb(db)
    again = import_vbb(db)
    assert again.replaced and again.segments == 327
    with db.session() as session:
        assert session.scalar(select(func.count(TransitSegment.id))) == 327
        assert len(transit_service.feed_list(session, actor=system_actor("t"))) == 1


def test_feed_without_shapes_gets_straight_segments(db: Database) -> None:
    # drop shapes.txt and blank the column (quoted headsigns contain commas: through csv)
    rows = list(csv.reader(io.StringIO(feed_text("trips.txt"))))
    shape_col = rows[0].index("shape_id")
    for row in rows[1:]:
        row[shape_col] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with db.session() as session:
        report = transit_service.feed_import(
            session,
            actor=system_actor("tests"),
            filename="ohne.zip",
            source="ohne",
            content=edited_feed({"shapes.txt": None, "trips.txt": out.getvalue()}),
        )
    assert report.segments_from_shapes == 0 and report.shapes == 0 and report.segments > 300
    with db.session() as session:
        assert all(len(s.coordinates) == 2 for s in session.scalars(select(TransitSegment)))


def _problems(db: Database, content: bytes) -> list[dict[str, object]]:
    with pytest.raises(Invalid) as caught:
        _import(db, content)
    with db.session() as session:
        assert session.scalar(select(func.count(TransitStop.id))) == 0  # nothing half-imported
    return caught.value.details  # type: ignore[no-any-return]


def test_missing_stops_file(db: Database) -> None:
    problems = _problems(db, edited_feed({"stops.txt": None}))
    assert {
        "file": "stops.txt",
        "line": None,
        "field": None,
        "message": "Pflichtdatei fehlt",
    } in problems


def test_trip_with_unknown_route(db: Database) -> None:
    lines = feed_text("trips.txt").splitlines()
    lines[3] = "gibt-es-nicht" + lines[3][lines[3].index(",") :]
    problems = _problems(db, edited_feed({"trips.txt": "\n".join(lines) + "\n"}))
    assert problems[0]["file"] == "trips.txt" and problems[0]["line"] == 4
    assert problems[0]["field"] == "route_id" and "gibt-es-nicht" in str(problems[0]["message"])


def test_stop_outside_germany_and_swapped_coordinates(db: Database) -> None:
    rows = list(csv.reader(io.StringIO(feed_text("stops.txt"))))
    lat_col, lon_col = rows[0].index("stop_lat"), rows[0].index("stop_lon")
    rows[1][lat_col], rows[1][lon_col] = "48.8566", "2.3522"  # Paris
    rows[2][lat_col], rows[2][lon_col] = rows[2][lon_col], rows[2][lat_col]  # swapped
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    problems = _problems(db, edited_feed({"stops.txt": out.getvalue()}))
    by_line = {p["line"]: p for p in problems if p["file"] == "stops.txt"}
    assert "nicht in Deutschland" in str(by_line[2]["message"])
    assert "vertauscht" in str(by_line[3]["message"]) and by_line[3]["field"] == "stop_lat"


def test_not_a_zip(db: Database) -> None:
    problems = _problems(db, b"stop_id,stop_name\n")
    assert problems[0]["message"] == "keine ZIP-Datei"


def test_cli_import_and_broken_feed(cli_env: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(transit_app, ["import", str(VBB), "--source", "vbb"])
    assert result.exit_code == 0, result.output
    assert "6 Linien, 211 Haltestellen" in result.output and "327 Abschnitte" in result.output
    broken = tmp_path / "kaputt.zip"
    broken.write_bytes(edited_feed({"stop_times.txt": None}))
    result = CliRunner().invoke(transit_app, ["import", str(broken)])
    assert result.exit_code == 1
    assert "stop_times.txt" in result.output and "Pflichtdatei fehlt" in result.output
