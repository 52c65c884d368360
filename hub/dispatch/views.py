"""Publication status and admin actions: the JSON API and the item page's small forms.

JSON (``/api/v1/publications…``): list and read publications of the items the caller
may see; ``POST …/<id>/retry|cancel|unpublish`` for channel admins, and for a
publication whose outcome is unknown ``POST …/<id>/record`` (``{"remote": link or id}``)
and ``POST …/<id>/post_anyway`` (``{"confirm": true}``). Errors are
``{"error": code, "message": "<id> / <en>"}``: 404 when the caller may not see the
publication, 403 when they are not that channel's admin, 409 when its state does not
allow the action.

HTML (``POST /publications/<id>/<action>``): the forms of
``templates/dispatch/_publications.html`` (CSRF-protected); they flash the outcome and
go back to the page they came from.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, request
from flask_babel import gettext as _

from hub.api import api_doc
from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.inputs import int_arg
from hub.models import Item, Publication
from hub.permissions import can_view_item, require, visible_items_clause

from . import admin

bp = Blueprint("dispatch", __name__)

ACTIONS = {
    "retry": admin.retry,
    "cancel": admin.cancel,
    "unpublish": admin.unpublish,
    "record": admin.record,
    "post_anyway": admin.post_anyway,
}


def publication_json(pub: Publication) -> dict:
    return {
        "id": pub.id,
        "item_id": pub.item_id,
        "channel": pub.channel,
        "target": pub.target,
        "status": pub.status,
        "attempts": pub.attempts,
        "scheduled_at": _iso(pub.scheduled_at),
        "next_attempt_at": _iso(pub.next_attempt_at),
        "published_at": _iso(pub.published_at),
        "remote_id": pub.remote_id,
        "remote_url": pub.remote_url,
        "last_error": pub.last_error,
        "last_error_en": pub.last_error_en,
        "unpublish_requested": pub.unpublish_requested_at is not None,
        "idempotency_key": pub.idempotency_key,
        "actions": allowed_actions(pub),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def allowed_actions(pub: Publication, user=None) -> list[str]:
    """The admin actions ``user`` (default: the logged-in one) may take on ``pub`` right now."""
    user = user if user is not None else g.get("user")
    if not admin.can_manage(user, pub):
        return []
    actions = []
    if pub.status in admin.RETRYABLE:
        actions.append("retry")
    if pub.status in admin.CANCELLABLE:
        actions.append("cancel")
    if pub.status == "published" and pub.unpublish_requested_at is None:
        actions.append("unpublish")
    if pub.status in admin.UNSETTLED:
        actions += ["record", "post_anyway"]
    return actions


def item_publications(item: Item) -> list[Publication]:
    """An item's publications, in creation order (for templates)."""
    stmt = db.select(Publication).where(Publication.item_id == item.id).order_by(Publication.id)
    return list(db.session.execute(stmt).scalars())


def publication_time(value) -> str:
    """A stored UTC time in the reader's office zone and language, e.g. ``12 Des 2026 08.00 WIB``."""
    from hub.dates import format_moment

    return format_moment(value)


def _error(status: int, code: str, message: str):
    return jsonify(error=code, message=message), status


def _visible_or_none(pub_id: int) -> Publication | None:
    pub = db.session.get(Publication, pub_id)
    if pub is None or not can_view_item(g.user, pub.item):
        return None
    return pub


def _not_found():
    return _error(404, "not_found", "Publikasi tidak ditemukan / publication not found")


@bp.get("/api/v1/publications")
@require()
def api_list():
    """Publications of the items the caller may see; filters ``item_id``, ``status``, ``channel``."""
    stmt = db.select(Publication).join(Item).where(visible_items_clause(g.user)).order_by(Publication.id)
    if request.args.get("item_id"):
        stmt = stmt.where(Publication.item_id == int_arg("item_id"))
    for key in ("status", "channel"):
        if request.args.get(key):
            stmt = stmt.where(getattr(Publication, key) == request.args[key])
    rows = db.session.execute(stmt.limit(500)).scalars()
    return jsonify(publications=[publication_json(p) for p in rows])


@bp.get("/api/v1/publications/<int:pub_id>")
@require()
def api_get(pub_id: int):
    pub = _visible_or_none(pub_id)
    return jsonify(publication_json(pub)) if pub else _not_found()


def _act(action: str, pub_id: int, **kwargs):
    """Run ``action``; returns (publication or None, error as (status, code, message) or None)."""
    pub = _visible_or_none(pub_id)
    if pub is None:
        return None, (404, "not_found", "Publikasi tidak ditemukan / publication not found")
    if not admin.can_manage(g.user, pub):
        return pub, (
            403,
            "forbidden",
            f"Hanya admin kanal {pub.channel} yang boleh / only the {pub.channel} channel's admins may do this",
        )
    try:
        return ACTIONS[action](pub_id, actor=g.user, **kwargs), None
    except TransitionNotAllowed as exc:
        db.session.rollback()
        return pub, (409, "conflict", str(exc))
    except admin.RemoteRefInvalid as exc:
        db.session.rollback()
        return pub, (422, "invalid", str(exc))


CONFIRM_FIRST = (
    "Periksa dulu kanalnya, lalu konfirmasi bahwa kiriman itu tidak ada (confirm) / "
    "check the channel first, then confirm that the post is not there (confirm)"
)


@bp.post("/api/v1/publications/<int:pub_id>/record")
@require("publication.manage")
@api_doc(
    "Record the remote post of a publication whose outcome is unknown (needs_attention): it becomes published",
    request_schema={
        "type": "object",
        "properties": {"remote": {"type": "string", "description": "the post's link (http/https) or its id"}},
        "required": ["remote"],
    },
)
def api_record(pub_id: int):
    """A channel admin found the post on the channel: record its link or id (audited)."""
    data = request.get_json(silent=True)
    remote = data.get("remote") if isinstance(data, dict) else None
    if not isinstance(remote, str):
        return _error(422, "invalid", "Isi remote: tautan atau id kiriman / give remote: the post's link or id")
    pub, error = _act("record", pub_id, remote=remote)
    if error:
        return _error(*error)
    return jsonify(publication_json(pub))


@bp.post("/api/v1/publications/<int:pub_id>/post_anyway")
@require("publication.manage")
@api_doc(
    "Post anyway: the admin confirmed the post is not on the channel; sent again without looking for a copy",
    request_schema={"type": "object", "properties": {"confirm": {"type": "boolean"}}, "required": ["confirm"]},
)
def api_post_anyway(pub_id: int):
    """A channel admin checked that the post is not there: send it without a look-up (audited)."""
    data = request.get_json(silent=True)
    if not (isinstance(data, dict) and data.get("confirm") is True):
        return _error(422, "confirm_required", CONFIRM_FIRST)
    pub, error = _act("post_anyway", pub_id)
    if error:
        return _error(*error)
    return jsonify(publication_json(pub))


@bp.post("/api/v1/publications/<int:pub_id>/<any(retry, cancel, unpublish):action>")
@require("publication.manage")
def api_action(pub_id: int, action: str):
    pub, error = _act(action, pub_id)
    if error:
        return _error(*error)
    return jsonify(publication_json(pub))


@bp.post("/publications/<int:pub_id>/<any(retry, cancel, unpublish, record, post_anyway):action>")
@require("publication.manage")
def form_action(pub_id: int, action: str):
    kwargs = {"remote": request.form.get("remote", "")} if action == "record" else {}
    if action == "post_anyway" and request.form.get("confirm") != "1":
        flash(_("Check the channel first and confirm that the post is not there."), "error")
        return redirect(_back())
    pub, error = _act(action, pub_id, **kwargs)
    if error and error[0] == 404:
        abort(404)
    if error and error[0] == 403:
        abort(403)
    if error and error[0] == 422:
        flash(_("Give the post's link (http/https) or its id on the channel."), "error")
    elif error:
        flash(_("This publication cannot be changed in its current state."), "error")
    else:
        flash(
            {
                "retry": _("The publication will be tried again."),
                "cancel": _("The publication was cancelled."),
                "unpublish": _("The content will be taken down from the channel."),
                "record": _("The post on the channel was recorded; the publication is published."),
                "post_anyway": _("The publication will be sent again without looking for an earlier copy."),
            }[action],
            "success",
        )
    return redirect(_back())


def _back() -> str:
    """Where the form came from: a local path given in ``next``, else ``/``."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
