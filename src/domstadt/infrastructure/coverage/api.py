"""Coverage JSON API (twins of /infrastruktur): layers and their GeoJSON, the planning check
of a point, the Things by risk and the planned deployments of measures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from domstadt.core.auth.permissions import Permission
from domstadt.infrastructure import coverage_plan_service as plan_service
from domstadt.infrastructure import coverage_service as service
from domstadt.infrastructure.coverage.schemas import (
    CheckRequest,
    CheckResult,
    DeploymentCreate,
    DeploymentPublic,
    LayerList,
    MeasureCoverage,
    Network,
    ThingCheckList,
)
from domstadt.web.deps import OPEN_TO_ANYONE, ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(
    prefix="/api/v1", tags=["infrastructure"], dependencies=[Depends(verify_csrf_api)]
)


@router.get("/infrastructure/layers", summary="Coverage layers")
def layers(session: SessionDep, actor: ActorDep) -> LayerList:
    """Every imported layer with kind, source, licence, date and number of features."""
    return service.layer_list(session, actor=actor)


@router.get("/infrastructure/layers/{layer_id}", summary="One coverage layer as GeoJSON")
def layer(layer_id: int, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """A GeoJSON FeatureCollection in WGS84; `layer` holds the metadata; each feature's
    properties hold `name`, `networks`, `available`, `value`, `unit` and the file's columns (a
    column with one of these names as `datei_<name>`)."""
    return service.layer_geojson(session, actor=actor, layer_id=layer_id)


@router.delete(
    "/infrastructure/layers/{layer_id}",
    status_code=204,
    summary="Delete a layer",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def layer_delete(layer_id: int, session: SessionDep, actor: ActorDep) -> None:
    """Editors only; the layer's features go with it."""
    service.layer_delete(session, actor=actor, layer_id=layer_id)


@router.post(
    "/infrastructure/check",
    summary="Check a planned sensor deployment",
    openapi_extra=OPEN_TO_ANYONE,
)
def check(data: CheckRequest, session: SessionDep, actor: ActorDep) -> CheckResult:
    """`status`: covered, edge (beyond 75 % of the radius), gap or unknown (no data for the
    network); `basis`: measured (a grid cell) or modelled (nearest site and default radius:
    LoRaWAN 2 km, NB-IoT 3 km, LTE-M 2 km, WLAN 100 m; `radius_m` overrides);
    `reason_de`/`reason_en` say why. A point outside Germany or with latitude and longitude
    swapped is refused (422)."""
    return service.check(session, actor=actor, data=data)


@router.get("/infrastructure/things", summary="Sensor hub Things checked, by risk")
def things(
    session: SessionDep, actor: ActorDep, network: Annotated[Network, Query()] = "lorawan"
) -> ThingCheckList:
    """Every Thing's point Location checked for `network`; gaps first, then unknown, edge and
    covered."""
    return service.things_check(session, actor=actor, network=network)


@router.get("/measures/{measure_id}/deployments", summary="Planned deployments of a measure")
def measure_deployments(measure_id: int, session: SessionDep, actor: ActorDep) -> MeasureCoverage:
    """Each planned point with its check; `missing` counts gaps and unknowns."""
    return plan_service.measure_coverage(session, actor=actor, measure_id=measure_id)


@router.post(
    "/measures/{measure_id}/deployments",
    status_code=201,
    summary="Add a planned deployment",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def deployment_add(
    measure_id: int, data: DeploymentCreate, session: SessionDep, actor: ActorDep
) -> DeploymentPublic:
    """Editors of the measure's lead department."""
    return plan_service.deployment_add(session, actor=actor, measure_id=measure_id, data=data)


@router.delete(
    "/infrastructure/deployments/{deployment_id}",
    status_code=204,
    summary="Remove a deployment",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def deployment_delete(deployment_id: int, session: SessionDep, actor: ActorDep) -> None:
    """Editors of the measure's lead department."""
    plan_service.deployment_delete(session, actor=actor, deployment_id=deployment_id)
