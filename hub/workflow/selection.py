"""Which workflow an item follows: chosen from its office, the office's kind, its kind and channels.

Every :class:`~hub.workflow.models.WorkflowAssignment` whose criteria all match the item
is a candidate (an empty criterion matches anything; ``channels`` matches when the item
targets at least one of them). The most specific wins: a named office counts 8, an
office kind 4, an item kind 2, a channel 1; then the higher ``priority``, then the older row.
Templates add one assignment each (their ``applies_to``); administrators add more per office.
"""

from __future__ import annotations

from hub.extensions import db
from hub.models import Item, Organisation
from hub.workflow.errors import NoWorkflow
from hub.workflow.models import Workflow, WorkflowAssignment


def score(assignment: WorkflowAssignment, item: Item, org: Organisation | None) -> int | None:
    """How specifically ``assignment`` matches ``item`` (None: it does not)."""
    points = 0
    if assignment.organisation_id is not None:
        if assignment.organisation_id != item.organisation_id:
            return None
        points += 8
    if assignment.organisation_kinds:
        if org is None or org.kind not in assignment.organisation_kinds:
            return None
        points += 4
    if assignment.kinds:
        if item.kind not in assignment.kinds:
            return None
        points += 2
    if assignment.channels:
        if not set(assignment.channels) & set(item.channel_names):
            return None
        points += 1
    return points


def select_workflow(item: Item) -> Workflow:
    """The active workflow for ``item``; raises :class:`NoWorkflow` when none applies."""
    from hub.workflow.loader import ensure_templates

    ensure_templates()
    org = db.session.get(Organisation, item.organisation_id)
    rows = db.session.execute(
        db.select(WorkflowAssignment)
        .join(Workflow, Workflow.id == WorkflowAssignment.workflow_id)
        .where(Workflow.is_active.is_(True))
        .order_by(WorkflowAssignment.id)
    ).scalars()
    best: tuple[int, int, int] | None = None
    chosen: Workflow | None = None
    for row in rows:
        points = score(row, item, org)
        if points is None:
            continue
        key = (points, row.priority, -row.id)
        if best is None or key > best:
            best, chosen = key, row.workflow
    if chosen is None:
        raise NoWorkflow(
            f"Tidak ada alur kerja untuk konten jenis {item.kind!r} ke kanal {', '.join(item.channel_names) or '-'}; "
            "hubungi administrator.",
            f"No workflow applies to a {item.kind!r} item for {', '.join(item.channel_names) or '-'}; "
            "ask an administrator to assign one.",
        )
    return chosen


def unassigned_channels(names, *, load_templates: bool = True) -> list[str]:
    """Those of the channel ``names`` for which no item could get a workflow: no assignment of an
    active workflow names the channel or accepts any channel. Their items are refused at
    submission (422 ``no_workflow``); ``hub plugins`` and the workflow admin page list them.
    ``load_templates=False`` reads only (``hub db upgrade`` loads the templates)."""
    if load_templates:
        from hub.workflow.loader import ensure_templates

        ensure_templates()
    rows = db.session.execute(
        db.select(WorkflowAssignment.channels)
        .join(Workflow, Workflow.id == WorkflowAssignment.workflow_id)
        .where(Workflow.is_active.is_(True))
    ).scalars()
    covered: set[str] = set()
    for channels in rows:
        if not channels:
            return []  # an assignment for any channel: every channel has a workflow
        covered.update(channels)
    return sorted(set(names) - covered)
