"""What the approver decides for the screens besides approving: *serta-merta* and the public-need exception.

SOP 000 lets content the public needs be shown longer than H-7..H+1, and an urgent
(*serta-merta*) item interrupts the screens' loop. Neither is the creator's to claim: the
person who may decide the item's current step (a verifier, the Kepala Bidang, the Kepala
Dinas; never the creator) marks it on ``/videotron/items/<id>`` while the item waits for a
decision. The final approval checks the window again with the mark.
"""

from __future__ import annotations

from hub_videotron.declarations import set_mark

from hub.audit import record
from hub.models import Item, User

#: the marks and their (Bahasa Indonesia, English) names
MARKS = {
    "urgent": ("Serta-merta (diputar lebih dulu, menyela putaran)", "Urgent (serta-merta: plays first, interrupts)"),
    "public_need_exception": (
        "Pengecualian kebutuhan masyarakat (masa tayang boleh melebihi H-7..H+1)",
        "Public-need exception (the window may exceed H-7..H+1)",
    ),
}


def deciding_step(item: Item):
    """The review or approval step the item waits on (up to the final approval), or None."""
    from hub.workflow import state as st

    state = st.state_of(item)
    if state is None or state.step_index is None:
        return None
    current = st.open_step(item.id)
    if current is None or current.step_index != state.step_index:
        return None
    wf = st.definition_of(state)
    if state.step_index > wf.approval_index:  # approved: the publication is made, the marks are settled
        return None
    step = wf.steps[state.step_index]
    return None if step.kind == "prepare" or step.by_creator else step


def may_mark(user: User | None, item: Item) -> bool:
    """True when ``user`` may decide the item's current step (so may mark it for the screens)."""
    from hub.workflow.access import can_act

    step = deciding_step(item)
    return step is not None and user is not None and can_act(user, item, step)


def set_marks(item: Item, user: User, values: dict[str, bool]) -> dict[str, tuple[bool, bool]]:
    """Set the marks named in ``values``; returns ``{mark: (old, new)}`` of those that changed (audited)."""
    changed = {}
    for mark in MARKS:
        old = bool((item.extra or {}).get(mark))
        if mark in values and old != bool(values[mark]):
            changed[mark] = (old, bool(values[mark]))
            set_mark(item, mark, bool(values[mark]))
    if changed:
        record(
            "videotron.item_marked",
            actor=user,
            target_type="item",
            target_id=item.id,
            details={mark: new for mark, (_old, new) in changed.items()},
        )
    return changed
