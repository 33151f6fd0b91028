"""The demo step imports the real hotspots and Bonn gateways and the sample layers once and
plans points for the sensor measures that exist."""

from __future__ import annotations

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import coverage
from domstadt.infrastructure import coverage_plan_service, coverage_service
from tests.masterplan.conftest import add_measure


def test_demo_step_is_idempotent(plan: Database) -> None:
    measure = add_measure(plan, code="SC-04", title="Bodenfeuchtesensoren für Stadtbäume")
    actor = system_actor("demo")
    with plan.session() as session:
        first = coverage.load(session, actor)
    with plan.session() as session:
        again = coverage.load(session, actor)
    assert first == {"coverage_layers": 5, "deployments": 3}
    assert again == {"coverage_layers": 0, "deployments": 0}
    with plan.session() as session:
        layers = coverage_service.layer_list(session, actor=actor)
        planned = coverage_plan_service.measure_coverage(
            session, actor=actor, measure_id=measure.id
        )
    assert {layer.feature_count for layer in layers.items} == {200, 9, 8, 6, 36}
    status = {d.name: d.check.status for d in planned.items}
    assert status["Baum Königsforst"] == "gap" and status["Baum Stadtgarten"] == "covered"
