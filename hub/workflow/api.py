"""``/api/v1/…`` of the workflow area: the inbox, decisions, and workflows (administrators)."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from hub.api import api_doc, json_body
from hub.extensions import db
from hub.inputs import int_arg
from hub.models import Item
from hub.permissions import can_view_item, require
from hub.workflow import engine, store
from hub.workflow.document import from_yaml
from hub.workflow.errors import InvalidRequest, NotFound
from hub.workflow.inbox import inbox_page
from hub.workflow.loader import ensure_templates
from hub.workflow.models import Decision, WorkflowAssignment

bp = Blueprint("workflow_api", __name__, url_prefix="/api/v1")

DECISION_SCHEMA = {
    "type": "object",
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "return", "reject"]},
        "step_id": {"type": "integer", "description": "the step you looked at (recommended)"},
        "comment": {"type": "string", "description": "required to return or reject"},
        "return_to": {"type": "string", "enum": ["creator", "previous"]},
        "checklist": {"type": "array", "items": {"type": "string"}, "description": "confirmed checklist codes"},
        "publish_at": {"type": "string", "format": "date-time", "description": "final approval only"},
    },
    "required": ["decision"],
}
WORKFLOW_SCHEMA = {
    "description": "A workflow definition (docs/workflows.md) as JSON, or YAML text with Content-Type "
    "application/yaml; optional `note`.",
    "type": "object",
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
def inbox():
    """What waits for you: open steps of your roles and your own steps and drafts, overdue first.

    ``limit`` entries (default 50, at most 200) from ``offset``; ``next_offset`` is the offset of the
    next page, null on the last one."""
    page = inbox_page(g.user, int_arg("limit", 50, lo=1, hi=200), int_arg("offset", 0, hi=100_000))
    return jsonify(entries=[e.as_dict() for e in page.entries], next_offset=page.next_offset)


@bp.get("/items/<int:item_id>/decisions")
@require()
def list_decisions(item_id: int):
    """Every decision taken on the item, oldest first."""
    item = _item(item_id)
    rows = db.session.execute(db.select(Decision).where(Decision.item_id == item.id).order_by(Decision.id)).scalars()
    return jsonify(decisions=[decision_json(d) for d in rows])


@bp.post("/items/<int:item_id>/decisions")
@require()  # who decides which step: hub.workflow.access.check_can_act
@api_doc(
    "Decide the item's current step",
    request_schema=DECISION_SCHEMA,
    responses={201: "Decided", 409: "The step was decided by someone else, or is not the current one"},
)
def decide(item_id: int):
    """Approve, return (to the creator or the previous step, with a comment) or reject (with a comment)
    the current step. Approving a step with a checklist needs every checklist code confirmed."""
    from hub.items.service import parse_datetime
    from hub.workflow.calendar import office_timezone

    item = _item(item_id)
    data = json_body()
    step_id = data.get("step_id")
    if step_id is not None and not isinstance(step_id, int):
        raise InvalidRequest("step_id harus bilangan bulat.", "step_id must be an integer.", field="step_id")
    checklist = data.get("checklist") or []
    if not isinstance(checklist, list):
        raise InvalidRequest("checklist harus berupa daftar.", "checklist must be a list.", field="checklist")
    publish_at = parse_datetime(data.get("publish_at"), "publish_at", office_timezone(item_organisation(item)))
    record = engine.decide(
        item.id,
        g.user,
        str(data.get("decision", "")),
        step_id=step_id,
        comment=str(data.get("comment") or ""),
        return_to=data.get("return_to"),
        checklist=[str(c) for c in checklist],
        publish_at=publish_at,
    )
    return jsonify(decision_json(record)), 201


def item_organisation(item: Item):
    from hub.models import Organisation

    return db.session.get(Organisation, item.organisation_id)


@bp.get("/workflows")
@require()
def list_workflows():
    """Every workflow with its newest version's steps."""
    ensure_templates()
    return jsonify(workflows=[store.summary(w) for w in store.list_workflows()])


@bp.post("/workflows")
@require("workflow.manage")
@api_doc("Import a workflow (new, or a new version)", request_schema=WORKFLOW_SCHEMA, responses={201: "Stored"})
def import_workflow():
    """Store a definition: a new workflow, or a new version of the one with its code."""
    return _save(None)


@bp.get("/workflows/<code>")
@require()
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
    return jsonify(data)


@bp.put("/workflows/<code>")
@require("workflow.manage")
@api_doc("Edit a workflow (stored as a new version)", request_schema=WORKFLOW_SCHEMA)
def edit_workflow(code: str):
    """Store an edited definition as the workflow's next version (items already started keep theirs)."""
    _workflow(code)
    return _save(code)


@bp.get("/workflows/<code>/yaml")
@require()
def export_workflow(code: str):
    """The workflow's definition as YAML (``?version=N`` for an older one)."""
    workflow = _workflow(code)
    text = store.export_yaml(workflow, int_arg("version"))
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{workflow.code}.yaml"'},
    )


@bp.post("/workflows/<code>/assignments")
@require("workflow.manage")
@api_doc(
    "Assign the workflow to items",
    request_schema={
        "type": "object",
        "properties": {
            "organisation_id": {"type": "integer", "nullable": True},
            "organisation_kinds": {"type": "array", "items": {"type": "string"}},
            "kinds": {"type": "array", "items": {"type": "string"}},
            "channels": {"type": "array", "items": {"type": "string"}},
            "priority": {"type": "integer"},
        },
    },
    responses={201: "Assigned"},
)
def add_assignment(code: str):
    """Make items of an office / kind / channel follow this workflow."""
    from hub.workflow.assignments import create_assignment

    row = create_assignment(_workflow(code), json_body(), g.user)
    return jsonify(assignment_json(row)), 201


@bp.delete("/workflows/<code>/assignments/<int:assignment_id>")
@require("workflow.manage")
def delete_assignment(code: str, assignment_id: int):
    """Remove an assignment."""
    from hub.workflow.assignments import remove_assignment

    remove_assignment(_workflow(code), assignment_id, g.user)
    return "", 204


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


def _save(expected_code: str | None):
    from hub.workflow.assignments import save_workflow

    if request.mimetype in ("application/yaml", "application/x-yaml", "text/yaml", "text/plain"):
        data, note = from_yaml(request.get_data(as_text=True)), request.args.get("note", "")
    else:
        body = json_body()
        data, note = body.get("definition", body), str(body.get("note", ""))
    workflow, version, created = save_workflow(data, g.user, note=note, expected_code=expected_code)
    payload = store.summary(workflow)
    payload["version_created"] = created
    return jsonify(payload), 201 if created else 200
