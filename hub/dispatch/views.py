"""Publication status and admin actions on the item page: its small forms, and the helpers
its template and the JSON API (:mod:`hub.dispatch.api`, ``/api/v1/publications…``) share.

HTML (``POST /publications/<id>/<action>``): the forms of
``templates/dispatch/_publications.html`` (CSRF-protected); they flash the outcome and
go back to the page they came from.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request
from flask_babel import gettext as _

from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.models import Item, Publication
from hub.permissions import can_view_item, require

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


def visible_publication(pub_id: int) -> Publication | None:
    """The publication, if the logged-in person may see its item; else None."""
    pub = db.session.get(Publication, pub_id)
    if pub is None or not can_view_item(g.user, pub.item):
        return None
    return pub


def _act(action: str, pub_id: int, **kwargs):
    """Run ``action`` for a form; returns (publication or None, the refusal's status or None)."""
    pub = visible_publication(pub_id)
    if pub is None:
        return None, 404
    if not admin.can_manage(g.user, pub):
        return pub, 403
    try:
        return ACTIONS[action](pub_id, actor=g.user, **kwargs), None
    except TransitionNotAllowed:
        db.session.rollback()
        return pub, 409
    except admin.RemoteRefInvalid:
        db.session.rollback()
        return pub, 422


@bp.post("/publications/<int:pub_id>/<any(retry, cancel, unpublish, record, post_anyway):action>")
@require("publication.manage")
def form_action(pub_id: int, action: str):
    kwargs = {"remote": request.form.get("remote", "")} if action == "record" else {}
    if action == "post_anyway" and request.form.get("confirm") != "1":
        flash(_("Check the channel first and confirm that the post is not there."), "error")
        return redirect(_back())
    pub, error = _act(action, pub_id, **kwargs)
    if error == 404:
        abort(404)
    if error == 403:
        abort(403)
    if error == 422:
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
