"""Schemas every area's API shares: the problem (error) body, list paging, small references.

Areas declare their own request and answer schemas next to their views with marshmallow
(``from hub.api.schemas import ma, fields, Page…``); this module holds only what is common.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hub.inputs import MAX_ID

__all__ = [
    "ma",
    "fields",
    "validate",
    "ProblemSchema",
    "PageArgs",
    "Page",
    "Id",
    "IdEn",
    "Date",
    "DateTime",
    "Ref",
    "MAX_LIMIT",
    "page_of",
]

#: the most entries one page of any list answers
MAX_LIMIT = 200


def Id(*, strict: bool = True, **kwargs) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An id field: a whole number 1..2^31-1 (what the database stores). In a JSON body it must be a
    number (``strict``); in a query string, where every value is text, pass ``strict=False``."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class IdEn(ma.Schema):
    """The same words in Bahasa Indonesia and English."""

    id = fields.String(required=True, metadata={"description": "Bahasa Indonesia"})
    en = fields.String(required=True, metadata={"description": "English"})


def DateTime(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    """An ISO 8601 moment as the API answers it (a string, ``format: date-time``)."""
    return fields.String(metadata={"format": "date-time", **kwargs.pop("metadata", {})}, **kwargs)


def Date(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    """An ISO 8601 day as the API answers it (a string, ``format: date``)."""
    return fields.String(metadata={"format": "date", **kwargs.pop("metadata", {})}, **kwargs)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (``application/problem+json``), with the hub's extensions."""

    class Meta:
        unknown = ma.INCLUDE

    type = fields.String(required=True, metadata={"description": "urn:hub:problem:<code>"})
    title = fields.String(required=True, metadata={"description": "the HTTP reason phrase"})
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "the rule code, stable for scripts"})
    detail = fields.String(required=True, metadata={"description": "what was wrong and what to do, in `lang`"})
    lang = fields.String(required=True, validate=validate.OneOf(["id", "en"]))
    field = fields.String(metadata={"description": "the input field at fault, when one is"})
    problems = fields.List(fields.Raw(), metadata={"description": "a channel check's or a definition's problems"})
    errors = fields.Dict(metadata={"description": "per location and field: the messages (`{json: {title: [...]}}`)"})


class PageArgs(ma.Schema):
    """``limit`` and ``offset`` of a list."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class Page(ma.Schema):
    """What every list answers beside its entries: the page asked for and the total."""

    total = fields.Integer(required=True, metadata={"description": "entries matching, over all pages"})
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    next_offset = fields.Integer(required=True, allow_none=True, metadata={"description": "null on the last page"})


class Ref(ma.Schema):
    """A reference to a person or a thing: its id and the name people read."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


def page_of(stmt, args: dict, session) -> tuple[list, dict]:
    """Run ``stmt`` (a select of rows) for the page ``args`` asks; returns the rows and the
    :class:`Page` fields (one COUNT and one SELECT, whatever the number of rows)."""
    from sqlalchemy import func, select

    limit, offset = args["limit"], args["offset"]
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = list(session.execute(stmt.limit(limit).offset(offset)).scalars())
    next_offset = offset + len(rows) if offset + len(rows) < total else None
    return rows, {"total": total, "limit": limit, "offset": offset, "next_offset": next_offset}
