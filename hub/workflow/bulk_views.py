"""Bulk decisions: the page that takes the inbox's selection (``/inbox/bulk``) and the API
(``POST /api/v1/decisions``). The rules are in :mod:`hub.workflow.bulk`."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale

from hub.api import ApiBlueprint
from hub.extensions import db
from hub.permissions import require
from hub.workflow import bulk
from hub.workflow.api_schemas import BulkAnswer, BulkArgs
from hub.workflow.errors import InvalidRequest, WorkflowError

bp = Blueprint("bulk", __name__)
api = ApiBlueprint("bulk_api", __name__, url_prefix="/api/v1", description="Decisions on several items")


def _lang() -> str:
    return str(get_locale() or "id")


def _step_ids(values) -> dict[int, int]:
    """``"<item>:<step>"`` form values or ``{"item_id", "step_id"}`` objects -> item id -> step id."""
    found = {}
    for value in values or ():
        if isinstance(value, dict):
            item_id, step_id = value.get("item_id"), value.get("step_id")
        else:
            item_id, _, step_id = str(value).partition(":")
        try:
            if step_id not in (None, ""):
                found[int(item_id)] = int(step_id)
        except (TypeError, ValueError):
            raise InvalidRequest(
                "step_id harus bilangan bulat.", "step_id must be an integer.", field="items"
            ) from None
    return found


@bp.get("/inbox/bulk")
@require()
def review():
    """The items selected in the inbox (``?item=<id>:<step id>``), their step, its checklist once,
    and the decision to take for all of them."""
    values = request.args.getlist("item")
    try:
        ids = bulk.parse_ids(values)
        selection = bulk.selection_of(g.user, ids, _step_ids(values))
    except WorkflowError as exc:
        flash(exc.message(_lang()), "error")
        return redirect(url_for("workflow.inbox"))
    return render_template("workflow/bulk.html", selection=selection, values=values, lang=_lang())


@bp.post("/inbox/bulk")
@require()  # who decides each item: hub.workflow.access.check_can_act, item by item
def decide():
    """Decide every selected item; the result page lists each item's outcome."""
    form = request.form
    values = form.getlist("item")
    try:
        ids = bulk.parse_ids(values)
        outcomes = bulk.decide_many(
            g.user,
            ids,
            form.get("decision", ""),
            comment=form.get("comment", ""),
            return_to=form.get("return_to") or None,
            checklist=form.getlist("checklist"),
            step_ids=_step_ids(values),
        )
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message(_lang()), "error")
        try:
            selection = bulk.selection_of(g.user, bulk.parse_ids(values), _step_ids(values))
        except WorkflowError:
            return redirect(url_for("workflow.inbox"))
        return render_template(
            "workflow/bulk.html", selection=selection, values=values, lang=_lang(), form=form
        ), exc.status
    return render_template("workflow/bulk_result.html", outcomes=outcomes, lang=_lang())


@api.post("/decisions")
@require()  # who decides each item: hub.workflow.access.check_can_act, item by item
@api.arguments(BulkArgs)
@api.response(200, BulkAnswer)
def decide_api(data):
    """Decide several items at the same step together.

    Approve (or return, with one comment) items waiting at the same step of the same workflow
    version. Each item gets its own decision, audit entry and notifications; an item refused (a
    failed check, decided meanwhile, not yours to decide) is reported in ``results`` with its
    error and the others go on. ``decided`` and ``refused`` count them. 422: the items are at
    different steps, or the checklist, comment or decision is missing."""
    items = data["items"]
    outcomes = bulk.decide_many(
        g.user,
        bulk.parse_ids(items),
        data["decision"],
        comment=data.get("comment") or "",
        return_to=data.get("return_to"),
        checklist=list(data.get("checklist") or []),
        step_ids=_step_ids(items),
    )
    return {
        "results": [o.as_dict() for o in outcomes],
        "decided": sum(1 for o in outcomes if o.ok),
        "refused": sum(1 for o in outcomes if not o.ok),
    }
