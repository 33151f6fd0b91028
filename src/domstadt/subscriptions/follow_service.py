"""The "Folgen" button's state for a signed-in person: whether they follow a target
(challenge, event, organisation, …) and unfollowing it in one step. Following itself is
``service.subscribe``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.errors import DomainError
from domstadt.subscriptions import service
from domstadt.subscriptions.models import Subscription


def _mine(session: Session, actor: Actor, kind: str, target_id: int) -> list[int]:
    if actor.user_id is None:
        return []
    return list(
        session.scalars(
            select(Subscription.id)
            .where(
                Subscription.user_id == actor.user_id,
                Subscription.target_kind == kind,
                Subscription.target_id == target_id,
            )
            .order_by(Subscription.id)
        )
    )


@public("tells the acting person only about their own subscriptions (none when anonymous)")
def following(session: Session, *, actor: Actor, kind: str, target_id: int) -> bool:
    """True when the signed-in actor follows the target (by e-mail digest or webhook)."""
    return bool(_mine(session, actor, kind, target_id))


@requires(Permission.ACCOUNT_SELF)
def unfollow(session: Session, *, actor: Actor, kind: str, target_id: int) -> str:
    """End all of the actor's subscriptions to the target (each audited as
    ``subscription.cancel``); returns the target's page (or the list of one's
    subscriptions when the target is gone)."""
    for subscription_id in _mine(session, actor, kind, target_id):
        service.subscription_cancel(session, actor=actor, subscription_id=subscription_id)
    try:
        return service.target_page(session, actor=actor, kind=kind, target_id=target_id)[1]
    except DomainError:  # an unknown or hidden target: back to one's list
        return "/konto/abonnements"
