"""``/api/v1/items…``: items (create, read, edit, delete drafts), their media, submission,
withdrawal and timeline — with the same permission checks as the pages."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from hub.api import api_doc, json_body
from hub.extensions import db
from hub.inputs import int_arg
from hub.models import Item
from hub.permissions import can_view_item, require, visible_items_clause
from hub.workflow import engine
from hub.workflow.errors import NotFound
from hub.workflow.timeline import timeline, workflow_summary

bp = Blueprint("items_api", __name__, url_prefix="/api/v1")

ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 300},
        "body": {"type": "string"},
        "kind": {"type": "string", "example": "video"},
        "event_date": {"type": "string", "format": "date"},
        "event_place": {"type": "string"},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
        "publish_at": {"type": "string", "format": "date-time", "description": "no zone: the office's"},
        "window_start": {"type": "string", "format": "date-time"},
        "window_end": {"type": "string", "format": "date-time"},
        "extra": {"type": "object", "description": "kind-specific fields; those plugins declare are validated"},
        "recurrence": {
            "type": ["object", "null"],
            "description": "a series: repeats from publish_at (office time); null or freq none: a single item",
            "properties": {
                "freq": {"type": "string", "enum": ["none", "weekly", "monthly"]},
                "interval": {"type": "integer", "minimum": 1, "maximum": 12},
                "count": {"type": "integer", "minimum": 1},
                "until": {"type": "string", "format": "date"},
            },
        },
        "organisation_id": {"type": "integer", "description": "staff who see every office only"},
        "channels": {
            "type": "array",
            "items": {
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
            },
        },
    },
}


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
def list_items():
    """Items you may see, newest first. Filters: ``status``, ``mine=1``, ``limit`` (max 200).

    Pages: ``before=<id>`` (older) and ``after=<id>`` (newer) cursors; the answer's
    ``next_before`` / ``prev_after`` are the next cursors (null at either end). ``offset`` is
    still accepted but costs a walk over every skipped row.
    """
    from hub.items.paging import keyset_page

    stmt = db.select(Item).where(visible_items_clause(g.user))
    if request.args.get("status"):
        stmt = stmt.where(Item.status == request.args["status"])
    if request.args.get("mine") in ("1", "true"):
        stmt = stmt.where(Item.created_by_id == g.user.id)
    limit = min(max(int_arg("limit", 50), 1), 200)
    offset = int_arg("offset", 0)
    before, after = int_arg("before"), int_arg("after")
    page = keyset_page(stmt, limit=limit, before=before, after=after, offset=offset)
    return jsonify(
        items=[item_json(i, full=False) for i in page.items],
        limit=limit,
        offset=offset,
        next_before=page.next_before,
        prev_after=page.prev_after,
    )


@bp.post("/items")
@require("item.create")
@api_doc("Create a draft item", request_schema=ITEM_SCHEMA, responses={201: "Created"})
def create():
    """Create a draft item for your office."""
    from hub.items.service import create_item

    item = create_item(g.user, json_body())
    return jsonify(item_json(item)), 201


@bp.get("/items/<int:item_id>")
@require()
def read(item_id: int):
    """One item with its channels, media and workflow position."""
    return jsonify(item_json(_visible(item_id)))


@bp.patch("/items/<int:item_id>")
@require()
@api_doc("Edit an item", request_schema=ITEM_SCHEMA)
def edit(item_id: int):
    """Change an item's fields (its creator while draft or returned; the current step's actor in review)."""
    from hub.items.service import update_item

    item = update_item(_visible(item_id), g.user, json_body())
    return jsonify(item_json(item))


@bp.delete("/items/<int:item_id>")
@require("item.create")
def delete(item_id: int):
    """Delete your own draft (a submitted item is withdrawn instead)."""
    from hub.items.service import delete_item

    delete_item(_visible(item_id), g.user)
    return "", 204


@bp.post("/items/<int:item_id>/assets")
@require("item.create")
@api_doc(
    "Attach an uploaded asset",
    request_schema={
        "type": "object",
        "properties": {
            "asset_id": {"type": "integer"},
            "role": {"type": "string", "enum": ["main", "featured", "gallery", "document"]},
            "alt_text": {"type": "string"},
        },
        "required": ["asset_id"],
    },
    responses={201: "Attached"},
)
def attach(item_id: int):
    """Attach an asset uploaded through the media API to the item."""
    from hub.items.service import attach_asset
    from hub.media.errors import MediaError

    data = json_body()
    item = _visible(item_id)
    try:
        link = attach_asset(item, g.user, data.get("asset_id"), data.get("role") or "main", data.get("alt_text", ""))
    except MediaError as exc:
        return jsonify(exc.as_json()), exc.status
    return jsonify(id=link.id, asset_id=link.asset_id, role=link.role, position=link.position), 201


@bp.delete("/items/<int:item_id>/assets/<int:link_id>")
@require("item.create")
def detach(item_id: int, link_id: int):
    """Remove an attached asset from the item (the upload itself stays)."""
    from hub.items.service import detach_asset

    detach_asset(_visible(item_id), g.user, link_id)
    return "", 204


@bp.post("/items/<int:item_id>/submit")
@require("item.create")
@api_doc("Submit the item into its workflow", responses={422: "A channel check failed: see problems"})
def submit(item_id: int):
    """Run the channels' checks and send the item to the first step of its workflow (or back to
    the step that returned it)."""
    item = engine.submit(_visible(item_id).id, g.user)
    return jsonify(item_json(item))


@bp.post("/items/<int:item_id>/withdraw")
@require("item.create")
def withdraw(item_id: int):
    """Withdraw your item before its final approval."""
    item = engine.withdraw(_visible(item_id).id, g.user)
    return jsonify(item_json(item))


@bp.post("/items/<int:item_id>/revise")
@require("item.create")
def revise(item_id: int):
    """Open a revision of your approved item once its workflow has finished (a series: also while
    occurrences are to come; those not yet out wait for the new approval); after its new final
    approval the published copies are updated."""
    from hub.items.series import open_revision

    item = open_revision(_visible(item_id).id, g.user)
    return jsonify(item_json(item))


@bp.post("/items/<int:item_id>/occurrences/<int:number>/cancel")
@require()
def cancel_occurrence(item_id: int, number: int):
    """Cancel one occurrence of a series (its creator, or a channel admin): its publications not
    yet out are cancelled; the other occurrences stay."""
    from hub.items import series

    occ = series.cancel_occurrence(_visible(item_id), number, g.user)
    return jsonify(occurrence_json(occ))


@bp.post("/items/<int:item_id>/occurrences/<int:number>/move")
@require()
@api_doc(
    "Move one occurrence of a series",
    request_schema={
        "type": "object",
        "properties": {"starts_at": {"type": "string", "format": "date-time", "description": "no zone: the office's"}},
        "required": ["starts_at"],
    },
)
def move_occurrence(item_id: int, number: int):
    """Give one occurrence of a series its own time; its publications not yet out go then."""
    from hub.items import series
    from hub.items.service import parse_datetime
    from hub.workflow.errors import InvalidRequest

    item = _visible(item_id)
    when = parse_datetime(json_body().get("starts_at"), "starts_at", series.office_zone(item))
    if when is None:
        raise InvalidRequest("Isi waktu baru.", "Give the new time.", field="starts_at")
    occ = series.move_occurrence(item, number, when, g.user)
    return jsonify(occurrence_json(occ))


@bp.get("/items/<int:item_id>/timeline")
@require()
def item_timeline(item_id: int):
    """Every step the item went through (who, when, due, late), then its publications."""
    item = _visible(item_id)
    return jsonify(item_id=item.id, status=item.status, workflow=workflow_summary(item), timeline=timeline(item))
