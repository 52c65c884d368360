"""What the media API reads and answers (marshmallow): the asset, uploads, renditions, Drive imports.

The views in :mod:`hub.media.api` declare these with flask-smorest; the OpenAPI document and the
validation of requests come from the same declarations. The hub's own rules (sizes, types,
names, rendition sizes) stay in the services and refuse with their own codes.
"""

from __future__ import annotations

from hub.api.problems import PROBLEM_MIME
from hub.api.schemas import Id, ProblemSchema, fields, ma, validate

#: a file's bytes in an OpenAPI document (the request body of a chunk, a served file)
BINARY = {"type": "string", "format": "binary"}

#: refusals of the media area beside the ones every operation may give (see ``hub.api.openapi``)
TOO_LARGE = (413, "too_large: the file is over the limit for its kind")
STORAGE_FULL = (507, "storage_full: the server's disk is full; nothing was kept")
GONE = (410, "file_gone: the file was deleted (by its uploader or by retention)")


def media_problem(bp, status: int, description: str):
    """``@media_problem(bp, 413, "…")``: declare a problem+json answer of a media operation."""
    return bp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_MIME, description=description)


class AssetSchema(ma.Schema):
    """An uploaded file (an asset): what it is, where its files are, what became of its check."""

    id = fields.Integer(required=True)
    name = fields.String(required=True, allow_none=True, metadata={"description": "the uploader's file name"})
    kind = fields.String(required=True, allow_none=True, metadata={"description": "video, image or document"})
    mime = fields.String(required=True, allow_none=True, metadata={"description": "from the content, not the name"})
    size = fields.Integer(required=True, allow_none=True)
    sha256 = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"description": "receiving, probing, ready, rejected, deleted"})
    error = fields.String(required=True, allow_none=True, metadata={"description": "why the check refused it"})
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)
    duration = fields.Float(required=True, allow_none=True, metadata={"description": "seconds"})
    orientation = fields.String(required=True, allow_none=True)
    probe = fields.Dict(required=True, metadata={"description": "what the probe found (codecs, frame rate…)"})
    urls = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "original, poster, thumbnail, preview: the files ready to fetch"},
    )
    renditions = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        required=True,
        metadata={"description": "per key (1920x1080-60s-contain): status, width, height, max_seconds, fit, url"},
    )
    created_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    duplicate = fields.Boolean(
        required=True, metadata={"description": "the same bytes were uploaded before: this is that asset"}
    )
    message_id = fields.String(metadata={"description": "a duplicate: which earlier upload is used (Indonesian)"})
    message_en = fields.String(metadata={"description": "a duplicate: which earlier upload is used (English)"})
    message = fields.String(metadata={"description": "message_id / message_en"})


class LimitsSchema(ma.Schema):
    max_bytes = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True, metadata={"description": "per kind"}
    )
    max_image_pixels = fields.Integer(required=True)
    chunk_bytes = fields.Integer(required=True, metadata={"description": "the size of a chunk to send"})


class UploadStartArgs(ma.Schema):
    name = fields.String(required=True, metadata={"description": "the file's name (shown, never used on disk)"})
    size = fields.Integer(required=True, metadata={"description": "the whole file's size in bytes"})


class UploadSchema(ma.Schema):
    id = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "where to PATCH the chunks (also Location)"})
    offset = fields.Integer(required=True)
    size = fields.Integer(required=True)
    chunk_bytes = fields.Integer(required=True)


class UploadStatusSchema(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True)
    offset = fields.Integer(required=True, metadata={"description": "bytes received: resume from here"})


class RenditionArgs(ma.Schema):
    width = fields.Integer(required=True, metadata={"description": "even, 16..3840 pixels"})
    height = fields.Integer(required=True, metadata={"description": "even, 16..3840 pixels"})
    max_seconds = fields.Integer(load_default=60, metadata={"description": "1..3600"})
    fit = fields.String(
        load_default="contain", metadata={"description": "contain (whole picture, black bars) or cover (cut edges)"}
    )


class RenditionSchema(ma.Schema):
    key = fields.String(required=True, metadata={"description": "e.g. 1920x1080-60s-contain"})
    status = fields.String(required=True, metadata={"description": "pending, working, ready, failed"})
    asset = fields.Nested(AssetSchema, required=True)


class DriveImportArgs(ma.Schema):
    url = fields.String(required=True, metadata={"description": "a Google Drive share link"})
    kind = fields.String(load_default="video", validate=validate.OneOf(["video", "image", "document", "any"]))
    item_id = Id(load_default=None, allow_none=True, metadata={"description": "attach the file to this item"})
    role = fields.String(load_default="main", metadata={"description": "the file's role on the item"})


class DriveStartedSchema(ma.Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    status_url = fields.String(required=True, metadata={"description": "poll this (also Location)"})


class DriveStatusSchema(ma.Schema):
    """An import: queued, downloading (received of total bytes), done (the asset) or failed (why)."""

    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "queued, downloading, done, failed"})
    received = fields.Integer(allow_none=True)
    total = fields.Integer(allow_none=True)
    asset_id = fields.Integer(allow_none=True)
    duplicate = fields.Boolean(allow_none=True)
    asset = fields.Nested(AssetSchema)
    error = fields.String(allow_none=True, metadata={"description": "failed: the refusal's code"})
    message = fields.String(allow_none=True)
    message_id = fields.String(allow_none=True, metadata={"description": "failed: why, and what to do (Indonesian)"})
    message_en = fields.String(allow_none=True, metadata={"description": "failed: why, and what to do (English)"})
    item_id = fields.Integer(allow_none=True)
    attach_error = fields.String(metadata={"description": "done, but the file could not go on its item"})
    attach_message_id = fields.String()
    attach_message_en = fields.String()
