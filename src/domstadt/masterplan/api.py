"""Masterplan JSON API."""

from __future__ import annotations

from fastapi import APIRouter

from domstadt.masterplan import service
from domstadt.masterplan.schemas import Taxonomy
from domstadt.web.deps import ActorDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["masterplan"])


@router.get("/taxonomy", summary="Fields of action and sectors")
def taxonomy(session: SessionDep, actor: ActorDep) -> Taxonomy:
    """JSON twin of /masterplan."""
    return service.taxonomy(session, actor=actor)
