"""An item's timeline: each step it went through (who, when, due, late or not), then its publications.

Also the "time taken vs limit" figures of each decided step, counted in working time on
the office's calendar, for the item page and the reports.
"""

from __future__ import annotations

from hub.extensions import db
from hub.models import Item, Publication, User, utcnow
from hub.roles import role_label
from hub.workflow import state as st
from hub.workflow import store
from hub.workflow.models import Decision, StepInstance, StepStatus


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _person(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.display_name, "username": user.username} if user else None


def role_names(instance: StepInstance, item: Item) -> dict:
    """The role of a step instance in both languages ("Pembuat konten" for the creator's steps)."""
    from hub.workflow.access import CREATOR, channel_admin_roles

    if instance.role == CREATOR:
        return {"id": "Pembuat konten (pengaju)", "en": "The item's creator"}
    if instance.role == "channel_admin":
        codes = sorted(channel_admin_roles(item))
        return {lang: ", ".join(role_label(c, lang) for c in codes) or "Admin kanal" for lang in ("id", "en")}
    return {lang: role_label(instance.role, lang) for lang in ("id", "en")}


def acting_entry(decision: Decision | None, role_name: dict) -> dict | None:
    """Who a decision was taken for, when an acting official took it: the kind ("plh"/"plt"), the
    official, and the line the timeline shows after the actor's name, in the Indonesian way:
    "Plh. Kepala Dinas, a.n. <official>" ("acting (Plh.) Head of Agency, on behalf of <official>")."""
    if decision is None or decision.acting_for_id is None:
        return None
    label = "Plt." if decision.acting_kind == "plt" else "Plh."
    official = decision.acting_for.display_name if decision.acting_for else "?"
    return {
        "kind": decision.acting_kind,
        "label": label,
        "for": _person(decision.acting_for),
        "text": {
            "id": f"{label} {role_name['id']}, a.n. {official}",
            "en": f"acting ({label}) {role_name['en']}, on behalf of {official}",
        },
    }


def step_entries(item: Item) -> list[dict]:
    state = st.state_of(item)
    if state is None:
        return []
    instances = st.steps_of(item.id)
    decisions = {
        d.step_id: d for d in db.session.execute(db.select(Decision).where(Decision.item_id == item.id)).scalars()
    }
    cal = st.calendar_for_item(item, state.version.workflow)
    now = utcnow()
    entries = []
    for inst in instances:
        version_def = store.parsed(inst_version(inst, state))
        step = version_def.steps[inst.step_index]
        decision = decisions.get(inst.id)
        limit = step.limit_for(item.extra)
        taken = cal.working_minutes(inst.started_at, inst.decided_at) if inst.decided_at else None
        role_name = role_names(inst, item)
        entries.append(
            {
                "event": "step",
                "step_id": inst.id,
                "step": inst.step_key,
                "name": {"id": step.name_id, "en": step.name_en},
                "kind": inst.kind,
                "role": inst.role,
                "role_name": role_name,
                "round": inst.round,
                "status": inst.status,
                "time_limit": inst.time_limit or None,
                "limit_label": {"id": limit.label("id"), "en": limit.label("en")} if limit else None,
                # the due time tied to a date of the item ("15 min after publish_at"), its moves, its escalation
                "due_rule": {"id": step.due.label("id"), "en": step.due.label("en")} if step.due else None,
                "due_changes": list(inst.due_changes or []),
                "escalated_at": _iso(inst.escalated_at),
                "started_at": _iso(inst.started_at),
                "due_at": _iso(inst.due_at),
                "decided_at": _iso(inst.decided_at),
                "decided_by": _person(inst.decided_by),
                "decision": decision.decision if decision else None,
                "return_to": decision.return_to if decision else None,
                "comment": decision.comment if decision else "",
                "checklist": decision.checklist if decision else [],
                "acting": acting_entry(decision, role_name),
                "late": inst.late,
                "overdue": inst.status == StepStatus.OPEN.value and inst.due_at is not None and now > inst.due_at,
                "working_minutes_taken": round(taken, 1) if taken is not None else None,
                "at": _iso(inst.started_at),
            }
        )
    return entries


def open_step_names(item: Item) -> tuple[dict, dict] | None:
    """The item's open step and who must act, both as {"id": …, "en": …}; None when no step is open."""
    state = st.state_of(item)
    inst = st.open_step(item.id) if state is not None else None
    if inst is None:
        return None
    step = store.parsed(inst_version(inst, state)).steps[inst.step_index]
    return {"id": step.name_id, "en": step.name_en}, role_names(inst, item)


def inst_version(instance: StepInstance, state):
    if instance.workflow_version_id == state.workflow_version_id:
        return state.version
    from hub.workflow.models import WorkflowVersion

    return db.session.get(WorkflowVersion, instance.workflow_version_id)


def timeline(item: Item) -> list[dict]:
    """Created, every step instance in order, then every publication (as dicts, JSON-ready)."""
    creator = db.session.get(User, item.created_by_id)
    entries = [{"event": "created", "at": _iso(item.created_at), "by": _person(creator)}]
    entries.extend(step_entries(item))
    pubs = db.session.execute(
        db.select(Publication).where(Publication.item_id == item.id).order_by(Publication.id)
    ).scalars()
    for pub in pubs:
        entries.append(
            {
                "event": "publication",
                "at": _iso(pub.published_at or pub.created_at),
                "publication_id": pub.id,
                "channel": pub.channel,
                "target": pub.target,
                "status": pub.status,
                "scheduled_at": _iso(pub.scheduled_at),
                "published_at": _iso(pub.published_at),
                "remote_url": pub.remote_url,
                "last_error": pub.last_error,
            }
        )
    return entries


def workflow_summary(item: Item, lang: str = "id") -> dict | None:
    """The item's workflow, version and current step, for the API and pages."""
    state = st.state_of(item)
    if state is None:
        return None
    wf = st.definition_of(state)
    current = st.open_step(item.id)
    step = wf.steps[current.step_index] if current is not None else None
    return {
        "code": state.version.workflow.code,
        "name": {"id": wf.name_id, "en": wf.name_en},
        "version": state.version.number,
        "revision": state.revision,
        "submitted_at": _iso(state.submitted_at),
        "approved_at": _iso(state.approved_at),
        "completed_at": _iso(state.completed_at),
        "current_step": None
        if current is None
        else {
            "step_id": current.id,
            "key": current.step_key,
            "kind": current.kind,
            "name": {"id": step.name_id, "en": step.name_en},
            "role": current.role,
            "role_name": role_names(current, item),
            "started_at": _iso(current.started_at),
            "due_at": _iso(current.due_at),
            # the due time tied to a date of the item ("15 min after publish_at"), when the step has one
            "due_rule": None
            if step.due is None
            else {**step.due.as_dict(), "label": {"id": step.due.label("id"), "en": step.due.label("en")}},
            "escalated_at": _iso(current.escalated_at),
            "overdue": current.late,
            "decisions": list(step.decisions),
            "return_to": list(step.return_to),
            "checklist": [{"code": c.code, "id": c.text_id, "en": c.text_en} for c in wf.checklist]
            if step.checklist
            else [],
        },
    }
