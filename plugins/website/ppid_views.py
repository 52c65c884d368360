"""The PPID's request pages.

Public (no account): ``/ppid/request`` (the form), ``/ppid/track/<id>/<secret>`` (status and due
dates only; a wrong secret answers 404) and its objection form.
The register (PPID roles): ``/ppid/register`` and each request's page, its extension, decision
and letter; the objections for the atasan PPID.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from hub_website import ppid_guards, ppid_law, ppid_objections, ppid_requests
from hub_website.ppid_models import PpidDocument, PpidObjection, PpidRequest
from hub_website.ppid_requests import PpidError
from sqlalchemy.exc import IntegrityError

from hub.sdk import _, db, int_arg, public, require, utcnow

PERM_REQUESTS = "website.ppid_requests"
PERM_OBJECTIONS = "website.ppid_objections"

bp = Blueprint("ppid_requests", __name__, template_folder="templates", url_prefix="/ppid")
FORM_FIELDS = (
    "requester_kind",
    *ppid_requests.PERSONAL_FIELDS,
    "info_requested",
    "purpose",
    "receive_how",
    "deliver_how",
)


def _lang() -> str:
    return str(get_locale() or "id")


def _form_page(values: dict, errors: dict, status: int = 200, notice: str = ""):
    question, token = ppid_guards.new_challenge()
    return (
        render_template(
            "website/ppid/request_form.html",
            values=values,
            errors=errors,
            notice=notice,
            question=question,
            token=token,
            law=ppid_law,
        ),
        status,
    )


@bp.get("/request")
@public
def request_form():
    """The public request form (UU 14/2008 Pasal 22)."""
    return _form_page({"requester_kind": "person", "receive_how": "electronic", "deliver_how": "email"}, {})


@bp.post("/request")
@public
def request_submit():
    values = {k: (request.form.get(k) or "")[:6000] for k in FORM_FIELDS}
    if request.form.get(ppid_guards.HONEYPOT):
        # a robot filled the hidden field: answered like a success, nothing kept
        return render_template("website/ppid/request_done.html", number=None, link=None)
    errors = ppid_requests.validate(values)
    if not ppid_guards.check_challenge(request.form.get("challenge_token", ""), request.form.get("challenge", "")):
        errors["challenge"] = _("The answer to the sum is wrong or has expired; try the new one.")
    if errors:
        return _form_page(values, errors, 422)
    if ppid_guards.throttled(ppid_requests.email_hash(values["email"])):
        return _form_page(
            values, {}, 429, notice=_("Too many requests from here or for this e-mail address; please try later.")
        )
    for attempt in range(3):
        req, secret = ppid_requests.create(values, lang=_lang())
        try:
            db.session.commit()
            break
        except IntegrityError:  # two requests took the same number at once: take the next one
            db.session.rollback()
            if attempt == 2:
                raise
    link = ppid_requests.tracking_url(req, secret)
    return render_template("website/ppid/request_done.html", number=req.number, link=link, due=req.due_at)


def _staff_form(values: dict, errors: dict, status: int = 200):
    return (
        render_template(
            "website/ppid/request_form.html", values=values, errors=errors, notice="", staff=True, law=ppid_law
        ),
        status,
    )


def _received_at(text: str) -> dt.datetime | None:
    """``YYYY-MM-DDTHH:MM`` in the office's time zone, not in the future; None when malformed."""
    from hub_website import ppid_clock

    try:
        local = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    moment = local.replace(tzinfo=ppid_clock.calendar().tz).astimezone(dt.UTC)
    return moment if moment <= utcnow() + dt.timedelta(minutes=5) else None


@bp.get("/register/new")
@require(PERM_REQUESTS)
def staff_form():
    """A request received on paper or at the desk, registered by the PPID with its receipt time."""
    return _staff_form({"requester_kind": "person", "receive_how": "paper", "deliver_how": "collect"}, {})


@bp.post("/register/new")
@require(PERM_REQUESTS)
def staff_submit():
    values = {k: (request.form.get(k) or "")[:6000] for k in (*FORM_FIELDS, "received_at")}
    errors = ppid_requests.validate(values, staff=True)
    received = _received_at(values["received_at"]) if values["received_at"] else utcnow()
    if received is None:
        errors["received_at"] = _("Give the date and time it was received, not in the future.")
    if errors:
        return _staff_form(values, errors, 422)
    req, secret = ppid_requests.create(values, lang=_lang(), now=received, actor=g.user)
    db.session.commit()
    link = ppid_requests.tracking_url(req, secret)
    return render_template("website/ppid/request_done.html", number=req.number, link=link, due=req.due_at)


def _tracked(request_id: int, secret: str) -> PpidRequest:
    req = ppid_requests.find_by_secret(request_id, secret)
    if req is None:
        abort(404)
    return req


@bp.get("/track/<int:request_id>/<secret>")
@public
def track(request_id: int, secret: str):
    """Status and due dates only: never the requester's personal data."""
    req = _tracked(request_id, secret)
    resp = Response(
        render_template(
            "website/ppid/track.html",
            req=req,
            secret=secret,
            law=ppid_law,
            may_object=ppid_objections.may_object(req),
            deadline=ppid_objections.deadline(req),
            errors={},
        )
    )
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/track/<int:request_id>/<secret>/objection")
@public
def object_(request_id: int, secret: str):
    req = _tracked(request_id, secret)
    try:
        ppid_objections.file(req, grounds=request.form.getlist("grounds"), reason=request.form.get("reason", ""))
    except PpidError as exc:
        db.session.rollback()
        req = _tracked(request_id, secret)
        return (
            render_template(
                "website/ppid/track.html",
                req=req,
                secret=secret,
                law=ppid_law,
                may_object=ppid_objections.may_object(req),
                deadline=ppid_objections.deadline(req),
                errors={"objection": exc.message, "code": exc.code},
                reason=request.form.get("reason", ""),
            ),
            422,
        )
    db.session.commit()
    flash(_("Your objection is registered; the PPID's superior answers within 30 working days."), "success")
    return redirect(url_for("ppid_requests.track", request_id=request_id, secret=secret))


# --- the register (PPID roles) -------------------------------------------------------------------------


def _request_or_404(request_id: int) -> PpidRequest:
    req = db.session.get(PpidRequest, request_id)
    if req is None:
        abort(404)
    return req


@bp.get("/register")
@require(PERM_REQUESTS)
def register():
    """The register of requests: open ones first by due time."""
    status = request.args.get("status", "")
    rows = ppid_requests.register(status)
    return render_template(
        "website/ppid/register.html",
        rows=rows,
        status=status,
        law=ppid_law,
        now=utcnow(),
        objections=ppid_objections.open_objections(),
    )


def _detail(req: PpidRequest, errors: dict | None = None, status: int = 200):
    return (
        render_template(
            "website/ppid/request_detail.html",
            req=req,
            person=ppid_requests.show_personal(req, g.user),
            law=ppid_law,
            excluded=ppid_requests.excluded_decisions(),
            errors=errors or {},
            now=utcnow(),
            form=request.form,
        ),
        status,
    )


@bp.get("/register/<int:request_id>")
@require(PERM_REQUESTS)
def detail(request_id: int):
    """One request with the requester's personal data (every view is audited)."""
    req = _request_or_404(request_id)
    page = _detail(req)
    db.session.commit()  # the audit entry of the view
    return page


@bp.post("/register/<int:request_id>/extend")
@require(PERM_REQUESTS)
def extend(request_id: int):
    req = _request_or_404(request_id)
    try:
        ppid_requests.extend(
            req,
            g.user,
            days=int_arg("days", 0, lo=0, hi=1000, source=request.form) or 0,
            reason=request.form.get("reason", ""),
        )
    except PpidError as exc:
        db.session.rollback()
        page = _detail(_request_or_404(request_id), {"extend": exc.message}, 422)
        db.session.commit()
        return page
    db.session.commit()
    flash(_("Extended; the notice is sent to the requester."), "success")
    return redirect(url_for("ppid_requests.detail", request_id=request_id))


@bp.post("/register/<int:request_id>/decide")
@require(PERM_REQUESTS)
def decide(request_id: int):
    req = _request_or_404(request_id)
    documents = [
        (f.filename or "dokumen", f.read(ppid_requests.DOCUMENTS_MAX_BYTES + 1))
        for f in request.files.getlist("documents")
        if f and f.filename
    ]
    excluded = int_arg("excluded_item_id", None, lo=1, source=request.form)
    try:
        ppid_requests.decide(
            req,
            g.user,
            decision=request.form.get("decision", ""),
            answer=request.form.get("answer", ""),
            exception_class=request.form.get("exception_class", ""),
            consequence_reason=request.form.get("consequence_reason", ""),
            excluded_item_id=excluded,
            forwarded_to=request.form.get("forwarded_to", ""),
            documents=documents,
        )
    except PpidError as exc:
        db.session.rollback()
        page = _detail(_request_or_404(request_id), {"decide": exc.message}, 422)
        db.session.commit()
        return page
    db.session.commit()
    flash(_("Answered; the letter is sent to the requester."), "success")
    return redirect(url_for("ppid_requests.detail", request_id=request_id))


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"},
    )


@bp.get("/register/<int:request_id>/letter.pdf")
@require(PERM_REQUESTS)
def letter(request_id: int):
    from hub_website.ppid_letters import answer_letter

    req = _request_or_404(request_id)
    if req.decision is None:
        abort(404)
    return _pdf(answer_letter(req), f"jawaban-{req.number}.pdf")


@bp.get("/register/documents/<int:document_id>")
@require(PERM_REQUESTS)
def document(document_id: int):
    doc = db.session.get(PpidDocument, document_id)
    if doc is None:
        abort(404)
    return Response(
        doc.data,
        mimetype=doc.mime,
        headers={
            "Content-Disposition": f'attachment; filename="{doc.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _objection_or_404(objection_id: int) -> PpidObjection:
    objection = db.session.get(PpidObjection, objection_id)
    if objection is None:
        abort(404)
    return objection


def _objection_page(objection: PpidObjection, errors: dict | None = None, status: int = 200):
    return (
        render_template(
            "website/ppid/objection_detail.html",
            objection=objection,
            req=objection.request,
            law=ppid_law,
            errors=errors or {},
            now=utcnow(),
        ),
        status,
    )


@bp.get("/register/objections/<int:objection_id>")
@require(PERM_OBJECTIONS)
def objection(objection_id: int):
    """An objection, for the atasan PPID to answer."""
    return _objection_page(_objection_or_404(objection_id))


@bp.post("/register/objections/<int:objection_id>/decide")
@require(PERM_OBJECTIONS)
def objection_decide(objection_id: int):
    objection = _objection_or_404(objection_id)
    try:
        ppid_objections.decide(
            objection, g.user, outcome=request.form.get("outcome", ""), answer=request.form.get("answer", "")
        )
    except PpidError as exc:
        db.session.rollback()
        return _objection_page(_objection_or_404(objection_id), {"decide": exc.message}, 422)
    db.session.commit()
    flash(_("Answered; the letter is sent to the requester."), "success")
    return redirect(url_for("ppid_requests.objection", objection_id=objection_id))


@bp.get("/register/objections/<int:objection_id>/letter.pdf")
@require(PERM_OBJECTIONS)
def objection_letter(objection_id: int):
    from hub_website.ppid_letters import objection_letter as make

    objection = _objection_or_404(objection_id)
    if objection.outcome is None:
        abort(404)
    return _pdf(make(objection), f"jawaban-{objection.number}.pdf")


def overdue_panel_html(user) -> str:
    """The dashboard panel's body: overdue requests, and open objections for the atasan PPID."""
    from hub.sdk import has_permission

    return render_template(
        "website/ppid/panel.html",
        overdue=ppid_requests.overdue() if has_permission(user, PERM_REQUESTS) else [],
        objections=ppid_objections.open_objections() if has_permission(user, PERM_OBJECTIONS) else [],
        now=utcnow(),
        today=dt.date.today(),
    )
