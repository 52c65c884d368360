"""The quarterly content plan pages (SOP 000 flow B): prepare, sign, hand over, print."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from hub_videotron import plans as rules
from hub_videotron.records import ContentPlan
from hub_videotron.views import bp

from hub.sdk import db, has_permission, record_audit, require


def _lang() -> str:
    return str(get_locale() or "id")


def _plan_or_404(plan_id: int) -> ContentPlan:
    return db.session.get(ContentPlan, plan_id) or abort(404)


@bp.get("/plans")
@require("report.view")
def plans():
    rows = db.session.scalars(
        db.select(ContentPlan).order_by(ContentPlan.year.desc(), ContentPlan.quarter.desc())
    ).all()
    year, quarter = rules.quarter_of(rules.today())
    current = rules.plan_for(year, quarter)
    return render_template(
        "videotron/plans.html",
        plans=rows,
        year=year,
        quarter=quarter,
        current_signed=current is not None and current.signed_at is not None,
        can_manage=has_permission(g.user, "content_plan.manage"),
    )


@bp.post("/plans")
@require("content_plan.manage")
def plan_create():
    try:
        plan = rules.create_plan(
            int(request.form.get("year", 0)), int(request.form.get("quarter", 0)), g.user, request.form.get("notes", "")
        )
    except (ValueError, rules.PlanError) as exc:
        flash(str(exc) if isinstance(exc, rules.PlanError) else _("Choose a year and a quarter."), "error")
        return redirect(url_for(".plans"))
    record_audit("videotron.plan_created", target_type="videotron_content_plan", target_id=plan.id)
    db.session.commit()
    return redirect(url_for(".plan", plan_id=plan.id))


@bp.get("/plans/<int:plan_id>")
@require("report.view")
def plan(plan_id: int):
    plan = _plan_or_404(plan_id)
    first, last = rules.quarter_bounds(plan.year, plan.quarter)
    return render_template(
        "videotron/plan.html",
        plan=plan,
        table=rules.plan_table(plan, _lang()),
        first=first,
        last=last,
        types=rules.CONTENT_TYPES,
        difficulties=rules.DIFFICULTIES,
        lang=_lang(),
        can_manage=has_permission(g.user, "content_plan.manage"),
        can_sign=has_permission(g.user, "content_plan.sign"),
    )


def _change(plan_id: int, action: str, change) -> Response:
    plan = _plan_or_404(plan_id)
    try:
        change(plan)
    except rules.PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".plan", plan_id=plan_id))
    record_audit(f"videotron.plan_{action}", target_type="videotron_content_plan", target_id=plan.id)
    db.session.commit()
    flash(_("Content plan saved."), "success")
    return redirect(url_for(".plan", plan_id=plan.id))


@bp.post("/plans/<int:plan_id>/entries")
@require("content_plan.manage")
def plan_add_entry(plan_id: int):
    return _change(plan_id, "entry_added", lambda plan: rules.add_entry(plan, request.form))


@bp.post("/plans/<int:plan_id>/entries/<int:entry_id>/delete")
@require("content_plan.manage")
def plan_remove_entry(plan_id: int, entry_id: int):
    return _change(plan_id, "entry_removed", lambda plan: rules.remove_entry(plan, entry_id))


@bp.post("/plans/<int:plan_id>/sign")
@require("content_plan.sign")
def plan_sign(plan_id: int):
    return _change(plan_id, "signed", lambda plan: rules.sign(plan, g.user))


@bp.post("/plans/<int:plan_id>/hand-over")
@require("content_plan.manage")
def plan_hand_over(plan_id: int):
    return _change(plan_id, "handed_over", rules.hand_over)


@bp.get("/plans/<int:plan_id>.pdf")
@require("report.view")
def plan_pdf(plan_id: int):
    plan = _plan_or_404(plan_id)
    name = f"rencana-konten-videotron-{plan.year}-q{plan.quarter}.pdf"
    return Response(
        rules.plan_pdf(plan, _lang(), g.user),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
