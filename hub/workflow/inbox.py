"""The inbox: what waits for a person — steps of their roles, the creator's own steps and
drafts — with due times, overdue first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hub.extensions import db
from hub.models import Item, ItemChannel, ItemStatus, User, utcnow
from hub.permissions import has_permission, visible_items_clause
from hub.workflow import store
from hub.workflow.access import CREATOR
from hub.workflow.definition import CHANNEL_ADMIN
from hub.workflow.models import OPEN_STEP, ItemWorkflow, StepInstance, WorkflowVersion


@dataclass
class InboxEntry:
    #: the item's ``id``, ``title``, ``status``, ``created_at`` (a row of those columns, not the whole item)
    item: Any
    #: the open step's ``id``, ``step_key``, ``role``, ``started_at``, ``due_at``; None for a draft not submitted yet
    step: Any
    name_id: str
    name_en: str
    #: the delegation under which the person acts on this step (Plh./Plt.), None in their own right
    acting: Any = None

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
            "acting_for": None
            if self.acting is None
            else {
                "id": self.acting.delegator_id,
                "name": self.acting.delegator.display_name,
                "kind": self.acting.kind,
                "delegation_id": self.acting.id,
            },
            "url": f"/items/{self.item.id}",
        }


@dataclass
class InboxPage:
    entries: list[InboxEntry]
    #: the offset of the next page, None on the last one
    next_offset: int | None
    #: every entry over all pages (``with_total``), else None
    total: int | None = None


def _administered_channels(user: User, roles: set[str] | None = None) -> list[str]:
    """The channels whose admin role ``user`` holds (they act on those items' ``channel_admin`` steps);
    with ``roles``, the channels whose admin role is one of those."""
    from hub.plugins import plugins

    mine = user.role_codes if roles is None else roles
    return sorted(name for name, channel in plugins().channels.items() if channel.admin_role in mine)


def _sort_key(entry: InboxEntry):
    # overdue first, then by due time, undated (and drafts) last: due time ascending, by item id
    return (entry.due_at is None, entry.due_at or _FAR, entry.item.id)


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def first_open_steps(columns: dict, branches: list[tuple[str, Any]], limit: int, *, current_only: bool = False):
    """The first ``limit`` open steps by due time (undated last, then by item id) among ``branches``.

    ``branches`` are ``(role, condition)``: the open steps of that role whose item meets the
    condition (``Item`` is joined). One subquery per role walks ``ix_workflow_step_open_role_due_at``
    in due order and stops after ``limit`` rows that qualify, so a page reads about ``limit`` steps
    and items per role whatever the number of open steps in the province; the union of those is
    sorted once more. ``columns`` maps result names to columns of ``StepInstance``, ``Item`` or
    ``WorkflowVersion``; ``due_at`` and ``item_id`` are always selected. ``current_only``: only the
    step the item's workflow is at (``ItemWorkflow.step_index``).
    """
    columns = {"due_at": StepInstance.due_at, "item_id": StepInstance.item_id, **columns}
    parts = []
    for role, condition in branches:
        stmt = (
            db.select(*(col.label(name) for name, col in columns.items()))
            .select_from(StepInstance)
            .join(Item, Item.id == StepInstance.item_id)
            .join(WorkflowVersion, WorkflowVersion.id == StepInstance.workflow_version_id)
            .where(OPEN_STEP, StepInstance.role == role, condition)
            .order_by(StepInstance.due_at.asc().nulls_last(), StepInstance.item_id)
            .limit(limit)
        )
        if current_only:
            # a correlated lookup by primary key per row, not a join: the planner keeps walking the
            # index in due order and stops at ``limit`` (a join made it hash all of item_workflow)
            at = db.select(ItemWorkflow.step_index).where(ItemWorkflow.item_id == StepInstance.item_id)
            stmt = stmt.where(StepInstance.step_index == at.scalar_subquery())
        parts.append(db.select(stmt.subquery()))
    if not parts:
        return []
    union = (db.union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    return db.session.execute(
        db.select(union).order_by(union.c.due_at.asc().nulls_last(), union.c.item_id).limit(limit)
    ).all()


def _on_channels(channels: list[str]):
    return (
        db.select(ItemChannel.id)
        .where(ItemChannel.item_id == StepInstance.item_id, ItemChannel.channel.in_(channels))
        .exists()
    )


def may_act_branches(user: User, acting: dict | None = None) -> list[tuple[str, Any]]:
    """The open steps ``user`` may act on now, per role (the rule of :func:`hub.workflow.access.can_act`).

    The creator's own steps (preparation, ``by_creator`` tasks); with ``item.decide``, the steps
    of the user's roles and the ``channel_admin`` steps of items on a channel they administer,
    never on an item they created (separation of duties). Each only on items ``user`` may see.
    An acting official (``acting``: :func:`hub.workflow.acting.acting_roles`, read when not
    given) also has the steps of the roles they act in, except on items where they decided
    another step.
    """
    from hub.workflow.acting import acting_roles, decided_another_step_clause

    visible = visible_items_clause(user)
    branches = [(CREATOR, db.and_(Item.created_by_id == user.id, visible))]
    if user.is_active and has_permission(user, "item.decide"):
        others = db.and_(Item.created_by_id != user.id, visible)
        branches += [(role, others) for role in sorted(user.role_codes - {CREATOR, CHANNEL_ADMIN})]
        administered = _administered_channels(user)
        if administered:
            branches.append((CHANNEL_ADMIN, db.and_(_on_channels(administered), others)))
        acting = acting_roles(user) if acting is None else acting
        if acting:
            not_twice = db.and_(others, ~decided_another_step_clause(user.id))
            branches += [(role, not_twice) for role in sorted(set(acting) - {CREATOR, CHANNEL_ADMIN})]
            for_them = sorted(set(_administered_channels(user, set(acting))) - set(administered))
            if for_them:
                mine = ~_on_channels(administered) if administered else db.true()
                branches.append((CHANNEL_ADMIN, db.and_(_on_channels(for_them), mine, not_twice)))
    return branches


def inbox_page(user: User, limit: int = 50, offset: int = 0, *, with_total: bool = False) -> InboxPage:
    """Open steps ``user`` may act on now, plus their own drafts; overdue first, then by due time.

    Who may act, which items they may see, the order and the page are all decided in SQL: two
    statements (the open steps with their items' titles, the drafts) read at most ``offset +
    limit + 1`` narrow rows per role, whatever the number of open steps in the province (see
    :func:`first_open_steps`); the definitions that name the steps are parsed once per process.
    """
    from hub.workflow.acting import acting_roles

    wanted = offset + limit + 1
    acting = acting_roles(user)
    steps = first_open_steps(
        {
            "id": StepInstance.id,
            "step_index": StepInstance.step_index,
            "step_key": StepInstance.step_key,
            "role": StepInstance.role,
            "started_at": StepInstance.started_at,
            "workflow_version_id": StepInstance.workflow_version_id,
            "digest": WorkflowVersion.digest,
            "title": Item.title,
            "status": Item.status,
            "created_at": Item.created_at,
        },
        may_act_branches(user, acting),
        wanted,
        current_only=True,
    )
    own = user.role_codes
    definitions = store.parsed_versions({row.workflow_version_id: row.digest for row in steps})
    entries = []
    for row in steps:
        wf_def = definitions.get(row.workflow_version_id)
        item = _ItemRow(row.item_id, row.title, row.status, row.created_at)
        entries.append(
            InboxEntry(
                item,
                row,
                store.step_name(wf_def, row.step_index, row.step_key, "id"),
                store.step_name(wf_def, row.step_index, row.step_key, "en"),
                acting.get(row.role) if row.role not in own else None,
            )
        )
    drafts = db.session.execute(
        db.select(Item.id, Item.title, Item.status, Item.created_at)
        .where(Item.created_by_id == user.id, Item.status == ItemStatus.DRAFT.value)
        .order_by(Item.id)
        .limit(wanted)
    ).all()
    entries.extend(InboxEntry(d, None, "Draf belum diajukan", "Draft, not submitted yet") for d in drafts)
    entries.sort(key=_sort_key)
    more = len(entries) > offset + limit
    total = inbox_total(user, acting) if with_total else None
    return InboxPage(entries[offset : offset + limit], offset + limit if more else None, total)


def inbox_total(user: User, acting: dict | None = None) -> int:
    """How many entries :func:`inbox_page` has over all its pages: one COUNT over the same open
    steps (per role, the step the item is at) and the person's drafts."""
    from hub.workflow.acting import acting_roles

    at = db.select(ItemWorkflow.step_index).where(ItemWorkflow.item_id == StepInstance.item_id)
    parts = [
        db.select(StepInstance.id.label("id"))
        .select_from(StepInstance)
        .join(Item, Item.id == StepInstance.item_id)
        .where(OPEN_STEP, StepInstance.role == role, condition, StepInstance.step_index == at.scalar_subquery())
        for role, condition in may_act_branches(user, acting_roles(user) if acting is None else acting)
    ]
    parts.append(
        db.select(Item.id.label("id")).where(Item.created_by_id == user.id, Item.status == ItemStatus.DRAFT.value)
    )
    union = db.union_all(*parts).subquery()
    return db.session.execute(db.select(db.func.count()).select_from(union)).scalar_one()


@dataclass(frozen=True)
class _ItemRow:
    id: int
    title: str
    status: str
    created_at: dt.datetime


def inbox_for(user: User, limit: int = 200) -> list[InboxEntry]:
    """The first ``limit`` entries of :func:`inbox_page`."""
    return inbox_page(user, limit).entries
