"""Who acts for whom now: the roles a person acts in under a delegation (Plh./Plt.), the
separation-of-duties check for an acting official, and who to notify besides a role's holders.

The delegations themselves (making, revoking, listing) are in :mod:`hub.workflow.delegations`;
the time is :func:`hub.workflow.delegations.now` (tests replace its clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hub.extensions import db
from hub.models import Item, User
from hub.permissions import has_permission
from hub.workflow.delegation_models import Delegation
from hub.workflow.delegations import active_clause, now
from hub.workflow.errors import NotAllowed
from hub.workflow.models import Decision, StepInstance


def active_for_delegate(user: User, moment: dt.datetime | None = None) -> list[Delegation]:
    """The delegations ``user`` acts under now, oldest first."""
    moment = moment or now()
    return list(
        db.session.execute(
            db.select(Delegation)
            .where(Delegation.delegate_id == user.id, Delegation.ends_at > moment, active_clause(moment))
            .order_by(Delegation.id)
        )
        .unique()
        .scalars()
    )


def acting_roles(user: User | None, moment: dt.datetime | None = None) -> dict[str, Delegation]:
    """Role code -> the delegation under which ``user`` acts in it now, for the roles ``user`` does
    not hold themself and the delegator still holds (a role taken from the official ends its acting)."""
    if user is None or not user.is_active or not has_permission(user, "item.decide"):
        return {}
    own = user.role_codes
    found: dict[str, Delegation] = {}
    for row in active_for_delegate(user, moment):
        for role in row.roles:
            if role not in own and role not in found and role in row.delegator.role_codes:
                found[role] = row
    return found


def decided_another_step(user_id: int, item_id: int, step_index: int) -> bool:
    """Whether ``user_id`` decided a step of the item other than ``step_index`` (any round)."""
    return (
        db.session.execute(
            db.select(Decision.id)
            .join(StepInstance, StepInstance.id == Decision.step_id)
            .where(Decision.item_id == item_id, Decision.actor_id == user_id, StepInstance.step_index != step_index)
            .limit(1)
        ).first()
        is not None
    )


def decided_another_step_clause(user_id: int):
    """SQL: the open step's item has a decision by ``user_id`` on another step (correlated to ``StepInstance``)."""
    decided = db.aliased(StepInstance)
    return (
        db.select(Decision.id)
        .join(decided, decided.id == Decision.step_id)
        .where(
            Decision.item_id == StepInstance.item_id,
            Decision.actor_id == user_id,
            decided.step_index != StepInstance.step_index,
        )
        .exists()
    )


def check_acting(user: User, item: Item, step_index: Callable[[], int], roles: set[str]) -> Delegation | None:
    """The delegation under which ``user`` may decide a step of ``roles`` on ``item`` now; None when
    none covers it. Raises :class:`NotAllowed` when one covers it but separation of duties forbids.
    ``step_index`` gives the step's position (asked only when a delegation covers it)."""
    acting = acting_roles(user)
    row = next((acting[r] for r in sorted(roles) if r in acting), None)
    if row is None:
        return None
    if user.id == item.created_by_id:  # checked before by the caller too; kept for the rule's sake
        raise NotAllowed(
            "Anda membuat konten ini; keputusan harus diambil orang lain.",
            "You created this item; someone else must decide on it.",
        )
    if decided_another_step(user.id, item.id, step_index()):
        raise NotAllowed(
            f"Anda sudah memutuskan langkah lain konten ini; sebagai {row.kind_label()} Anda tidak dapat"
            " memutuskannya lagi.",
            f"You already decided another step of this item; as {row.kind_label()} you cannot decide it again.",
        )
    return row


def delegates_for(roles: set[str], item: Item, step_index: int | None = None) -> list[User]:
    """The people acting now in one of ``roles`` for someone who holds it (for notifications):
    active, deciding, not the item's creator, and (when ``step_index`` is given) not having
    decided another step of the item."""
    if not roles:
        return []
    moment = now()
    rows = (
        db.session.execute(
            db.select(Delegation).where(Delegation.ends_at > moment, active_clause(moment)).order_by(Delegation.id)
        )
        .unique()
        .scalars()
    )
    people: dict[int, User] = {}
    for row in rows:
        if not set(row.roles) & roles & row.delegator.role_codes:
            continue
        user = row.delegate
        if user.id == item.created_by_id or not user.is_active or not has_permission(user, "item.decide"):
            continue
        if step_index is not None and decided_another_step(user.id, item.id, step_index):
            continue
        people[user.id] = user
    return list(people.values())
