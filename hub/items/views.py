"""Item pages: the list, the create/edit form, and the item page with its timeline, its
publications and the decision form (with the SOP checklist)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.extensions import db
from hub.items import series, service
from hub.items.forms import form_to_data, local_input, other_options
from hub.items.preview import previews
from hub.models import Item, Organisation
from hub.permissions import get_item_or_404, require, visible_items_clause
from hub.workflow import engine
from hub.workflow.calendar import office_timezone
from hub.workflow.errors import ChecksFailed, InvalidRequest, WorkflowError

bp = Blueprint("items", __name__)

#: items on one page of the list
PAGE_SIZE = 200


def _lang() -> str:
    return str(get_locale() or "id")


def _flash_error(exc: WorkflowError) -> None:
    flash(exc.message(_lang()), "error")


@bp.get("/items")
@require()
def index():
    """Items the person may see, newest first (``?status=``), 200 a page (``?before=`` / ``?after=``)."""
    from hub.inputs import int_arg
    from hub.items.paging import keyset_page

    stmt = db.select(Item).where(visible_items_clause(g.user))
    status = request.args.get("status")
    if status:
        stmt = stmt.where(Item.status == status)
    before, after = int_arg("before"), int_arg("after")
    page = keyset_page(stmt, limit=PAGE_SIZE, before=before, after=after)
    return render_template("items/list.html", items=page.items, page=page, status=status)


def _form_context(item: Item | None, problems=None):
    from hub.plugins import plugins

    org = db.session.get(Organisation, item.organisation_id if item else g.user.organisation_id)
    tz = office_timezone(org)
    return {
        "item": item,
        "channels": list(plugins().channels.values()),
        "kinds": service.item_kinds(),
        "item_fields": [f for f in service.item_fields() if f.creator_sets],
        "tz": tz,
        "local_input": lambda v: local_input(v, tz),
        "other_options": other_options,
        "problems": problems or [],
        "lang": _lang(),
    }


def _save_form(item: Item | None):
    from hub.plugins import plugins

    data = form_to_data(request.form, plugins().channels, service.item_fields())
    if item is None:
        item = service.create_item(g.user, data)
    else:
        item = service.update_item(item, g.user, data)
    _attach_uploads(item)
    return item


def _attach_uploads(item: Item) -> None:
    """Attach what the form's uploader sent (``asset_ids``); a refused one is said, the rest kept."""
    from hub.media.errors import MediaError

    for asset_id in dict.fromkeys(request.form.getlist("asset_ids")):
        try:
            service.attach_asset(item, g.user, asset_id)
        except (WorkflowError, MediaError) as exc:
            db.session.rollback()
            flash(exc.message_id if _lang() == "id" else exc.message_en, "error")


@bp.route("/items/new", methods=["GET", "POST"])
@require("item.create")
def new():
    """Create an item: one text and media for several channels, with a variant per channel."""
    if request.method == "POST":
        try:
            item = _save_form(None)
        except WorkflowError as exc:
            db.session.rollback()
            _flash_error(exc)
            return render_template("items/form.html", **_form_context(None)), exc.status
        flash(_("Draft saved. Check it, then submit it for approval."), "success")
        return redirect(url_for("items.show", item_id=item.id))
    return render_template("items/form.html", **_form_context(None))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@require()
def edit(item_id: int):
    """Edit an item the person may change now."""
    item = get_item_or_404(item_id)
    if not service.can_edit(g.user, item):
        abort(403)
    if request.method == "POST":
        try:
            _save_form(item)
        except WorkflowError as exc:
            db.session.rollback()
            _flash_error(exc)
            return render_template("items/form.html", **_form_context(item)), exc.status
        flash(_("Changes saved."), "success")
        return redirect(url_for("items.show", item_id=item.id))
    return render_template("items/form.html", **_form_context(item))


@bp.get("/items/<int:item_id>")
@require()
def show(item_id: int):
    """The item, its workflow timeline (who, when, due, late), its publications, and what the person may do."""
    return _render_show(get_item_or_404(item_id))


def _render_show(item: Item, problems=(), status: int = 200):
    from hub.workflow import state as st
    from hub.workflow.access import check_can_act
    from hub.workflow.errors import NotAllowed
    from hub.workflow.timeline import timeline, workflow_summary

    summary = workflow_summary(item)
    may_decide, acting = False, None
    if summary and summary["current_step"] and summary["current_step"]["kind"] != "prepare":
        state = st.state_of(item)
        try:
            # the delegation when the person decides as an acting official (Plh./Plt.)
            acting = check_can_act(g.user, item, st.definition_of(state).steps[state.step_index], state.step_index)
            may_decide = True
        except NotAllowed:
            pass
    may_edit = service.can_edit(g.user, item)
    # what the channels' checks say now: the creator fixes it before pressing submit, and a
    # reviewer sees it next to the checklist (the final approval runs the "approve" checks)
    pre_checks, review_checks = None, None
    if not problems:
        from hub.workflow.checks import problems_for

        if may_edit and item.status in ("draft", "returned"):
            pre_checks = problems_for(item, "submit")
        elif may_decide:
            review_checks = problems_for(item, "approve" if summary["current_step"]["kind"] == "approval" else "submit")
    html = render_template(
        "items/show.html",
        pre_checks=pre_checks,
        may_revise=series.may_revise(g.user, item),
        occurrences=series.occurrences(item.id) if item.recurrence else [],
        may_change_occurrences=bool(item.recurrence) and series.may_change(g.user, item),
        review_checks=review_checks,
        previews=previews(item),
        item=item,
        summary=summary,
        entries=timeline(item),
        may_decide=may_decide,
        acting=acting,
        may_edit=may_edit,
        is_creator=item.created_by_id == g.user.id,
        lang=_lang(),
        problems=list(problems),
        drive_not_attached=_drive_not_attached(item),
        tz=office_timezone(db.session.get(Organisation, item.organisation_id)),
    )
    return html, status


def _drive_not_attached(item: Item) -> list[dict]:
    """Drive imports that finished after the item was submitted and so could not attach their
    file (audited as ``media.drive_attach_failed``), while that file is still not on the item."""
    from hub.models import AuditEntry, ItemAsset

    entries = db.session.scalars(
        db.select(AuditEntry)
        .where(
            AuditEntry.action == "media.drive_attach_failed",
            AuditEntry.target_type == "item",
            AuditEntry.target_id == str(item.id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(10)
    ).all()
    attached = set(db.session.scalars(db.select(ItemAsset.asset_id).where(ItemAsset.item_id == item.id)))
    return [
        {"asset_id": e.details.get("asset_id"), "file": e.details.get("file"), "by": e.actor_name, "at": e.created_at}
        for e in entries
        if e.details.get("asset_id") not in attached
    ]


@bp.post("/items/<int:item_id>/submit")
@require("item.create")
def submit(item_id: int):
    """Submit the item (the channels' checks run first; problems are listed on the item page)."""
    item = get_item_or_404(item_id)
    try:
        engine.submit(item.id, g.user)
    except ChecksFailed as exc:
        db.session.rollback()
        _flash_error(exc)
        return _render_show(item, exc.problems, exc.status)
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
        return redirect(url_for("items.show", item_id=item.id))
    from hub.workflow.timeline import open_step_names

    names = open_step_names(item)
    if names is None:
        flash(_("Submitted."), "success")
    else:
        lang = _lang() if _lang() in ("id", "en") else "id"
        # a resubmission re-enters at the step that returned it, not at the first one
        flash(
            _(
                "Submitted. The item is now at the step “%(step)s” (%(role)s).",
                step=names[0][lang],
                role=names[1][lang],
            ),
            "success",
        )
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/items/<int:item_id>/decide")
@require()  # who decides which step: hub.workflow.access.check_can_act (role + item.decide, or the creator's own task)
def decide(item_id: int):
    """The decision form: approve / return / reject the current step, with the checklist."""
    from hub.items.service import parse_datetime

    item = get_item_or_404(item_id)
    form = request.form
    try:
        tz = office_timezone(db.session.get(Organisation, item.organisation_id))
        engine.decide(
            item.id,
            g.user,
            form.get("decision", ""),
            step_id=form.get("step_id", type=int),
            comment=form.get("comment", ""),
            return_to=form.get("return_to") or None,
            checklist=form.getlist("checklist"),
            publish_at=parse_datetime(form.get("publish_at"), "publish_at", tz),
        )
    except ChecksFailed as exc:
        db.session.rollback()
        _flash_error(exc)
        return _render_show(item, exc.problems, exc.status)
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
        return _render_show(item, (), exc.status)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/items/<int:item_id>/assets/<int:link_id>/remove")
@require("item.create")
def detach(item_id: int, link_id: int):
    """Remove an attached medium from the item (the upload itself stays)."""
    item = get_item_or_404(item_id)
    try:
        service.detach_asset(item, g.user, link_id)
        flash(_("Media removed from the item."), "success")
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
    return redirect(url_for("items.show", item_id=item.id) + "#media")


@bp.post("/items/<int:item_id>/media")
@require("media.upload")
def upload_media(item_id: int):
    """Media without JavaScript: the item page's plain form (``file``, multipart) uploads one file
    and adds it to the item. The drag-and-drop uploader needs JavaScript; this does not."""
    import secrets

    from hub.media.errors import MediaError
    from hub.media.ingest import ingest
    from hub.media.names import clean_upload_name
    from hub.media.storage import Receiver, incoming_path

    item = get_item_or_404(item_id)
    if not service.can_edit(g.user, item):
        abort(403)  # checked before a byte is stored: nothing is left behind
    back = redirect(url_for("items.show", item_id=item.id) + "#media")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload first."), "error")
        return back
    path = incoming_path(f"form-{secrets.token_urlsafe(12)}")
    receiver = None
    try:
        receiver = Receiver(path)
        receiver.copy_from(upload.stream)
        detected, sha256 = receiver.finish()
        name = clean_upload_name(upload.filename)
        asset, _duplicate = ingest(receiver.path, detected, sha256, name=name, user=g.user)
        service.attach_asset(item, g.user, asset.id)
        flash(_("Uploaded and added to the item."), "success")
    except MediaError as exc:
        db.session.rollback()
        flash(exc.message_id if _lang() == "id" else exc.message_en, "error")
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
    finally:
        if receiver is not None:
            receiver.discard()
        path.unlink(missing_ok=True)
    return back


@bp.post("/items/<int:item_id>/revise")
@require("item.create")
def revise(item_id: int):
    """Open a revision of an approved, published item (its creator): edit, resubmit, approve again."""
    item = get_item_or_404(item_id)
    try:
        series.open_revision(item.id, g.user)
        flash(
            _(
                "Revision opened. Edit the item and submit it again; after the final approval the"
                " published copies are updated."
            ),
            "success",
        )
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/items/<int:item_id>/occurrences/<int:number>/cancel")
@require()
def cancel_occurrence(item_id: int, number: int):
    """Cancel one occurrence of a series; the others stay."""
    item = get_item_or_404(item_id)
    try:
        series.cancel_occurrence(item, number, g.user)
        flash(_("Occurrence %(number)s cancelled.", number=number), "success")
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
    return redirect(url_for("items.show", item_id=item.id) + "#occurrences")


@bp.post("/items/<int:item_id>/occurrences/<int:number>/move")
@require()
def move_occurrence(item_id: int, number: int):
    """Give one occurrence of a series its own time (``starts_at``, office time)."""
    item = get_item_or_404(item_id)
    try:
        when = service.parse_datetime(request.form.get("starts_at"), "starts_at", series.office_zone(item))
        if when is None:
            raise InvalidRequest("Isi waktu baru.", "Give the new time.", field="starts_at")
        series.move_occurrence(item, number, when, g.user)
        flash(_("Occurrence %(number)s moved.", number=number), "success")
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
    return redirect(url_for("items.show", item_id=item.id) + "#occurrences")


@bp.post("/items/<int:item_id>/withdraw")
@require("item.create")
def withdraw(item_id: int):
    """Withdraw the item (its creator, before the final approval)."""
    item = get_item_or_404(item_id)
    try:
        engine.withdraw(item.id, g.user)
        flash(_("The item was withdrawn."), "success")
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/items/<int:item_id>/delete")
@require("item.create")
def delete(item_id: int):
    """Delete a draft (its creator)."""
    item = get_item_or_404(item_id)
    try:
        service.delete_item(item, g.user)
    except WorkflowError as exc:
        db.session.rollback()
        _flash_error(exc)
        return redirect(url_for("items.show", item_id=item.id))
    flash(_("Draft deleted."), "success")
    return redirect(url_for("items.index"))
