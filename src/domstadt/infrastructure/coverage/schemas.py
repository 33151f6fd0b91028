"""Pydantic shapes of coverage layers, checks, Things by risk and measures' deployments."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Network = Literal["lorawan", "nb-iot", "lte-m", "wlan"]
Kind = Literal["lorawan-gateway", "mobile-site", "wlan-hotspot", "broadband-area", "grid-cell"]
Status = Literal["covered", "edge", "gap", "unknown"]


class LayerPublic(BaseModel):
    """An imported coverage layer."""

    id: int
    name: str
    kind: Kind
    source: str
    licence: str
    data_date: dt.date
    crs: str
    file_format: str
    feature_count: int
    created_at: dt.datetime


class LayerList(BaseModel):
    """All layers, newest first."""

    count: int
    items: list[LayerPublic]


class CheckRequest(BaseModel):
    """A planned point: WGS84 longitude/latitude, the device type and its network."""

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    network: Network
    device_type: str = Field(default="", max_length=200)
    radius_m: float | None = Field(default=None, gt=0, le=50_000)


class NearestSite(BaseModel):
    """The nearest gateway/site/hotspot offering the network."""

    name: str
    layer: str
    lon: float
    lat: float
    distance_m: float


class MeasuredCell(BaseModel):
    """The measured cell the point lies in."""

    name: str
    layer: str
    networks: list[str]
    available: bool | None
    value: float | None
    unit: str


class CheckResult(BaseModel):
    """The verdict with its reason (German and English) and the evidence."""

    lon: float
    lat: float
    network: Network
    device_type: str
    status: Status
    basis: Literal["measured", "modelled", "none"]
    reason_de: str
    reason_en: str
    radius_m: float
    nearest: NearestSite | None = None
    cell: MeasuredCell | None = None


class ThingCheck(BaseModel):
    """A Thing of the sensor hub at one of its Locations, checked."""

    thing_id: int | None
    location_id: int
    name: str
    check: CheckResult


class ThingCheckList(BaseModel):
    """Things by risk: gaps first, then unknown, edge, covered; farther sites first."""

    network: Network
    count: int
    at_risk: int
    items: list[ThingCheck]


class DeploymentCreate(BaseModel):
    """A planned deployment of a measure."""

    name: str = Field(min_length=1, max_length=200)
    device_type: str = Field(min_length=1, max_length=200)
    network: Network
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class DeploymentPublic(BaseModel):
    """A planned deployment with its coverage check."""

    id: int
    measure_id: int
    name: str
    device_type: str
    network: Network
    lon: float
    lat: float
    check: CheckResult


class MeasureCoverage(BaseModel):
    """A measure's deployments and where coverage is missing."""

    measure_id: int
    count: int
    missing: int
    items: list[DeploymentPublic]
