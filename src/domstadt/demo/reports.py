"""Demo status reports: two frozen reports of the masterplan with progress changed in between
(data/reports.json), so the report page's "changes since the previous report" has content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import measure_service as writer
from domstadt.masterplan import report_service
from domstadt.masterplan.schemas import MeasureUpdate

DATA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "reports.json").read_text(encoding="utf-8")
)


def _progress(session: Session, actor: Actor) -> int:
    """Apply the changes between the two reports; returns how many measures changed."""
    changed = 0
    for item in DATA["between"]:
        try:
            measure = reader.measure_get_by_code(session, actor=actor, code=item["code"])
        except NotFound:  # the masterplan demo is not loaded
            continue
        writer.measure_update(
            session, actor=actor, measure_id=measure.id, data=MeasureUpdate(**item["change"])
        )
        changed += 1
    return changed


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Freeze a report, change some measures, freeze the second (only when none exists)."""
    if report_service.report_list(session, actor=actor):
        return {"reports": 0, "changed_measures": 0}
    report_service.report_create(session, actor=actor, title=DATA["first_title"])
    changed = _progress(session, actor)
    report_service.report_create(session, actor=actor, title=DATA["second_title"])
    return {"reports": 2, "changed_measures": changed}
