"""Pydantic shapes of the transit operations: import reports, gaps per segment and line,
the ranked list, the monthly trend and the per-operator table."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FeedReport(BaseModel):
    """What a GTFS import wrote (the feed's previous rows replaced)."""

    source: str
    replaced: bool
    agencies: int
    routes: int
    stops: int
    shapes: int
    trips: int
    segments: int
    segments_from_shapes: int
    measurements_resnapped: int = 0


class FeedPublic(BaseModel):
    """An imported feed."""

    source: str
    filename: str
    imported_at: str
    counts: dict[str, int]


class MeasurementReport(BaseModel):
    """What a measurement import or a SensorThings pull took."""

    received: int = 0
    taken: int = 0
    on_route: int = 0
    off_route: int = 0
    already_known: int = 0
    refused: list[dict[str, Any]] = Field(default_factory=list)
    last_observation_id: int | None = None


class SegmentGap(BaseModel):
    """Figures of one segment (for a month/operator or overall)."""

    segment_id: int
    route: str
    route_id: str
    from_stop: str
    to_stop: str
    count: int
    dead: int
    dead_share: float | None
    median_down_mbit: float | None
    median_latency_ms: float | None
    confidence: str
    confidence_label: str
    quality: str
    quality_label: str


class LineGap(BaseModel):
    """Figures of one line (all its segments)."""

    route: str
    route_id: str
    segments: int
    measured_segments: int
    count: int
    dead_share: float | None
    median_down_mbit: float | None
    confidence_label: str


class MonthPoint(BaseModel):
    """One month of the trend (all segments, or one)."""

    month: str
    count: int
    dead_share: float | None
    median_down_mbit: float | None


class OperatorRow(BaseModel):
    """One network operator over all segments."""

    operator: str
    count: int
    dead_share: float | None
    median_down_mbit: float | None
    confidence_label: str


class GapOverview(BaseModel):
    """The page's content: lines, the worst segments, trend and operators."""

    measurements: int
    off_route: int
    segments: int
    lines: list[LineGap]
    worst: list[SegmentGap]
    trend: list[MonthPoint]
    operators: list[OperatorRow]
    min_measurements: int
