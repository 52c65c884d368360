"""What administrators change: workflow definitions (imported or edited) and which items follow them.

Each change is audited and committed here; the pages and the API call these functions.
"""

from __future__ import annotations

import copy

from hub.audit import record
from hub.extensions import db
from hub.models import Organisation, User
from hub.workflow import store
from hub.workflow.errors import InvalidRequest
from hub.workflow.models import Workflow, WorkflowAssignment

ORGANISATION_KINDS = ("operator", "requester")


def save_workflow(
    data: dict, user: User, *, note: str = "", expected_code: str | None = None
) -> tuple[Workflow, object, bool]:
    """Import or edit: store ``data`` as the workflow's next version (audited, committed)."""
    workflow, version, created = store.save_definition(
        data, user=user, origin="admin", source="custom", note=note, expected_code=expected_code
    )
    if created:
        record(
            "workflow.version_saved",
            actor=user,
            target_type="workflow",
            target_id=workflow.code,
            details={"version": version.number, "note": note, "digest": version.digest},
        )
    db.session.commit()
    return workflow, version, created


def check_base_version(workflow: Workflow, base_version: int | None) -> None:
    """Refuse (409) an edit made on a version that is no longer the newest (``None``: not checked)."""
    from hub.workflow.errors import DecisionConflict

    if base_version is not None and base_version != workflow.latest_version:
        raise DecisionConflict(
            f"Alur kerja ini sudah disimpan sebagai versi {workflow.latest_version} oleh orang lain; "
            "muat ulang halaman dan ulangi perubahan Anda.",
            f"This workflow was saved as version {workflow.latest_version} by someone else meanwhile; "
            "reload the page and make your change again.",
            field="version",
        )


#: what the step editor changes in each step; everything else is kept as it is
STEP_FIELDS = ("name_id", "name_en", "role", "limit", "inputs_id", "inputs_en", "output_id", "output_en")
#: the step editor's due time tied to a date of the item (an empty ``due_anchor`` clears it) and the
#: role an overdue step escalates to (empty: the default, the next approver)
DUE_FIELDS = ("due_anchor", "due_side", "due_offset", "due_calendar", "supervisor")


def _apply_due(step: dict, change: dict) -> None:
    """Set or clear the step's ``due`` and ``supervisor`` from the editor's fields (checked by the parser)."""
    if "due_anchor" in change:
        anchor = str(change["due_anchor"]).strip()
        if not anchor:
            step.pop("due", None)
        else:
            side = "before" if str(change.get("due_side", "")).strip() == "before" else "after"
            step["due"] = {
                "anchor": anchor,
                side: str(change.get("due_offset", "")).strip() or "0m",
                "calendar": str(change.get("due_calendar", "")).strip() or "wall",
            }
    if "supervisor" in change:
        supervisor = str(change["supervisor"]).strip()
        if supervisor:
            step["supervisor"] = supervisor
        else:
            step.pop("supervisor", None)


def edit_steps(
    workflow: Workflow, base_version: int | None, changes: dict[str, dict], user: User, *, note: str = ""
) -> tuple[Workflow, object, bool]:
    """Change steps' names, roles, time limits, inputs and outputs of the newest version (the step
    editor); saved as the next version like an edited YAML. ``changes`` maps a step key to the fields of
    :data:`STEP_FIELDS` to set. Refused with a conflict when the newest version is no longer
    ``base_version`` (someone saved in between), so nobody overwrites a change they have not seen."""
    check_base_version(workflow, base_version)
    definition = copy.deepcopy(store.get_version(workflow).definition)
    keys = {step["key"] for step in definition["steps"]}
    unknown = sorted(set(changes) - keys)
    if unknown:
        raise InvalidRequest(
            f"Langkah tidak dikenal: {', '.join(unknown)}.", f"Unknown steps: {', '.join(unknown)}.", field="steps"
        )
    for step in definition["steps"]:
        change = changes.get(step["key"]) or {}
        if "role" in change:
            step["role"] = str(change["role"]).strip()
        if "limit" in change:
            step["limit"] = str(change["limit"]).strip() or None
        _apply_due(step, change)
        for part in ("name", "inputs", "output"):
            if f"{part}_id" in change or f"{part}_en" in change:
                old = step.get(part) or {"id": "", "en": ""}
                text = {lang: str(change.get(f"{part}_{lang}", old.get(lang, ""))).strip() for lang in ("id", "en")}
                if text["id"] or text["en"] or part == "name":
                    step[part] = text
                else:
                    step.pop(part, None)
    return save_workflow(definition, user, note=note, expected_code=workflow.code)


def _codes(data: dict, key: str, allowed=None) -> list[str]:
    values = data.get(key) or []
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    if not isinstance(values, list):
        raise InvalidRequest(f"{key} harus berupa daftar.", f"{key} must be a list.", field=key)
    values = [str(v) for v in values]
    if allowed is not None:
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise InvalidRequest(f"{key}: tidak dikenal {unknown}.", f"{key}: unknown {unknown}.", field=key)
    return values


def create_assignment(workflow: Workflow, data: dict, user: User) -> WorkflowAssignment:
    org_id = data.get("organisation_id")
    if org_id in ("", None):
        org_id = None
    else:
        try:
            org_id = int(org_id)
        except (TypeError, ValueError):
            org_id = -1
        if db.session.get(Organisation, org_id) is None:
            raise InvalidRequest("Kantor tidak dikenal.", "Unknown office.", field="organisation_id")
    try:
        priority = int(data.get("priority") or 0)
    except (TypeError, ValueError):
        raise InvalidRequest("Prioritas harus angka.", "Priority must be a number.", field="priority") from None
    from hub.plugins import plugins

    row = WorkflowAssignment(
        workflow=workflow,
        organisation_id=org_id,
        organisation_kinds=_codes(data, "organisation_kinds", ORGANISATION_KINDS),
        kinds=_codes(data, "kinds"),
        channels=_codes(data, "channels", set(plugins().channels)),
        priority=priority,
    )
    db.session.add(row)
    db.session.flush()
    record(
        "workflow.assigned",
        actor=user,
        target_type="workflow",
        target_id=workflow.code,
        details={
            "assignment": row.id,
            "organisation_id": org_id,
            "organisation_kinds": row.organisation_kinds,
            "kinds": row.kinds,
            "channels": row.channels,
            "priority": priority,
        },
    )
    db.session.commit()
    return row


def remove_assignment(workflow: Workflow, assignment_id: int, user: User) -> None:
    row = db.session.get(WorkflowAssignment, assignment_id)
    if row is None or row.workflow_id != workflow.id:
        raise InvalidRequest("Penugasan tidak ditemukan.", "Assignment not found.", field="assignment")
    db.session.delete(row)
    record(
        "workflow.unassigned",
        actor=user,
        target_type="workflow",
        target_id=workflow.code,
        details={"assignment": assignment_id},
    )
    db.session.commit()


def set_active(workflow: Workflow, active: bool, user: User) -> None:
    workflow.is_active = active
    record(
        "workflow.activated" if active else "workflow.deactivated",
        actor=user,
        target_type="workflow",
        target_id=workflow.code,
        details={},
    )
    db.session.commit()
