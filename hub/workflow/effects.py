"""What a workflow transition does besides moving the item: the audit entry and the
notifications (both in the same transaction), then, after the commit, the dispatch kick
and the ``item_status_changed`` hook.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import lazyload

from hub.extensions import db
from hub.models import Item, ItemStatus, User
from hub.workflow.access import holders
from hub.workflow.definition import StepDef
from hub.workflow.models import StepInstance

log = logging.getLogger(__name__)


@dataclass
class AfterCommit:
    """What to do once the transition's transaction has committed."""

    item_id: int
    old_status: str | None = None
    new_status: str | None = None
    kick: bool = False
    extra: list = field(default_factory=list)
    #: publication state changes made in the transaction, announced once it committed
    publication_events: list = field(default_factory=list)
    #: False when the transition left the item without an open step (nothing can fall overdue)
    schedule_overdue: bool = True

    def run(self) -> None:
        from hub.workflow.overdue import schedule_open_steps

        if self.publication_events:
            from hub.dispatch import transitions

            transitions.notify(self.publication_events)
        if self.kick:
            from hub.dispatch import kick

            try:
                kick([self.item_id])
            except Exception:  # noqa: BLE001 - rows are committed; the maintenance loop relays them
                log.exception("could not hand item %s's publications to the queue now", self.item_id)
        if self.schedule_overdue:  # after the kick: the publish jobs do not wait for it
            schedule_open_steps(self.item_id)
        if self.new_status and self.new_status != self.old_status:
            from hub.plugins import plugins

            item = db.session.get(Item, self.item_id)
            try:
                plugins().hook.item_status_changed(
                    item=item, old_status=ItemStatus(self.old_status), new_status=ItemStatus(self.new_status)
                )
            except Exception:  # noqa: BLE001 - a listener's bug must not undo a committed decision
                log.exception("item_status_changed listener failed for item %s", self.item_id)


def commit(after: AfterCommit) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    after.run()


def audit(action: str, *, actor: User | None, item: Item, details: dict) -> None:
    from hub.audit import record

    record(action, actor=actor, target_type="item", target_id=item.id, details=details)


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def step_details(instance: StepInstance | None, step: StepDef | None) -> dict:
    if instance is None or step is None:
        return {}
    return {
        "step": step.key,
        "step_name": step.name_id,
        "role": instance.role,
        "round": instance.round,
        "started_at": iso(instance.started_at),
        "due_at": iso(instance.due_at),
    }


def _due_text(instance: StepInstance, cal) -> tuple[str, str]:
    if instance.due_at is None:
        return "", ""
    from hub.dates import format_moment

    due_id = format_moment(instance.due_at, cal.tz, "id", "long")
    due_en = format_moment(instance.due_at, cal.tz, "en", "long")
    return f" Batas waktu: {due_id}.", f" Due: {due_en}."


def notify_step(item: Item, step: StepDef, instance: StepInstance | None, cal) -> None:
    """Tell whoever acts on the step just entered that it waits for them."""
    from hub.notify.service import notify

    if instance is None:
        return
    due_id, due_en = _due_text(instance, cal)
    if step.kind == "prepare":
        return  # the creator is told by the return notification
    notify(
        holders(item, step),
        "step_waiting",
        item_id=item.id,
        url=f"/items/{item.id}",
        title_id=f"Menunggu tindakan Anda: {item.title}",
        title_en=f"Waiting for you: {item.title}",
        body_id=f"Langkah: {step.name_id}.{due_id}",
        body_en=f"Step: {step.name_en}.{due_en}",
        data={
            "item": item.title,
            "step_id": step.name_id,
            "step_en": step.name_en,
            "due_id": due_id.removeprefix(" Batas waktu: ").rstrip("."),
            "due_en": due_en.removeprefix(" Due: ").rstrip("."),
        },
    )


def notify_creator(item: Item, kind: str, title_id: str, title_en: str, body_id: str = "", body_en: str = "") -> list:
    """Add the creator's notification (not committed); returns the rows added."""
    from hub.notify.service import notify

    return notify(
        # the person's own columns: their roles are not needed to notify them
        [db.session.get(User, item.created_by_id, options=(lazyload(User.roles),))],
        kind,
        item_id=item.id,
        url=f"/items/{item.id}",
        title_id=title_id,
        title_en=title_en,
        body_id=body_id,
        body_en=body_en,
    )


# --- acting officials (Plh./Plt.): what a decision taken for someone records ---------------------


def acting_columns(acting) -> dict:
    """The :class:`~hub.workflow.models.Decision` columns of a decision taken under ``acting``."""
    if acting is None:
        return {}
    return {"acting_for_id": acting.delegator_id, "acting_kind": acting.kind, "delegation_id": acting.id}


def acting_details(acting) -> dict:
    """The audit details of a decision taken under ``acting`` ("Plh. …, a.n. <official>")."""
    if acting is None:
        return {}
    return {
        "acting_for": {"id": acting.delegator_id, "name": acting.delegator.display_name},
        "acting_kind": acting.kind,
        "delegation_id": acting.id,
    }


_DECISION_WORDS = {
    "approve": ("disetujui", "approved"),
    "return": ("dikembalikan", "returned"),
    "reject": ("ditolak", "rejected"),
}


def notify_acted_for(item: Item, acting, user: User, decision: str, step: StepDef) -> None:
    """Tell the official that their acting official decided a step for them."""
    from hub.notify.service import notify

    word_id, word_en = _DECISION_WORDS.get(decision, (decision, decision))
    notify(
        [acting.delegator],
        "acted_for",
        item_id=item.id,
        url=f"/items/{item.id}",
        title_id=f"{acting.kind_label()} {user.display_name} memutuskan atas nama Anda: {item.title}",
        title_en=f"{acting.kind_label()} {user.display_name} decided on your behalf: {item.title}",
        body_id=f"Langkah: {step.name_id}. Keputusan: {word_id}.",
        body_en=f"Step: {step.name_en}. Decision: {word_en}.",
    )
