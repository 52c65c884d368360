"""Who acts on a step: its role's holders, the admins of the item's channels, or the creator.

Separation of duties: nobody decides a step of an item they created. The creator only
closes the preparation steps (by submitting) and the tasks a definition marks
``by_creator`` (e.g. attaching the documents received); neither is an approval.
"""

from __future__ import annotations

from hub.extensions import db
from hub.models import Item, User, UserRole
from hub.permissions import has_permission
from hub.workflow.definition import CHANNEL_ADMIN, StepDef
from hub.workflow.errors import NotAllowed

#: StepInstance.role of the steps the item's creator does
CREATOR = "creator"


def instance_role(step: StepDef) -> str:
    """What a step instance stores as its role: a role code, ``channel_admin`` or ``creator``."""
    return CREATOR if step.kind == "prepare" or step.by_creator else step.role


def channel_admin_roles(item: Item) -> set[str]:
    from hub.plugins import plugins

    channels = plugins().channels
    return {channels[name].admin_role for name in item.channel_names if name in channels}


def step_roles(step: StepDef, item: Item) -> set[str]:
    """The role codes that may act on ``step`` of ``item`` (empty for the creator's steps)."""
    if step.kind == "prepare" or step.by_creator:
        return set()
    if step.role == CHANNEL_ADMIN:
        return channel_admin_roles(item)
    return {step.role}


def check_can_act(user: User, item: Item, step: StepDef, step_index: int | None = None):
    """Raise :class:`NotAllowed` (with the reason) unless ``user`` may decide ``step`` now.

    Returns the :class:`~hub.workflow.delegation_models.Delegation` when ``user`` acts for
    someone (an acting official, Plh./Plt.), None when they act in their own right. An acting
    official never decides an item on which they decided another step (``step_index``, the
    step's position; its key is looked up in the item's workflow when not given).
    """
    from hub.roles import role_label

    if user is None or not user.is_active:
        raise NotAllowed("Silakan masuk terlebih dahulu.", "Please log in first.")
    if step.kind == "prepare":
        raise NotAllowed(
            "Langkah ini diselesaikan pembuat konten dengan mengajukan konten.",
            "The creator completes this step by submitting the item.",
        )
    if step.by_creator:
        if user.id != item.created_by_id:
            raise NotAllowed("Langkah ini dikerjakan oleh pembuat konten.", "This step is done by the item's creator.")
        return
    if user.id == item.created_by_id:
        raise NotAllowed(
            "Anda membuat konten ini; keputusan harus diambil orang lain.",
            "You created this item; someone else must decide on it.",
        )
    roles = step_roles(step, item)
    if not (has_permission(user, "item.decide") and user.role_codes & roles):
        from hub.workflow.acting import check_acting

        acting = check_acting(user, item, lambda: _step_index(item, step, step_index), roles)
        if acting is not None:
            return acting
        names_id = ", ".join(sorted(role_label(r, "id") for r in roles)) or "-"
        names_en = ", ".join(sorted(role_label(r, "en") for r in roles)) or "-"
        raise NotAllowed(
            f"Langkah '{step.name_id}' diputuskan oleh {names_id}.",
            f"Step '{step.name_en}' is decided by {names_en}.",
        )

    return None


def _step_index(item: Item, step: StepDef, step_index: int | None) -> int:
    if step_index is not None:
        return step_index
    from hub.workflow import state as st

    state = st.state_of(item)
    keys = [s.key for s in st.definition_of(state).steps] if state is not None else []
    return keys.index(step.key) if step.key in keys else -1


def can_act(user: User | None, item: Item, step: StepDef) -> bool:
    try:
        check_can_act(user, item, step)
    except NotAllowed:
        return False
    return True


def holders(item: Item, step: StepDef) -> list[User]:
    """The active people who act on ``step`` (the creator for the creator's steps)."""
    if step.kind == "prepare" or step.by_creator:
        creator = db.session.get(User, item.created_by_id)
        return [creator] if creator is not None and creator.is_active else []
    roles = step_roles(step, item)
    if not roles:
        return []
    users = db.session.execute(
        db.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(sorted(roles)), User.is_active.is_(True), User.id != item.created_by_id)
        .order_by(User.id)
        .distinct()
    ).scalars()
    own = [u for u in users if has_permission(u, "item.decide")]
    # the acting officials (Plh./Plt.) of those roles are told too
    from hub.workflow.acting import delegates_for

    seen = {u.id for u in own}
    return own + [u for u in delegates_for(roles, item, _step_index(item, step, None)) if u.id not in seen]
