"""Workflows as data: definitions and their versions, which workflow an item follows, and
the item's way through it (its state, one row per step it entered, one decision per step).

A :class:`Workflow` is identified by its ``code``; its steps live in
:class:`WorkflowVersion` rows (the definition dict of ``docs/workflows.md``), never
changed once written: editing a workflow adds a version, and an item keeps the version
it started with (:class:`ItemWorkflow`).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, literal, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.item import Item
from hub.models.org import User


class StepStatus(enum.StrEnum):
    """Where one step instance is."""

    OPEN = "open"  #: waiting for its role (or the creator) to act
    APPROVED = "approved"  #: approved / done; the item moved on
    RETURNED = "returned"  #: sent back for revision
    REJECTED = "rejected"  #: the item was refused here
    SUBMITTED = "submitted"  #: a preparation step closed by the creator's submission
    CANCELLED = "cancelled"  #: closed without a decision (item withdrawn)


class Workflow(Base):
    __tablename__ = "workflow"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: stable code ("media_request"); the YAML's ``code``
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name_id: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    #: the office that runs it (its working calendar counts the time limits); None: the operator office
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    #: "bundled", "plugin:<name>" or "custom" (imported or created by an administrator)
    source: Mapped[str] = mapped_column(String(80), default="custom")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: number of the newest version (new items start with it)
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    versions: Mapped[list[WorkflowVersion]] = relationship(
        back_populates="workflow", order_by="WorkflowVersion.number", cascade="all, delete-orphan"
    )

    def name(self, lang: str = "id") -> str:
        return (self.name_id if lang == "id" else self.name_en) or self.name_id or self.code


class WorkflowVersion(Base):
    __tablename__ = "workflow_version"
    __table_args__ = (UniqueConstraint("workflow_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: the validated definition (the YAML as a dict)
    definition: Mapped[dict] = mapped_column(JSON, default=dict)
    #: sha256 of the canonical definition: loading the same template twice adds nothing
    digest: Mapped[str] = mapped_column(String(64), default="")
    #: "template" (written by the loader) or "admin" (imported or edited by a person)
    origin: Mapped[str] = mapped_column(String(20), default="admin")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    workflow: Mapped[Workflow] = relationship(back_populates="versions")


class WorkflowAssignment(Base):
    """Which workflow items follow: matched on the office, its kind, the item kind and channels.

    Empty criteria match everything. The most specific matching row wins (see
    :mod:`hub.workflow.selection`). Templates add one row with their ``applies_to``.
    """

    __tablename__ = "workflow_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow.id", ondelete="CASCADE"), index=True)
    #: one office only (None: every office)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    #: Organisation.kind values ("operator", "requester"); [] = any
    organisation_kinds: Mapped[list] = mapped_column(JSON, default=list)
    #: Item.kind values; [] = any
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    #: channel names; [] = any, else the item must target at least one of them
    channels: Mapped[list] = mapped_column(JSON, default=list)
    #: breaks ties between equally specific rows (higher wins)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    workflow: Mapped[Workflow] = relationship()


class ItemWorkflow(Base):
    """An item's place in its workflow. ``revision`` is bumped by every transition with a
    conditional UPDATE, so of two simultaneous decisions exactly one is applied."""

    __tablename__ = "item_workflow"

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    workflow_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_version.id"), index=True)
    #: index of the current step in the version's ``steps`` (None: finished or not started)
    step_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the step that returned the item; it re-enters there after the revision
    resume_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    item: Mapped[Item] = relationship()
    version: Mapped[WorkflowVersion] = relationship(lazy="joined")


OPEN_WHERE = "status = 'open'"
OPEN_INCLUDE = ["id", "step_index", "step_key", "workflow_version_id", "started_at"]


class StepInstance(Base):
    """One entry of an item into one step: who must act, since when, by when, and the outcome."""

    __tablename__ = "workflow_step"
    #: the inbox's and the dashboard's open steps of some roles by due time: a partial index of the
    #: few open steps among the hundreds of thousands decided
    __table_args__ = (
        Index(
            "ix_workflow_step_open_role_due_at",
            "role",
            "due_at",
            "item_id",
            # PostgreSQL: what the inbox and the dashboard read of a step, for index-only scans
            postgresql_include=OPEN_INCLUDE,
            postgresql_where=text(OPEN_WHERE),
            sqlite_where=text(OPEN_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    workflow_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_version.id"))
    step_index: Mapped[int] = mapped_column(Integer)
    step_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    #: role code, "channel_admin" or "creator"
    role: Mapped[str] = mapped_column(String(50), index=True)
    #: 1 for the first entry into this step, 2 after a return…
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=StepStatus.OPEN.value, index=True)
    #: the time limit as written in the definition ("10m", "1d"), "" when none
    time_limit: Mapped[str] = mapped_column(String(20), default="")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: when the overdue job flagged it and notified (once)
    overdue_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: the date name the due time is anchored to (the definition's ``due.anchor``), "" for a plain limit;
    #: the overdue sweep re-reads the dates of these steps before flagging them
    due_anchor: Mapped[str] = mapped_column(String(60), default="", server_default="")
    #: every change of the due time after the step opened: [{"at", "from", "to", "anchor"}] (ISO texts)
    due_changes: Mapped[list | None] = mapped_column(JSON, nullable=True)
    #: when the step, still open, is overdue by its own time limit again: its supervisor is told
    escalate_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: when the supervisor was told (once)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    decided_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def late(self) -> bool:
        """Decided after its due time, or still open past it."""
        if self.due_at is None:
            return False
        return (self.decided_at or utcnow()) > self.due_at


class Decision(Base):
    """A person's (or the dispatcher's) decision on one step instance: at most one per step."""

    __tablename__ = "workflow_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("workflow_step.id", ondelete="CASCADE"), unique=True)
    #: None when the hub decided (the publish step completed by the dispatch outcome)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: "approve", "return" or "reject"
    decision: Mapped[str] = mapped_column(String(20))
    #: for returns: "creator" or "previous"
    return_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    #: checklist codes the person confirmed
    checklist: Mapped[list] = mapped_column(JSON, default=list)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the official the actor acted for (an acting official, Plh./Plt.: :mod:`hub.workflow.delegations`)
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: "plh" or "plt" when the actor acted for someone
    acting_kind: Mapped[str | None] = mapped_column(String(3), nullable=True)
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegation.id"), nullable=True)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])
    acting_for: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[acting_for_id])
    step: Mapped[StepInstance] = relationship()


class WorkingCalendar(Base):
    """An office's working hours: weekday ("0" = Monday) -> list of ["HH:MM", "HH:MM"] intervals.

    The time zone is the office's (``Organisation.timezone``, else ``HUB_TIMEZONE``).
    Offices without a row use :data:`hub.workflow.calendar.DEFAULT_HOURS`.
    """

    __tablename__ = "working_calendar"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    hours: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Holiday(Base):
    """A day without working hours: for one office, or for every office (``organisation_id`` None)."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=True, index=True
    )
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")


#: "the step is open" with 'open' written in the statement, not bound: the planners of PostgreSQL and
#: SQLite use a partial index (``WHERE status = 'open'``) only when they see the value
OPEN_STEP = StepInstance.status == literal(StepStatus.OPEN.value, literal_execute=True)
