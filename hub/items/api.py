"""``/api/v1/items…``: items (create, read, edit, delete drafts), their media, submission,
withdrawal and timeline — with the same permission checks as the pages."""

from __future__ import annotations

from flask import g

from hub.api import ApiBlueprint
from hub.api.schemas import Date, DateTime, Page, PageArgs, fields, ma, validate
from hub.extensions import db
from hub.inputs import MAX_ID
from hub.models import Item, ItemStatus
from hub.permissions import can_view_item, require, visible_items_clause
from hub.workflow import engine
from hub.workflow.api_schemas import WorkflowSummarySchema
from hub.workflow.errors import NotFound
from hub.workflow.timeline import timeline, workflow_summary

bp = ApiBlueprint("items_api", __name__, url_prefix="/api/v1", description="Items, their media and their workflow")


# --- what the API reads ----------------------------------------------------------------------------


class ChannelEntry(fields.Field):
    """A channel's name, or ``{"channel", "title", "text", "options"}`` (checked by the items service)."""

    default_error_messages = {"invalid": "A channel name, or an object with channel (and title, text, options)."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) or (isinstance(value, dict) and isinstance(value.get("channel"), str)):
            return value
        raise self.make_error("invalid")


CHANNEL_ENTRY_DOC = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "channel": {"type": "string"},
                "title": {"type": "string"},
                "text": {"type": "string"},
                "options": {"type": "object"},
            },
            "required": ["channel"],
        },
    ]
}


class RecurrenceArgs(ma.Schema):
    """A series: repeats from ``publish_at`` (office time)."""

    freq = fields.String(
        validate=validate.OneOf(["none", "weekly", "monthly"]), metadata={"description": "none: no series"}
    )
    interval = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=12))
    count = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    until = Date(allow_none=True)


class ItemArgs(ma.Schema):
    """An item's fields; on PATCH only those sent change. Fields the API answers but does not
    take (``id``, ``status``…) are ignored, so an item read with GET can be sent back."""

    class Meta:
        unknown = ma.EXCLUDE

    title = fields.String(allow_none=True, validate=validate.Length(max=300))
    body = fields.String(allow_none=True)
    kind = fields.String(metadata={"example": "video", "description": "article, post, video or a plugin's kind"})
    event_date = Date(allow_none=True)
    event_place = fields.String(allow_none=True, validate=validate.Length(max=300))
    priority = fields.Integer(strict=True, validate=validate.Range(min=1, max=5))
    publish_at = DateTime(allow_none=True, metadata={"description": "without a zone: the office's"})
    window_start = DateTime(allow_none=True)
    window_end = DateTime(allow_none=True)
    extra = fields.Dict(metadata={"description": "kind-specific fields; those plugins declare are checked"})
    recurrence = fields.Nested(
        RecurrenceArgs,
        allow_none=True,
        metadata={"description": "a series; null or freq none: a single item"},
    )
    organisation_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "staff who see every office only"},
    )
    channels = fields.List(ChannelEntry(metadata=CHANNEL_ENTRY_DOC))


class ItemListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf([s.value for s in ItemStatus]))
    mine = fields.Boolean(load_default=False, metadata={"description": "only the items you created"})
    before = fields.Integer(
        validate=validate.Range(min=0, max=MAX_ID), metadata={"description": "cursor: the items older than this id"}
    )
    after = fields.Integer(
        validate=validate.Range(min=0, max=MAX_ID), metadata={"description": "cursor: the items newer than this id"}
    )


class AttachArgs(ma.Schema):
    asset_id = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "an upload of the media API"},
    )
    role = fields.String(load_default="main", validate=validate.OneOf(["main", "featured", "gallery", "document"]))
    alt_text = fields.String(load_default="", validate=validate.Length(max=1000))


class MoveArgs(ma.Schema):
    starts_at = DateTime(required=True, allow_none=True, metadata={"description": "without a zone: the office's"})


# --- what the API answers --------------------------------------------------------------------------


class ItemBase(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in ItemStatus]))
    organisation_id = fields.Integer(required=True, allow_none=True)
    created_by_id = fields.Integer(required=True, allow_none=True)
    priority = fields.Integer(required=True, allow_none=True)
    event_date = Date(required=True, allow_none=True)
    event_place = fields.String(required=True, allow_none=True)
    publish_at = DateTime(required=True, allow_none=True)
    window_start = DateTime(required=True, allow_none=True)
    window_end = DateTime(required=True, allow_none=True)
    recurrence = fields.Dict(required=True, allow_none=True, metadata={"description": "the series' rule, if any"})
    created_at = DateTime(required=True, allow_none=True)
    updated_at = DateTime(required=True, allow_none=True)
    url = fields.String(required=True, metadata={"description": "the item's page"})


class ItemSummary(ItemBase):
    channels = fields.List(fields.String(), required=True)


class ItemChannelVariant(ma.Schema):
    channel = fields.String(required=True)
    title = fields.String(required=True, allow_none=True)
    text = fields.String(required=True, allow_none=True)
    options = fields.Dict(required=True)


class ItemAsset(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "the attachment (to detach it)"})
    asset_id = fields.Integer(required=True)
    role = fields.String(required=True)
    position = fields.Integer(required=True, allow_none=True)
    alt_text = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True, allow_none=True)
    name = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, allow_none=True)


class ItemOccurrence(ma.Schema):
    number = fields.Integer(required=True)
    starts_at = DateTime(required=True, allow_none=True)
    rule_starts_at = DateTime(required=True, allow_none=True, metadata={"description": "the time the rule gives"})
    status = fields.String(required=True)


class ItemSchema(ItemBase):
    body = fields.String(required=True, allow_none=True)
    extra = fields.Dict(required=True)
    channels = fields.List(fields.Nested(ItemChannelVariant), required=True)
    assets = fields.List(fields.Nested(ItemAsset), required=True)
    occurrences = fields.List(fields.Nested(ItemOccurrence), metadata={"description": "a series only"})
    workflow = fields.Nested(WorkflowSummarySchema, required=True, allow_none=True)
    can_edit = fields.Boolean(required=True, metadata={"description": "whether you may change it now"})


class ItemPage(Page):
    items = fields.List(fields.Nested(ItemSummary), required=True)
    next_before = fields.Integer(
        required=True, allow_none=True, metadata={"description": "cursor of the next (older) page; null on the last"}
    )
    prev_after = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "cursor of the previous (newer) page; null on the first"},
    )


class ItemAttachment(ma.Schema):
    id = fields.Integer(required=True)
    asset_id = fields.Integer(required=True)
    role = fields.String(required=True)
    position = fields.Integer(required=True, allow_none=True)


class ItemTimeline(ma.Schema):
    item_id = fields.Integer(required=True)
    status = fields.String(required=True)
    workflow = fields.Nested(WorkflowSummarySchema, required=True, allow_none=True)
    timeline = fields.List(
        fields.Dict(),
        required=True,
        metadata={"description": "events in order: created, each step (event step), each publication"},
    )


def _iso(value):
    return value.isoformat() if value else None


def item_json(item: Item, *, full: bool = True) -> dict:
    from hub.items.service import can_edit

    data = {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "organisation_id": item.organisation_id,
        "created_by_id": item.created_by_id,
        "priority": item.priority,
        "event_date": item.event_date.isoformat() if item.event_date else None,
        "event_place": item.event_place,
        "publish_at": _iso(item.publish_at),
        "window_start": _iso(item.window_start),
        "window_end": _iso(item.window_end),
        "channels": item.channel_names,
        "recurrence": item.recurrence,
        "created_at": _iso(item.created_at),
        "updated_at": _iso(item.updated_at),
        "url": f"/items/{item.id}",
    }
    if full:
        data["body"] = item.body
        data["extra"] = item.extra or {}
        data["channels"] = [
            {"channel": c.channel, "title": c.title, "text": c.text, "options": c.options or {}} for c in item.channels
        ]
        data["assets"] = [
            {
                "id": a.id,
                "asset_id": a.asset_id,
                "role": a.role,
                "position": a.position,
                "alt_text": a.alt_text,
                "kind": a.asset.kind,
                "name": a.asset.original_name,
                "status": a.asset.status,
            }
            for a in item.assets
        ]
        if item.recurrence:
            from hub.items.series import occurrences

            data["occurrences"] = [occurrence_json(o) for o in occurrences(item.id)]
        data["workflow"] = workflow_summary(item)
        data["can_edit"] = can_edit(g.get("user"), item)
    return data


def occurrence_json(occ) -> dict:
    return {
        "number": occ.number,
        "starts_at": _iso(occ.starts_at),
        "rule_starts_at": _iso(occ.rule_starts_at),
        "status": occ.status,
    }


def _visible(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or not can_view_item(g.user, item):
        raise NotFound("Konten tidak ditemukan.", "Item not found.")
    return item


@bp.get("/items")
@require()
@bp.arguments(ItemListArgs, location="query")
@bp.response(200, ItemPage)
def list_items(args):
    """Items you may see, newest first. Filters: ``status``, ``mine``.

    Pages: ``before=<id>`` (older) and ``after=<id>`` (newer) cursors; the answer's
    ``next_before`` / ``prev_after`` are the next cursors (null at either end). ``offset`` is
    still accepted but costs a walk over every skipped row; ``next_offset`` is given when
    paging by offset (null on the last page, and when a cursor is used). ``total`` counts the
    items matching the filters over all pages.
    """
    from hub.items.paging import keyset_page

    stmt = db.select(Item).where(visible_items_clause(g.user))
    if args.get("status"):
        stmt = stmt.where(Item.status == args["status"])
    if args["mine"]:
        stmt = stmt.where(Item.created_by_id == g.user.id)
    limit, offset = args["limit"], args["offset"]
    before, after = args.get("before"), args.get("after")
    total = db.session.execute(stmt.with_only_columns(db.func.count(Item.id)).order_by(None)).scalar_one()
    page = keyset_page(stmt, limit=limit, before=before, after=after, offset=offset)
    by_offset = before is None and after is None
    next_offset = offset + len(page.items) if by_offset and offset + len(page.items) < total else None
    return {
        "items": [item_json(i, full=False) for i in page.items],
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset,
        "next_before": page.next_before,
        "prev_after": page.prev_after,
    }


@bp.post("/items")
@require("item.create")
@bp.arguments(ItemArgs)
@bp.response(201, ItemSchema)
def create(data):
    """Create a draft item for your office."""
    from hub.items.service import create_item

    return item_json(create_item(g.user, data))


@bp.get("/items/<int:item_id>")
@require()
@bp.response(200, ItemSchema)
def read(item_id: int):
    """One item with its channels, media and workflow position."""
    return item_json(_visible(item_id))


@bp.patch("/items/<int:item_id>")
@require()
@bp.arguments(ItemArgs)
@bp.response(200, ItemSchema)
def edit(data, item_id: int):
    """Change an item's fields (its creator while draft or returned; the current step's actor in review)."""
    from hub.items.service import update_item

    return item_json(update_item(_visible(item_id), g.user, data))


@bp.delete("/items/<int:item_id>")
@require("item.create")
@bp.response(204)
def delete(item_id: int):
    """Delete your own draft (a submitted item is withdrawn instead)."""
    from hub.items.service import delete_item

    delete_item(_visible(item_id), g.user)


@bp.post("/items/<int:item_id>/assets")
@require("item.create")
@bp.arguments(AttachArgs)
@bp.response(201, ItemAttachment)
def attach(data, item_id: int):
    """Attach an asset uploaded through the media API to the item."""
    from hub.items.service import attach_asset

    link = attach_asset(_visible(item_id), g.user, data["asset_id"], data["role"], data["alt_text"])
    return {"id": link.id, "asset_id": link.asset_id, "role": link.role, "position": link.position}


@bp.delete("/items/<int:item_id>/assets/<int:link_id>")
@require("item.create")
@bp.response(204)
def detach(item_id: int, link_id: int):
    """Remove an attached asset from the item (the upload itself stays)."""
    from hub.items.service import detach_asset

    detach_asset(_visible(item_id), g.user, link_id)


@bp.post("/items/<int:item_id>/submit")
@require("item.create")
@bp.response(200, ItemSchema)
def submit(item_id: int):
    """Run the channels' checks and send the item to the first step of its workflow (or back to
    the step that returned it). A failed check: 422 ``checks_failed`` with ``problems``."""
    return item_json(engine.submit(_visible(item_id).id, g.user))


@bp.post("/items/<int:item_id>/withdraw")
@require("item.create")
@bp.response(200, ItemSchema)
def withdraw(item_id: int):
    """Withdraw your item before its final approval."""
    return item_json(engine.withdraw(_visible(item_id).id, g.user))


@bp.post("/items/<int:item_id>/revise")
@require("item.create")
@bp.response(200, ItemSchema)
def revise(item_id: int):
    """Open a revision of your approved item once its workflow has finished (a series: also while
    occurrences are to come; those not yet out wait for the new approval); after its new final
    approval the published copies are updated."""
    from hub.items.series import open_revision

    return item_json(open_revision(_visible(item_id).id, g.user))


@bp.post("/items/<int:item_id>/occurrences/<int:number>/cancel")
@require()
@bp.response(200, ItemOccurrence)
def cancel_occurrence(item_id: int, number: int):
    """Cancel one occurrence of a series (its creator, or a channel admin): its publications not
    yet out are cancelled; the other occurrences stay."""
    from hub.items import series

    return occurrence_json(series.cancel_occurrence(_visible(item_id), number, g.user))


@bp.post("/items/<int:item_id>/occurrences/<int:number>/move")
@require()
@bp.arguments(MoveArgs)
@bp.response(200, ItemOccurrence)
def move_occurrence(data, item_id: int, number: int):
    """Give one occurrence of a series its own time; its publications not yet out go then."""
    from hub.items import series
    from hub.items.service import parse_datetime
    from hub.workflow.errors import InvalidRequest

    item = _visible(item_id)
    when = parse_datetime(data.get("starts_at"), "starts_at", series.office_zone(item))
    if when is None:
        raise InvalidRequest("Isi waktu baru.", "Give the new time.", field="starts_at")
    return occurrence_json(series.move_occurrence(item, number, when, g.user))


@bp.get("/items/<int:item_id>/timeline")
@require()
@bp.response(200, ItemTimeline)
def item_timeline(item_id: int):
    """Every step the item went through (who, when, due, late), then its publications."""
    item = _visible(item_id)
    return {"item_id": item.id, "status": item.status, "workflow": workflow_summary(item), "timeline": timeline(item)}
