"""What the approver decides for the screens besides approving: *serta-merta* and the public-need exception.

SOP 000 lets content the public needs be shown longer than H-7..H+1, and an urgent
(*serta-merta*) item interrupts the screens' loop. Neither is the creator's to claim: the
person who may decide the item's current step (a verifier, the Kepala Bidang, the Kepala
Dinas; never the creator) marks it on ``/videotron/items/<id>`` while the item waits for a
decision. The final approval checks the window again with the mark.
"""

from __future__ import annotations

from hub_videotron.declarations import set_mark

from hub.sdk import Item, User, may_decide, record_audit
from hub.sdk import deciding_step as sdk_deciding_step

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
    return sdk_deciding_step(item)


def may_mark(user: User | None, item: Item) -> bool:
    """True when ``user`` may decide the item's current step (so may mark it for the screens)."""
    return may_decide(user, item)


def set_marks(item: Item, user: User, values: dict[str, bool]) -> dict[str, tuple[bool, bool]]:
    """Set the marks named in ``values``; returns ``{mark: (old, new)}`` of those that changed (audited)."""
    changed = {}
    for mark in MARKS:
        old = bool((item.extra or {}).get(mark))
        if mark in values and old != bool(values[mark]):
            changed[mark] = (old, bool(values[mark]))
            set_mark(item, mark, bool(values[mark]))
    if changed:
        record_audit(
            "videotron.item_marked",
            actor=user,
            target_type="item",
            target_id=item.id,
            details={mark: new for mark, (_old, new) in changed.items()},
        )
    return changed
