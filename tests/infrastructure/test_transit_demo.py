"""The demo step: the real VBB extract, generated measurements, the published gap map; a
second load adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from domstadt.core import config
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import transit
from domstadt.infrastructure import transit_service
from tests.masterplan.conftest import plan  # noqa: F401  (fixture)


def test_demo_step_is_idempotent(
    plan: Database,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    try:
        with plan.session() as session:
            first = transit.load(session, system_actor("demo"))
        with plan.session() as session:
            second = transit.load(session, system_actor("demo"))
            overview = transit_service.gap_overview(session, actor=system_actor("demo"))
    finally:
        config.get_settings.cache_clear()
    assert first["transit_segments"] == 327 and first["connectivity_measurements"] > 3000
    assert second["connectivity_measurements"] == 0
    assert overview.measurements == first["connectivity_measurements"]
    assert overview.worst[0].quality == "bad" and overview.worst[0].confidence != "low"
    assert len(overview.operators) == 3 and len(overview.trend) == 6
