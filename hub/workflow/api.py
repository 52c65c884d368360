"""``/api/v1/…`` of the workflow area: the inbox, decisions, and workflows (administrators)."""

from __future__ import annotations

from flask import Response, g, request

from hub.api import ApiBlueprint
from hub.extensions import db
from hub.models import Item
from hub.permissions import can_view_item, require
from hub.workflow import engine, store
from hub.workflow.api_schemas import (
    AssignmentArgs,
    AssignmentSchema,
    DecisionArgs,
    DecisionList,
    DecisionSchema,
    InboxArgs,
    InboxPageSchema,
    NoteArgs,
    VersionArgs,
    WorkflowBody,
    WorkflowDetail,
    WorkflowList,
    WorkflowSaved,
)
from hub.workflow.document import from_yaml
from hub.workflow.errors import NotFound
from hub.workflow.inbox import inbox_page
from hub.workflow.loader import ensure_templates
from hub.workflow.models import Decision, WorkflowAssignment

bp = ApiBlueprint("workflow_api", __name__, url_prefix="/api/v1", description="Inbox, decisions and workflows")

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/plain")
#: a definition may also be sent as YAML text (``?note=`` then carries the note)
YAML_BODY = {
    "content": {
        "application/yaml": {"schema": {"type": "string", "description": "the definition as YAML (docs/workflows.md)"}}
    }
}


def _item(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or not can_view_item(g.user, item):
        raise NotFound("Konten tidak ditemukan.", "Item not found.")
    return item


def _workflow(code: str):
    ensure_templates()
    workflow = store.get_workflow(code)
    if workflow is None:
        raise NotFound(f"Alur kerja {code} tidak ditemukan.", f"Workflow {code} not found.")
    return workflow


def decision_json(d: Decision) -> dict:
    return {
        "id": d.id,
        "item_id": d.item_id,
        "step_id": d.step_id,
        "step": d.step.step_key,
        "decision": d.decision,
        "return_to": d.return_to,
        "comment": d.comment,
        "checklist": d.checklist,
        "actor": {"id": d.actor.id, "name": d.actor.display_name} if d.actor else None,
        "acting_for": {"id": d.acting_for.id, "name": d.acting_for.display_name, "kind": d.acting_kind}
        if d.acting_for
        else None,
        "due_at": d.due_at.isoformat() if d.due_at else None,
        "decided_at": d.decided_at.isoformat(),
        "late": d.late,
    }


@bp.get("/inbox")
@require()
@bp.arguments(InboxArgs, location="query")
@bp.response(200, InboxPageSchema)
def inbox(args):
    """What waits for you: open steps of your roles and your own steps and drafts, overdue first.

    ``limit`` entries (default 50, at most 200) from ``offset``; ``next_offset`` is the offset of the
    next page, null on the last one; ``total`` counts every entry over all pages."""
    limit, offset = args["limit"], args["offset"]
    page = inbox_page(g.user, limit, offset, with_total=True)
    return {
        "entries": [e.as_dict() for e in page.entries],
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "next_offset": page.next_offset,
    }


@bp.get("/items/<int:item_id>/decisions")
@require()
@bp.response(200, DecisionList)
def list_decisions(item_id: int):
    """Every decision taken on the item, oldest first."""
    item = _item(item_id)
    rows = db.session.execute(db.select(Decision).where(Decision.item_id == item.id).order_by(Decision.id)).scalars()
    return {"decisions": [decision_json(d) for d in rows]}


@bp.post("/items/<int:item_id>/decisions")
@require()  # who decides which step: hub.workflow.access.check_can_act
@bp.arguments(DecisionArgs)
@bp.response(201, DecisionSchema)
def decide(data, item_id: int):
    """Approve, return (to the creator or the previous step, with a comment) or reject (with a comment)
    the current step. Approving a step with a checklist needs every checklist code confirmed.

    409 ``conflict``: the step was decided by someone else, or is not the current one."""
    from hub.items.service import parse_datetime
    from hub.workflow.calendar import office_timezone

    item = _item(item_id)
    publish_at = parse_datetime(data.get("publish_at"), "publish_at", office_timezone(item_organisation(item)))
    return decision_json(
        engine.decide(
            item.id,
            g.user,
            data["decision"],
            step_id=data.get("step_id"),
            comment=data.get("comment") or "",
            return_to=data.get("return_to"),
            checklist=list(data.get("checklist") or []),
            publish_at=publish_at,
        )
    )


def item_organisation(item: Item):
    from hub.models import Organisation

    return db.session.get(Organisation, item.organisation_id)


@bp.get("/workflows")
@require()
@bp.response(200, WorkflowList)
def list_workflows():
    """Every workflow with its newest version's steps."""
    ensure_templates()
    return {"workflows": [store.summary(w) for w in store.list_workflows()]}


@bp.post("/workflows")
@require("workflow.manage")
@bp.arguments(NoteArgs, location="query")
@bp.arguments(WorkflowBody)
@bp.doc(requestBody=YAML_BODY)
@bp.response(201, WorkflowSaved)
@bp.alt_response(200, schema=WorkflowSaved, description="The same as the newest version: nothing stored")
def import_workflow(query, body):
    """Import a workflow: a new one, or a new version of the one with its code.

    The body is JSON (``{"definition": {…}, "note": "…"}``, or the definition itself) or YAML text
    (``Content-Type: application/yaml``, the note in ``?note=``)."""
    return _save(None, query, body)


@bp.get("/workflows/<code>")
@require()
@bp.response(200, WorkflowDetail)
def read_workflow(code: str):
    """One workflow: its newest definition, its versions and its assignments."""
    workflow = _workflow(code)
    data = store.summary(workflow)
    data["definition"] = store.get_version(workflow).definition
    data["versions"] = [
        {"number": v.number, "origin": v.origin, "note": v.note, "created_at": v.created_at.isoformat()}
        for v in workflow.versions
    ]
    data["assignments"] = [assignment_json(a) for a in assignments_of(workflow)]
    return data


@bp.put("/workflows/<code>")
@require("workflow.manage")
@bp.arguments(NoteArgs, location="query")
@bp.arguments(WorkflowBody)
@bp.doc(requestBody=YAML_BODY)
@bp.response(201, WorkflowSaved)
@bp.alt_response(200, schema=WorkflowSaved, description="The same as the newest version: nothing stored")
def edit_workflow(query, body, code: str):
    """Edit a workflow: the definition is stored as its next version (items already started keep theirs).

    JSON or YAML text, as for the import."""
    _workflow(code)
    return _save(code, query, body)


@bp.get("/workflows/<code>/yaml")
@require()
@bp.arguments(VersionArgs, location="query")
@bp.response(200, {"type": "string"}, content_type="application/yaml", description="The definition as YAML")
def export_workflow(args, code: str):
    """The workflow's definition as YAML (``?version=N`` for an older one)."""
    workflow = _workflow(code)
    text = store.export_yaml(workflow, args.get("version"))
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{workflow.code}.yaml"'},
    )


@bp.post("/workflows/<code>/assignments")
@require("workflow.manage")
@bp.arguments(AssignmentArgs)
@bp.response(201, AssignmentSchema)
def add_assignment(data, code: str):
    """Assign the workflow: make items of an office / kind / channel follow it."""
    from hub.workflow.assignments import create_assignment

    return assignment_json(create_assignment(_workflow(code), data, g.user))


@bp.delete("/workflows/<code>/assignments/<int:assignment_id>")
@require("workflow.manage")
@bp.response(204)
def delete_assignment(code: str, assignment_id: int):
    """Remove an assignment."""
    from hub.workflow.assignments import remove_assignment

    remove_assignment(_workflow(code), assignment_id, g.user)


def assignments_of(workflow) -> list[WorkflowAssignment]:
    return list(
        db.session.execute(
            db.select(WorkflowAssignment).filter_by(workflow_id=workflow.id).order_by(WorkflowAssignment.id)
        ).scalars()
    )


def assignment_json(a: WorkflowAssignment) -> dict:
    return {
        "id": a.id,
        "organisation_id": a.organisation_id,
        "organisation_kinds": a.organisation_kinds,
        "kinds": a.kinds,
        "channels": a.channels,
        "priority": a.priority,
    }


def _save(expected_code: str | None, query: dict, body: dict):
    from hub.workflow.assignments import save_workflow

    if request.mimetype in YAML_TYPES:
        data, note = from_yaml(request.get_data(as_text=True)), query["note"]
    else:
        data, note = body.get("definition", body), str(body.get("note", ""))
    workflow, version, created = save_workflow(data, g.user, note=note, expected_code=expected_code)
    payload = store.summary(workflow)
    payload["version_created"] = created
    return payload, 201 if created else 200
