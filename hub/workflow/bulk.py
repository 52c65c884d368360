"""Bulk decisions from the inbox: several items waiting at the same step of the same workflow
version, approved (or returned, with one comment) together.

Nothing here decides anything itself: each item goes through :func:`hub.workflow.engine.decide`
in its own transaction, so each gets its own decision, audit entry and notifications, and one
item refused (its channels' checks, someone else decided it meanwhile, separation of duties)
does not stop the others. What is checked once for the whole selection: the items are at one
step of one workflow version (:func:`selection_of`), the decision is approve or return, and —
when approving a step with the SOP checklist — every point is confirmed (the checklist is shown
once and recorded on each decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.extensions import db
from hub.models import Item, User
from hub.permissions import visible_items_clause
from hub.workflow import engine, store
from hub.workflow.checks import require_checklist
from hub.workflow.definition import StepDef, WorkflowDef
from hub.workflow.errors import InvalidRequest, WorkflowError
from hub.workflow.models import OPEN_STEP, StepInstance, WorkflowVersion

#: at most this many items in one bulk decision
MAX_ITEMS = 100
DECISIONS = ("approve", "return")


@dataclass
class Selection:
    """The items chosen, at one step of one workflow version."""

    #: item id -> (title, the open step's id)
    items: dict[int, tuple[str, int]]
    #: ids asked for that are not waiting at any step (or that the person may not see)
    missing: list[int]
    version_id: int | None
    wf: WorkflowDef | None
    step: StepDef | None

    @property
    def checklist(self) -> list:
        return list(self.wf.checklist) if self.wf is not None and self.step is not None and self.step.checklist else []


@dataclass
class Outcome:
    """What happened to one item of a bulk decision."""

    item_id: int
    title: str
    decision: Any = None  #: the :class:`~hub.workflow.models.Decision` written
    error: WorkflowError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict:
        from hub.workflow.api import decision_json

        return {
            "item_id": self.item_id,
            "title": self.title,
            "ok": self.ok,
            "status": 201 if self.ok else self.error.status,
            "decision": decision_json(self.decision) if self.decision is not None else None,
            "error": error_json(self.error) if self.error is not None else None,
        }


def error_json(error: WorkflowError) -> dict:
    """One item's refusal in a bulk answer, in the words of a problem: ``code``, ``detail`` in the
    caller's language, ``lang``, and the rule's extensions (``field``, ``problems``…)."""
    from hub.api.problems import caller_language

    lang = caller_language()
    return {**error.details, "code": error.code, "detail": error.message(lang), "lang": lang}


def parse_ids(values) -> list[int]:
    """Item ids from a form's or a body's list (``12``, ``"12"``, ``{"item_id": 12}``), in order, once each."""
    ids: list[int] = []
    for value in values or ():
        raw = value.get("item_id") if isinstance(value, dict) else value
        try:
            number = int(str(raw).split(":")[0])
        except (TypeError, ValueError):
            raise InvalidRequest(
                f"Nomor konten tidak valid: {raw!r}.", f"Not a valid item number: {raw!r}.", field="items"
            ) from None
        if number not in ids:
            ids.append(number)
    if not ids:
        raise InvalidRequest("Pilih minimal satu konten.", "Select at least one item.", field="items")
    if len(ids) > MAX_ITEMS:
        raise InvalidRequest(
            f"Paling banyak {MAX_ITEMS} konten sekaligus.", f"At most {MAX_ITEMS} items at once.", field="items"
        )
    return ids


def selection_of(user: User, item_ids: list[int], step_ids: dict[int, int] | None = None) -> Selection:
    """The open steps of ``item_ids`` that ``user`` may see, read in one statement; raises
    :class:`InvalidRequest` (``field="items"``, with ``groups``) when they are at different steps
    or workflow versions. An item whose open step is not the one in ``step_ids`` (it moved on
    since the person looked) counts as missing, not as another step."""
    rows = db.session.execute(
        db.select(
            StepInstance.item_id,
            StepInstance.id,
            StepInstance.workflow_version_id,
            StepInstance.step_index,
            WorkflowVersion.digest,
            Item.title,
        )
        .join(Item, Item.id == StepInstance.item_id)
        .join(WorkflowVersion, WorkflowVersion.id == StepInstance.workflow_version_id)
        .where(OPEN_STEP, StepInstance.item_id.in_(item_ids), visible_items_clause(user))
    ).all()
    step_ids = step_ids or {}
    rows = [r for r in rows if step_ids.get(r.item_id, r.id) == r.id]
    groups = {(r.workflow_version_id, r.step_index) for r in rows}
    definitions = store.parsed_versions({r.workflow_version_id: r.digest for r in rows})
    if len(groups) > 1:
        names = sorted(
            {
                (store.step_name(definitions.get(v), i, "?", "id"), store.step_name(definitions.get(v), i, "?", "en"))
                for v, i in groups
            }
        )
        raise InvalidRequest(
            "Hanya konten pada langkah yang sama dari versi alur kerja yang sama yang dapat diputuskan bersama;"
            " pilihan ini ada di: " + "; ".join(n[0] for n in names) + ".",
            "Only items at the same step of the same workflow version can be decided together; this selection is"
            " at: " + "; ".join(n[1] for n in names) + ".",
            field="items",
            groups=[{"workflow_version_id": v, "step_index": i} for v, i in sorted(groups)],
        )
    found = {r.item_id: (r.title, r.id) for r in rows}
    version_id, index = next(iter(groups)) if groups else (None, None)
    wf = definitions.get(version_id) if version_id is not None else None
    step = wf.steps[index] if wf is not None and index is not None and index < len(wf.steps) else None
    ordered = {i: found[i] for i in item_ids if i in found}
    return Selection(ordered, [i for i in item_ids if i not in found], version_id, wf, step)


def decide_many(
    user: User,
    item_ids: list[int],
    decision: str,
    *,
    comment: str = "",
    return_to: str | None = None,
    checklist=(),
    step_ids: dict[int, int] | None = None,
) -> list[Outcome]:
    """Decide each item's current step as ``user``, one transaction per item; an outcome per item
    in the order asked. ``step_ids`` (item id -> the step the person looked at) refuses an item
    that moved on since; by default the step open when the selection was read."""
    if decision not in DECISIONS:
        raise InvalidRequest(
            "Keputusan bersama hanya setujui atau kembalikan.",
            "A bulk decision is approve or return only.",
            field="decision",
        )
    comment = (comment or "").strip()
    if decision == "return" and not comment:
        raise InvalidRequest(
            "Tuliskan alasan pengembalian (satu komentar untuk semua).",
            "Write why the items are returned (one comment for all).",
            field="comment",
        )
    step_ids = step_ids or {}
    selection = selection_of(user, item_ids, step_ids)
    if decision == "approve" and selection.checklist:
        require_checklist(selection.wf, checklist)
    outcomes = []
    for item_id in item_ids:
        if item_id not in selection.items:
            from hub.workflow.errors import DecisionConflict

            outcomes.append(
                Outcome(
                    item_id,
                    "",
                    error=DecisionConflict(
                        "Konten ini tidak lagi menunggu keputusan pada langkah itu (sudah diputuskan). Muat ulang.",
                        "This item is no longer waiting for a decision at that step (it was decided). Reload.",
                    ),
                )
            )
            continue
        title, open_step_id = selection.items[item_id]
        try:
            record = engine.decide(
                item_id,
                user,
                decision,
                step_id=open_step_id,
                comment=comment,
                return_to=return_to,
                checklist=list(checklist or ()),
            )
        except WorkflowError as exc:
            db.session.rollback()
            outcomes.append(Outcome(item_id, title, error=exc))
            continue
        outcomes.append(Outcome(item_id, title, decision=record))
    return outcomes
