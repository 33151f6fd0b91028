"""Run every domain's demo loader in order, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.demo import (
    catalog,
    challenges,
    core,
    feedback,
    masterplan,
    participation_events,
    participation_open_data,
    pitches,
    registry,
    sensors,
)

Loader = Callable[[Session, Actor], dict[str, int]]

LOADERS: list[tuple[str, Loader]] = [
    ("core", core.load),
    ("masterplan", masterplan.load),
    ("registry", registry.load),
    ("feedback", feedback.load),
    ("challenges", challenges.load),
    ("events", participation_events.load),
    ("pitches", pitches.load),
    ("catalog", catalog.load),
    ("open_data", participation_open_data.load),
    ("sensors", sensors.load),
]
