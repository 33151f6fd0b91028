"""Editors' pages of the registry: the duplicate review queue and the import with preview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth.permissions import Permission, check
from domstadt.core.errors import Invalid
from domstadt.core.json_limits import parse_json
from domstadt.masterplan.registry import import_service, review_service
from domstadt.masterplan.registry.models import SuggestionStatus
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
MAX_UPLOAD = 8 * 1024 * 1024


@router.get("/initiativen/dubletten")
def queue(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    status: SuggestionStatus = SuggestionStatus.OPEN,
) -> Response:
    """Suggested duplicates to confirm or reject (JSON twin: /api/v1/duplicate-suggestions)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    items = review_service.suggestion_list(session, actor=actor, status=status)
    context = {
        "title": _("Duplicate review"),
        "items": items,
        "status": status.value,
        "statuses": list(SuggestionStatus),
    }
    return render(request, "registry/duplicates.html", context)


@router.post("/initiativen/dubletten/{suggestion_id}/{decision}", dependencies=[CsrfChecked])
def decide(
    request: Request,
    suggestion_id: int,
    decision: str,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Confirm ('bestaetigen': merge) or reject ('ablehnen') a suggestion."""
    note = str(form.get("note", ""))[:2000]
    if decision == "bestaetigen":
        review_service.suggestion_confirm(
            session, actor=actor, suggestion_id=suggestion_id, note=note
        )
    elif decision == "ablehnen":
        review_service.suggestion_reject(
            session, actor=actor, suggestion_id=suggestion_id, note=note
        )
    else:
        raise Invalid("Entscheidung muss 'bestaetigen' oder 'ablehnen' sein.", field="decision")
    return RedirectResponse("/initiativen/dubletten", status_code=303)


@router.get("/initiativen/import")
def import_form(request: Request, actor: ActorDep) -> Response:
    """Upload form: a file, an optional column mapping, check only or import."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    check(actor, Permission.CONTENT_EDIT)
    _ = gettext_for(request)
    context = {"title": _("Import initiatives"), "report": None, "mapping": "", "error": None}
    return render(request, "registry/import.html", context)


def _mapping(text: str) -> dict[str, str] | None:
    if not text.strip():
        return None
    try:
        value = parse_json(text, field="mapping")
    except Invalid:
        raise Invalid("Die Zuordnung ist kein gültiges JSON.", field="mapping") from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Invalid('Zuordnung als {"title": "Spaltenname", …} angeben.', field="mapping")
    return {str(k): v for k, v in value.items()}


@router.post("/initiativen/import", dependencies=[CsrfChecked])
def import_run(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form(max_length=4000)] = "",
    dry_run: Annotated[str, Form(max_length=1)] = "1",
) -> Response:
    """Check the file (dry run) or import it; show mapping, first rows and row errors. A plain
    ``def``: reading and importing run in a worker thread, never in the event loop."""
    check(actor, Permission.CONTENT_EDIT)
    _ = gettext_for(request)
    context: dict[str, Any] = {"title": _("Import initiatives"), "report": None, "mapping": mapping}
    content = file.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        context["error"] = _("The file is larger than 8 MB.")
        return render(request, "registry/import.html", context, status_code=413)
    try:
        report = import_service.initiatives_import(
            session,
            actor=actor,
            content=content,
            filename=file.filename or "upload.csv",
            mapping=_mapping(mapping),
            dry_run=dry_run != "0",
            max_rows=request.app.state.settings.max_import_rows,
        )
    except Invalid as exc:
        context["error"] = exc.message
        return render(request, "registry/import.html", context, status_code=422)
    context.update(report=report, error=None)
    status = 422 if report.errors else 200
    return render(request, "registry/import.html", context, status_code=status)
