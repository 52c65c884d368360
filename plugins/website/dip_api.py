"""``/api/v1/ppid/dip``: the Daftar Informasi Publik as JSON, for portals and other systems.

Public like the DIP page (UU 14/2008 makes the list public): no login. The same filters as
the page (``q``, ``class``, ``unit``, ``year``), paged with ``limit``/``offset`` and a ``total``;
declared on an ``ApiBlueprint`` so it is validated and in the OpenAPI document.
"""

from __future__ import annotations

from flask import url_for
from hub_website import dip, ppid
from marshmallow import Schema, fields, validate

from hub.sdk import ApiBlueprint, ApiPage, ApiPageArgs, api_page_of, db, public

bp = ApiBlueprint("ppid_api", __name__, url_prefix="/api/v1/ppid", description="Daftar Informasi Publik")


class DipArgs(ApiPageArgs):
    q = fields.String(load_default="", validate=validate.Length(max=200))
    info_class = fields.String(data_key="class", load_default="", validate=validate.OneOf(["", *ppid.PUBLIC_CLASSES]))
    unit = fields.String(load_default="", validate=validate.Length(max=200))
    year = fields.Integer(load_default=None, validate=validate.Range(min=1, max=9999))


class DipEntrySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    info_class = fields.String(required=True, data_key="class")
    class_label = fields.Dict(required=True, metadata={"description": "{id, en}"})
    unit = fields.String(required=True)
    year = fields.Integer(required=True, allow_none=True)
    retention = fields.String(required=True)
    responsible = fields.String(required=True)
    place = fields.String(required=True)
    file_format = fields.String(required=True)
    file_url = fields.String(required=True, allow_none=True, metadata={"description": "the PDF, when there is one"})
    site_url = fields.String(required=True, allow_none=True)
    published_at = fields.String(required=True, metadata={"format": "date-time"})


class DipPage(ApiPage):
    entries = fields.List(fields.Nested(DipEntrySchema), required=True)


def entry_json(entry) -> dict:
    label_id, label_en = ppid.CLASSES[entry.info_class]
    return {
        "id": entry.id,
        "title": entry.title,
        "summary": entry.summary or "",
        "info_class": entry.info_class,  # answered as "class"
        "class_label": {"id": label_id, "en": label_en},
        "unit": entry.unit,
        "year": entry.year,
        "retention": entry.retention or "",
        "responsible": entry.responsible or "",
        "place": entry.place or "",
        "file_format": entry.file_format,
        "file_url": url_for("ppid.dip_file", entry_id=entry.id) if entry.asset_id else None,
        "site_url": entry.site_url,
        "published_at": entry.published_at.isoformat(),
    }


@bp.get("/dip")
@public
@bp.arguments(DipArgs, location="query")
@bp.response(200, DipPage)
def dip_list(args):
    """The public information list (DIP), ordered like the page: class, unit, newest year, title."""
    filters = dip.Filters(q=args["q"].strip(), info_class=args["info_class"], unit=args["unit"], year=args["year"])
    rows, page = api_page_of(dip.search_statement(filters), args, db.session)
    return {"entries": [entry_json(e) for e in rows], **page}
