"""The publications API (``/api/v1/publications…``), declared with flask-smorest.

List and read the publications of the items the caller may see (paged: ``limit``/``offset``,
``total``, ``next_offset``; filters ``item_id``, ``status``, ``channel``); a channel's admins
``retry``, ``cancel`` and ``unpublish`` it, and for one whose outcome is unknown
(``needs_attention``) ``record`` the post they found or ``post_anyway``. Refusals are
problem+json: 404 ``not_found`` when the caller may not see the publication, 403
``not_allowed`` when they are not that channel's admin, 409 ``conflict`` when its state does
not allow the action, 422 ``invalid`` / ``confirm_required``.
"""

from __future__ import annotations

from flask import g

from hub.api import ApiBlueprint
from hub.api.schemas import Page, PageArgs, fields, ma, page_of, validate
from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.inputs import MAX_ID, BadInput
from hub.models import Item, Publication, PublicationStatus
from hub.permissions import require, visible_items_clause
from hub.workflow.errors import DecisionConflict, InvalidRequest, NotAllowed, NotFound

from . import admin
from .views import ACTIONS, publication_json, visible_publication

bp = ApiBlueprint("dispatch_api", __name__, url_prefix="/api/v1", description="Publications to the channels")


class PublicationSchema(ma.Schema):
    """One publication: an approved item going to one channel target."""

    id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    channel = fields.String(required=True)
    target = fields.String(required=True, allow_none=True, metadata={"description": "an account, a screen…"})
    status = fields.String(required=True, metadata={"enum": [s.value for s in PublicationStatus]})
    attempts = fields.Integer(required=True)
    scheduled_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    next_attempt_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    published_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    remote_id = fields.String(required=True, allow_none=True)
    remote_url = fields.String(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True, metadata={"description": "why it failed (Indonesian)"})
    last_error_en = fields.String(required=True, allow_none=True, metadata={"description": "why it failed (English)"})
    unpublish_requested = fields.Boolean(required=True)
    idempotency_key = fields.String(required=True)
    actions = fields.List(
        fields.String(), required=True, metadata={"description": "what you may do now: retry, cancel, unpublish…"}
    )


class PublicationPage(Page):
    publications = fields.List(fields.Nested(PublicationSchema), required=True)


class PublicationListArgs(PageArgs):
    # not Id(): that one is strict (JSON numbers only) and a query string carries text
    item_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "only this item's publications"}
    )
    status = fields.String(validate=validate.OneOf([s.value for s in PublicationStatus]))
    channel = fields.String(validate=validate.Length(max=50))


class RecordArgs(ma.Schema):
    remote = fields.String(required=True, metadata={"description": "the post's link (http/https) or its id"})


class PostAnywayArgs(ma.Schema):
    confirm = fields.Boolean(
        load_default=False, metadata={"description": "true: you checked that the post is not on the channel"}
    )


def _visible(pub_id: int) -> Publication:
    pub = visible_publication(pub_id)
    if pub is None:
        raise NotFound("Publikasi tidak ditemukan.", "Publication not found.")
    return pub


def _words(exc: Exception) -> tuple[str, str]:
    """A hub message ``"<id> / <en>"`` as its two languages."""
    message_id, _, message_en = str(exc).partition(" / ")
    return message_id, message_en or message_id


def _act(action: str, pub_id: int, **kwargs) -> dict:
    """Run ``action`` on a publication the caller sees and manages; its JSON, or a refusal raised."""
    pub = _visible(pub_id)
    if not admin.can_manage(g.user, pub):
        raise NotAllowed(
            f"Hanya admin kanal {pub.channel} yang boleh melakukan ini.",
            f"Only the {pub.channel} channel's admins may do this.",
        )
    try:
        return publication_json(ACTIONS[action](pub_id, actor=g.user, **kwargs))
    except TransitionNotAllowed as exc:
        db.session.rollback()
        raise DecisionConflict(*_words(exc)) from exc
    except admin.RemoteRefInvalid as exc:
        db.session.rollback()
        raise InvalidRequest(*_words(exc), field="remote") from exc


@bp.get("/publications")
@require()
@bp.arguments(PublicationListArgs, location="query")
@bp.response(200, PublicationPage)
def list_publications(args):
    """Publications of the items you may see, oldest first; filters ``item_id``, ``status``, ``channel``."""
    stmt = db.select(Publication).join(Item).where(visible_items_clause(g.user)).order_by(Publication.id)
    if args.get("item_id"):
        stmt = stmt.where(Publication.item_id == args["item_id"])
    for key in ("status", "channel"):
        if args.get(key):
            stmt = stmt.where(getattr(Publication, key) == args[key])
    rows, page = page_of(stmt, args, db.session)
    return {"publications": [publication_json(p) for p in rows], **page}


@bp.get("/publications/<int:pub_id>")
@require()
@bp.response(200, PublicationSchema)
def get_publication(pub_id: int):
    """A publication of an item you may see, with the actions you may take on it."""
    return publication_json(_visible(pub_id))


@bp.post("/publications/<int:pub_id>/retry")
@require("publication.manage")
@bp.response(200, PublicationSchema)
def retry(pub_id: int):
    """Try a failed publication again (the channel's admins)."""
    return _act("retry", pub_id)


@bp.post("/publications/<int:pub_id>/cancel")
@require("publication.manage")
@bp.response(200, PublicationSchema)
def cancel(pub_id: int):
    """Stop a publication that has not gone out (the channel's admins)."""
    return _act("cancel", pub_id)


@bp.post("/publications/<int:pub_id>/unpublish")
@require("publication.manage")
@bp.response(200, PublicationSchema)
def unpublish(pub_id: int):
    """Take a published post down from the channel (the channel's admins)."""
    return _act("unpublish", pub_id)


@bp.post("/publications/<int:pub_id>/record")
@require("publication.manage")
@bp.arguments(RecordArgs)
@bp.response(200, PublicationSchema)
def record(args, pub_id: int):
    """Record the remote post of a publication whose outcome is unknown (needs_attention): it becomes published.

    A channel admin found the post on the channel and gives its link or id (audited).
    """
    return _act("record", pub_id, remote=args["remote"])


@bp.post("/publications/<int:pub_id>/post_anyway")
@require("publication.manage")
@bp.arguments(PostAnywayArgs)
@bp.response(200, PublicationSchema)
def post_anyway(args, pub_id: int):
    """Post anyway: the admin confirmed the post is not on the channel; sent again without looking for a copy.

    ``confirm`` must be true (422 ``confirm_required`` otherwise); audited.
    """
    if args["confirm"] is not True:
        _visible(pub_id)
        raise BadInput(
            "confirm_required",
            "Periksa dulu kanalnya, lalu konfirmasi bahwa kiriman itu tidak ada (confirm: true).",
            "Check the channel first, then confirm that the post is not there (confirm: true).",
            status=422,
            field="confirm",
        )
    return _act("post_anyway", pub_id)
