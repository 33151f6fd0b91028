"""Coverage pages: /infrastruktur (map of layers and the sensor hub's locations with legend,
the planning check form, the upload form for staff), /infrastruktur/things (Things by risk)
and /infrastruktur/massnahmen/{id} (a measure's planned deployments, also the section the
measure page loads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Invalid
from domstadt.infrastructure import coverage_plan_service as plan_service
from domstadt.infrastructure import coverage_service as service
from domstadt.infrastructure.coverage.features import KINDS
from domstadt.infrastructure.coverage.schemas import CheckRequest, DeploymentCreate
from domstadt.infrastructure.coverage.verdict import DEFAULT_RADIUS_M, LABELS
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
KIND_LABELS = {
    "lorawan-gateway": "LoRaWAN gateways",
    "mobile-site": "Mobile sites",
    "wlan-hotspot": "WLAN hotspots",
    "broadband-area": "Broadband areas",
    "grid-cell": "Measured grid cells",
}
STATUS_LABELS = {"covered": "Covered", "edge": "At the edge", "gap": "Gap", "unknown": "Unknown"}


def _labels() -> dict[str, Any]:
    return {
        "KINDS": KINDS,
        "KIND_LABELS": KIND_LABELS,
        "NETWORKS": LABELS,
        "RADII": DEFAULT_RADIUS_M,
        "STATUS_LABELS": STATUS_LABELS,
    }


def _page(request: Request, session: Any, actor: Any, status: int = 200, **extra: Any) -> Response:
    _ = gettext_for(request)
    return render(
        request,
        "coverage/page.html",
        {
            "title": _("Coverage and IoT planning"),
            "layers": service.layer_list(session, actor=actor),
            "can_edit": actor.can(Permission.CONTENT_EDIT),
            **_labels(),
            **extra,
        },
        status_code=status,
    )


@router.get("/infrastruktur")
def page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The map with the layers and sensor locations, the check form and (staff) the upload
    (JSON: /api/v1/infrastructure/layers)."""
    return _page(request, session, actor)


def _float(form: Any, name: str) -> float:
    return float(str(form.get(name) or "").strip().replace(",", "."))


@router.post("/infrastruktur/pruefen", dependencies=[Depends(verify_csrf_form)])
def check_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Check a planned point (JSON: POST /api/v1/infrastructure/check)."""
    _ = gettext_for(request)
    values = {k: str(form.get(k) or "") for k in ("lon", "lat", "network", "device_type")}
    try:
        data = CheckRequest(
            lon=_float(form, "lon"),
            lat=_float(form, "lat"),
            network=values["network"],
            device_type=values["device_type"],
        )
        result = service.check(session, actor=actor, data=data)
    except (ValueError, ValidationError):
        error = _("Please enter longitude and latitude as numbers and choose a network.")
        return _page(request, session, actor, 422, check_error=error, values=values)
    except Invalid as exc:
        return _page(request, session, actor, 422, check_error=exc.message, values=values)
    return _page(request, session, actor, result=result, values=values)


@router.post("/infrastruktur/ebenen", dependencies=[Depends(verify_csrf_form)])
def upload_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Import a coverage file (staff; CLI: domstadt infrastructure coverage import)."""
    _ = gettext_for(request)
    upload = form.get("file")
    fields = {k: str(form.get(k) or "") for k in ("kind", "source", "licence", "date", "crs")}
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _page(
            request, session, actor, 422, upload_error=_("Please choose a file."), fields=fields
        )
    try:
        day = dt.date.fromisoformat(fields["date"])
    except ValueError:
        return _page(
            request,
            session,
            actor,
            422,
            fields=fields,
            upload_error=_("Please give the date of the data as YYYY-MM-DD."),
        )
    try:
        layer = service.layer_import(
            session,
            actor=actor,
            content=upload.file.read(),
            filename=upload.filename,
            kind=fields["kind"],
            source=fields["source"],
            licence=fields["licence"],
            data_date=day,
            crs=fields["crs"] or None,
        )
    except Invalid as exc:
        return _page(request, session, actor, 422, upload_error=exc.message, fields=fields)
    return RedirectResponse(f"/infrastruktur?ebene={layer.id}", status_code=303)


@router.get("/infrastruktur/things")
def things(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The sensor hub's Things checked for a network, by risk (JSON:
    /api/v1/infrastructure/things)."""
    _ = gettext_for(request)
    network = request.query_params.get("network", "lorawan")
    if network not in LABELS:
        network = "lorawan"
    result = service.things_check(session, actor=actor, network=network)
    return render(
        request,
        "coverage/things.html",
        {"title": _("Sensor locations by coverage risk"), "result": result, **_labels()},
    )


def _measure(
    request: Request, session: Any, actor: Any, measure_id: int, status: int = 200, **extra: Any
) -> Response:
    _ = gettext_for(request)
    found = plan_service.measure_coverage(session, actor=actor, measure_id=measure_id)
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "coverage/measure_fragment.html" if fragment else "coverage/measure.html",
        {
            "title": _("Planned sensor deployments"),
            "coverage": found,
            "measure_id": measure_id,
            "can_edit": actor.can(Permission.CONTENT_EDIT),
            **_labels(),
            **extra,
        },
        status_code=status,
    )


@router.get("/infrastruktur/massnahmen/{measure_id}")
def measure_page(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """A measure's planned deployments and where coverage is missing; with ``HX-Request`` only
    the section (JSON: /api/v1/measures/{id}/deployments)."""
    return _measure(request, session, actor, measure_id)


@router.post(
    "/infrastruktur/massnahmen/{measure_id}/standorte", dependencies=[Depends(verify_csrf_form)]
)
def deployment_post(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Add a planned deployment (editors of the measure's department)."""
    _ = gettext_for(request)
    try:
        data = DeploymentCreate(
            name=str(form.get("name") or ""),
            device_type=str(form.get("device_type") or ""),
            network=str(form.get("network") or ""),
            lon=_float(form, "lon"),
            lat=_float(form, "lat"),
        )
        plan_service.deployment_add(session, actor=actor, measure_id=measure_id, data=data)
    except (ValueError, ValidationError):
        error = _("Please fill in name, device type, network, longitude and latitude.")
        return _measure(request, session, actor, measure_id, 422, error=error)
    except Invalid as exc:
        return _measure(request, session, actor, measure_id, 422, error=exc.message)
    return RedirectResponse(f"/infrastruktur/massnahmen/{measure_id}", status_code=303)


@router.post(
    "/infrastruktur/standorte/{deployment_id}/loeschen", dependencies=[Depends(verify_csrf_form)]
)
def deployment_delete_post(
    request: Request, deployment_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Remove a planned deployment."""
    measure_id = str(form.get("measure_id") or "")
    plan_service.deployment_delete(session, actor=actor, deployment_id=deployment_id)
    target = f"/infrastruktur/massnahmen/{measure_id}" if measure_id.isdigit() else "/infrastruktur"
    return RedirectResponse(target, status_code=303)
