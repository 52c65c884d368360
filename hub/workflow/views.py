"""Pages of the workflow area: the inbox, workflows for administrators, the working calendar."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.extensions import db
from hub.inputs import int_arg
from hub.models import Organisation
from hub.permissions import has_permission, require
from hub.roles import ROLES
from hub.workflow import calendar_admin, store
from hub.workflow.assignments import (
    DUE_FIELDS,
    STEP_FIELDS,
    check_base_version,
    create_assignment,
    edit_steps,
    remove_assignment,
    save_workflow,
    set_active,
)
from hub.workflow.definition import CHANNEL_ADMIN, date_label
from hub.workflow.document import from_yaml
from hub.workflow.errors import WorkflowError
from hub.workflow.inbox import inbox_page
from hub.workflow.loader import ensure_templates

bp = Blueprint("workflow", __name__)

#: entries on one page of the inbox
INBOX_PAGE = 50


def _lang() -> str:
    return str(get_locale() or "id")


@bp.get("/inbox")
@require()
def inbox():
    """What waits for me, with due times, overdue first; :data:`INBOX_PAGE` entries a page (``offset=``)."""
    offset = int_arg("offset", 0, hi=100_000)
    page = inbox_page(g.user, INBOX_PAGE, offset)
    return render_template(
        "workflow/inbox.html",
        entries=page.entries,
        next_offset=page.next_offset,
        prev_offset=max(0, offset - INBOX_PAGE) if offset else None,
        may_delegate=has_permission(g.user, "item.decide"),
        lang=_lang(),
    )


@bp.route("/admin/workflows", methods=["GET", "POST"])
@require("workflow.manage")
def workflows():
    """Every workflow; import one from a YAML file or text."""
    ensure_templates()
    if request.method == "POST":
        upload = request.files.get("file")
        text = upload.read().decode("utf-8", "replace") if upload and upload.filename else request.form.get("yaml", "")
        try:
            workflow, version, created = save_workflow(from_yaml(text), g.user, note=request.form.get("note", ""))
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message(_lang()), "error")
            return render_template(
                "workflow/workflows.html",
                workflows=store.list_workflows(),
                yaml=text,
                unassigned=_unassigned_channels(),
            ), 422
        flash(
            _("Workflow %(code)s saved as version %(n)s.", code=workflow.code, n=version.number)
            if created
            else _("Nothing changed: that definition is already the newest version."),
            "success",
        )
        return redirect(url_for("workflow.workflow", code=workflow.code))
    return render_template(
        "workflow/workflows.html", workflows=store.list_workflows(), yaml="", unassigned=_unassigned_channels()
    )


def _unassigned_channels() -> list:
    """The installed channels no workflow applies to (their items are refused at submission)."""
    from hub.plugins import plugins
    from hub.workflow.selection import unassigned_channels

    channels = plugins().channels
    return [channels[name] for name in unassigned_channels(channels)]


@bp.post("/admin/workflows/channels")
@require("workflow.manage")
def assign_channel():
    """Give a channel that has no workflow one: an assignment of the chosen workflow to that channel."""
    from hub.plugins import plugins
    from hub.workflow.errors import InvalidRequest

    ensure_templates()
    name = request.form.get("channel", "")
    try:
        channel = plugins().channels.get(name)
        if channel is None:
            raise InvalidRequest("Kanal tidak dikenal.", "Unknown channel.", field="channel")
        workflow = store.get_workflow(request.form.get("workflow", ""))
        if workflow is None or not workflow.is_active:
            raise InvalidRequest("Pilih alur kerja yang aktif.", "Choose an active workflow.", field="workflow")
        create_assignment(workflow, {"channels": [channel.name]}, g.user)
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message(_lang()), "error")
        return redirect(url_for("workflow.workflows"))
    flash(
        _("Channel %(channel)s now follows the workflow %(code)s.", channel=channel.label(_lang()), code=workflow.code),
        "success",
    )
    return redirect(url_for("workflow.workflows"))


def _workflow_or_404(code: str):
    ensure_templates()
    workflow = store.get_workflow(code)
    if workflow is None:
        abort(404)
    return workflow


def _workflow_page(workflow, yaml_text: str | None = None, status: int = 200):
    from hub.plugins import plugins
    from hub.workflow.api import assignments_of
    from hub.workflow.due import known_anchor_names

    version = store.get_version(workflow, int_arg("version"))
    return render_template(
        "workflow/workflow.html",
        workflow=workflow,
        version=version,
        wf=store.parsed(version),
        yaml=yaml_text if yaml_text is not None else store.export_yaml(workflow, version.number),
        assignments=assignments_of(workflow),
        organisations=db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all(),
        channels=list(plugins().channels.values()),
        roles=[*ROLES, CHANNEL_ADMIN],
        anchor_names=[(name, date_label(name, _lang())) for name in known_anchor_names()],
        lang=_lang(),
    ), status


@bp.get("/admin/workflows/<code>")
@require("workflow.manage")
def workflow(code: str):
    """A workflow: its steps, its YAML (editable), its versions and assignments."""
    return _workflow_page(_workflow_or_404(code))


@bp.post("/admin/workflows/<code>")
@require("workflow.manage")
def workflow_save(code: str):
    """Save the edited YAML as the next version."""
    workflow = _workflow_or_404(code)
    text = request.form.get("yaml", "")
    try:
        check_base_version(workflow, int_arg("version", source=request.form))
        _workflow, version, created = save_workflow(
            from_yaml(text), g.user, note=request.form.get("note", ""), expected_code=workflow.code
        )
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message(_lang()), "error")
        return _workflow_page(workflow, text, exc.status)
    flash(_("Saved as version %(n)s.", n=version.number) if created else _("Nothing changed."), "success")
    return redirect(url_for("workflow.workflow", code=code))


@bp.post("/admin/workflows/<code>/steps")
@require("workflow.manage")
def workflow_steps(code: str):
    """The step editor: names, roles, time limits, inputs and outputs, saved as the next version."""
    workflow = _workflow_or_404(code)
    form = request.form
    changes: dict[str, dict] = {}
    for key in form.getlist("step"):
        changes[key] = {f: form[f"{key}.{f}"] for f in STEP_FIELDS + DUE_FIELDS if f"{key}.{f}" in form}
    try:
        _workflow, version, created = edit_steps(
            workflow, form.get("version", type=int), changes, g.user, note=form.get("note", "")
        )
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message(_lang()), "error")
        return _workflow_page(workflow, status=exc.status)
    flash(_("Saved as version %(n)s.", n=version.number) if created else _("Nothing changed."), "success")
    return redirect(url_for("workflow.workflow", code=code))


@bp.get("/admin/workflows/<code>/yaml")
@require("workflow.manage")
def workflow_yaml(code: str):
    """Download the workflow as YAML."""
    workflow = _workflow_or_404(code)
    text = store.export_yaml(workflow, int_arg("version"))
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{workflow.code}.yaml"'},
    )


@bp.post("/admin/workflows/<code>/assignments")
@require("workflow.manage")
def workflow_assign(code: str):
    """Add or remove an assignment; switch the workflow on or off."""
    workflow = _workflow_or_404(code)
    form = request.form
    try:
        if form.get("remove"):
            remove_assignment(workflow, int(form["remove"]), g.user)
        elif form.get("active") in ("0", "1"):
            set_active(workflow, form["active"] == "1", g.user)
        else:
            create_assignment(
                workflow,
                {
                    "organisation_id": form.get("organisation_id") or None,
                    "organisation_kinds": form.getlist("organisation_kinds"),
                    "kinds": form.get("kinds", ""),
                    "channels": form.getlist("channels"),
                    "priority": form.get("priority") or 0,
                },
                g.user,
            )
        flash(_("Saved."), "success")
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message(_lang()), "error")
    return redirect(url_for("workflow.workflow", code=code))


@bp.route("/admin/calendar", methods=["GET", "POST"])
@require("settings.manage")
def calendar():
    """Working hours per weekday and holidays of an office (``?org=<id>``), used for the time limits."""
    orgs = db.session.execute(db.select(Organisation).order_by(Organisation.kind, Organisation.name)).scalars().all()
    if not orgs:
        return render_template("workflow/calendar.html", orgs=[], org=None)
    org_id = request.values.get("org", type=int) or orgs[0].id
    org = db.session.get(Organisation, org_id) or abort(404)
    if request.method == "POST":
        form = request.form
        try:
            if form.get("action") == "hours":
                hours = calendar_admin.parse_hours_text({d: form.get(f"day{d}", "") for d in range(7)})
                calendar_admin.set_hours(org, hours, g.user)
            elif form.get("action") == "add_holiday":
                target = None if form.get("all_offices") else org
                calendar_admin.add_holiday(target, form.get("day", ""), form.get("name", ""), g.user)
            elif form.get("action") == "remove_holiday":
                calendar_admin.remove_holiday(form.get("holiday", type=int) or 0, g.user)
            flash(_("Saved."), "success")
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message(_lang()), "error")
        return redirect(url_for("workflow.calendar", org=org.id))
    from hub.workflow.calendar import office_timezone

    hours = calendar_admin.hours_of(org)
    return render_template(
        "workflow/calendar.html",
        orgs=orgs,
        org=org,
        tz=office_timezone(org),
        days=[
            (
                d,
                calendar_admin.WEEKDAYS_ID[d] if _lang() == "id" else calendar_admin.WEEKDAYS_EN[d],
                calendar_admin.hours_text(hours, d),
            )
            for d in range(7)
        ],
        holidays=calendar_admin.holidays_of(org),
    )
