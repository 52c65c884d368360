"""The inbox: what waits for a person — steps of their roles, the creator's own steps and
drafts — with due times, overdue first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.extensions import db
from hub.models import Item, ItemChannel, ItemStatus, User, utcnow
from hub.permissions import can_view_item
from hub.workflow import state as st
from hub.workflow.access import CREATOR, can_act
from hub.workflow.definition import CHANNEL_ADMIN
from hub.workflow.models import ItemWorkflow, StepInstance, StepStatus


@dataclass
class InboxEntry:
    item: Item
    step: StepInstance | None  #: None for a draft not submitted yet
    name_id: str
    name_en: str

    @property
    def due_at(self) -> dt.datetime | None:
        return self.step.due_at if self.step else None

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < utcnow()

    def name(self, lang: str = "id") -> str:
        return self.name_id if lang == "id" else self.name_en

    def as_dict(self) -> dict:
        return {
            "item_id": self.item.id,
            "title": self.item.title,
            "status": self.item.status,
            "step_id": self.step.id if self.step else None,
            "step": self.step.step_key if self.step else None,
            "name": {"id": self.name_id, "en": self.name_en},
            "role": self.step.role if self.step else CREATOR,
            "started_at": self.step.started_at.isoformat() if self.step else None,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "overdue": self.overdue,
            "url": f"/items/{self.item.id}",
        }


def _administered_channels(user: User) -> list[str]:
    """The channels whose admin role ``user`` holds (they act on those items' ``channel_admin`` steps)."""
    from hub.plugins import plugins

    mine = user.role_codes
    return sorted(name for name, channel in plugins().channels.items() if channel.admin_role in mine)


def inbox_for(user: User, limit: int = 200) -> list[InboxEntry]:
    """Open steps ``user`` may act on now, plus their own drafts; overdue first, then by due time.

    One statement for the open steps with their items and workflow states: only the
    ``channel_admin`` steps of items on a channel ``user`` administers are read.
    """
    roles = sorted(user.role_codes)
    candidates = [
        StepInstance.role.in_(roles),
        db.and_(StepInstance.role == CREATOR, Item.created_by_id == user.id),
    ]
    administered = _administered_channels(user)
    if administered:
        on_my_channel = (
            db.select(ItemChannel.id)
            .where(ItemChannel.item_id == StepInstance.item_id, ItemChannel.channel.in_(administered))
            .exists()
        )
        candidates.append(db.and_(StepInstance.role == CHANNEL_ADMIN, on_my_channel))
    rows = db.session.execute(
        db.select(StepInstance, Item, ItemWorkflow)
        .join(Item, Item.id == StepInstance.item_id)
        .join(
            ItemWorkflow,
            db.and_(ItemWorkflow.item_id == StepInstance.item_id, ItemWorkflow.step_index == StepInstance.step_index),
        )
        .where(StepInstance.status == StepStatus.OPEN.value)
        .where(db.or_(*candidates))
        .order_by(StepInstance.id)
    ).all()
    entries = []
    for instance, item, state in rows:
        if not can_view_item(user, item):
            continue
        step = st.definition_of(state).steps[instance.step_index]
        if step.kind == "prepare" or can_act(user, item, step):
            entries.append(InboxEntry(item, instance, step.name_id, step.name_en))
    drafts = db.session.execute(
        db.select(Item)
        .where(Item.created_by_id == user.id, Item.status == ItemStatus.DRAFT.value)
        .order_by(Item.updated_at.desc())
        .limit(limit)
    ).scalars()
    entries.extend(InboxEntry(d, None, "Draf belum diajukan", "Draft, not submitted yet") for d in drafts)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: (not e.overdue, e.due_at or far, e.item.id))
    return entries[:limit]
