"""The media API (``/api/v1``): resumable uploads, one-shot uploads, Drive imports, renditions, files.

See docs/media.md for the protocol. Each operation is declared with flask-smorest (the OpenAPI
document and the validation come from the same declaration); the chunk and the one-shot upload
are declared but streamed, never read by webargs. Every refusal is ``application/problem+json``
(a :class:`~hub.media.errors.MediaError` answered by :mod:`hub.errors`: ``code``, ``detail``, and
extensions such as ``limit``, ``size``, ``offset``) and leaves no file and no row.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import unquote

from flask import Response, g, request, url_for
from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import parse_options_header

from hub.api import ApiBlueprint
from hub.extensions import csrf, db
from hub.media import uploads
from hub.media.access import can_attach, can_delete_asset, can_view_asset
from hub.media.errors import MediaError, bad_request, too_large
from hub.media.ingest import ingest
from hub.media.multipart import stream_multipart
from hub.media.names import clean_upload_name
from hub.media.schemas import (
    BINARY,
    GONE,
    STORAGE_FULL,
    TOO_LARGE,
    AssetSchema,
    DriveImportArgs,
    DriveStartedSchema,
    DriveStatusSchema,
    LimitsSchema,
    RenditionArgs,
    RenditionSchema,
    UploadSchema,
    UploadStartArgs,
    UploadStatusSchema,
    media_problem,
)
from hub.media.settings import limit_for, setting
from hub.media.storage import Receiver, incoming_path
from hub.media.views_common import asset_json, check_csrf_header
from hub.models import Asset
from hub.permissions import require

bp = ApiBlueprint("media_api", __name__, url_prefix="/api/v1", description="Media: uploads, files, Drive imports")

#: refusals that do not end a resumable upload (the person can resume)
_RESUMABLE = {"offset_mismatch", "too_much_data", "upload_busy", "bad_chunk", "csrf_failed", "disconnected"}
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")

_UPLOAD_HEADERS = {
    "Upload-Offset": {"schema": {"type": "integer"}, "description": "bytes received so far"},
    "Upload-Length": {"schema": {"type": "integer"}, "description": "the whole file's size"},
}


def _finish(receiver: Receiver, name: str):
    detected, sha256 = receiver.finish()
    asset, duplicate = ingest(receiver.path, detected, sha256, name=name, user=g.user)
    return asset_json(asset, duplicate=duplicate), 200 if duplicate else 201


def _no_content(headers: dict | None = None) -> Response:
    return Response(status=204, headers=headers or {})


@bp.get("/media/limits")
@require("media.upload")
@bp.response(200, LimitsSchema)
def limits():
    """What the uploader needs to know before sending anything: sizes per kind, pixels, chunk size."""
    return {
        "max_bytes": {kind: limit_for(kind) for kind in ("video", "image", "document")},
        "max_image_pixels": int(setting("MEDIA_MAX_IMAGE_PIXELS")),
        "chunk_bytes": int(setting("MEDIA_CHUNK_BYTES")),
    }


# --- resumable uploads -------------------------------------------------------------------------------


@bp.post("/uploads")
@require("media.upload")
@bp.arguments(UploadStartArgs)
@bp.response(
    201,
    UploadSchema,
    description="Started: send the chunks to Location",
    headers={"Location": {"schema": {"type": "string"}}, **_UPLOAD_HEADERS},
)
@media_problem(bp, *TOO_LARGE)
@media_problem(bp, *STORAGE_FULL)
def create_upload(args):
    """Start a resumable upload of ``size`` bytes (refused at once when no kind of file may be that large).

    Then ``PATCH`` the chunks to ``url`` with ``Upload-Offset`` (tus-like); ``HEAD`` it to resume.
    """
    name = clean_upload_name(args["name"])
    size = args["size"]
    session = uploads.create_session(g.user, name, size)
    url = url_for("media_api.upload_status", upload_id=session.id)
    body = {"id": session.id, "url": url, "offset": 0, "size": size, "chunk_bytes": int(setting("MEDIA_CHUNK_BYTES"))}
    return body, 201, {"Location": url, "Upload-Offset": "0", "Upload-Length": str(size)}


@bp.route("/uploads/<upload_id>", methods=["GET", "HEAD"])
@require("media.upload")
@bp.response(200, UploadStatusSchema, headers=_UPLOAD_HEADERS)
# HEAD is declared as its own operation: the answers the document adds to every GET are given here too
@media_problem(bp, 400, "Malformed request (a NUL in the upload id)")
@media_problem(bp, 401, "Not logged in, or no valid token")
@media_problem(bp, 403, "Not allowed to upload")
@media_problem(bp, 404, "No such upload of yours (finished, cancelled or expired)")
def upload_status(upload_id: str):
    """How many bytes the server has of an upload (``HEAD`` or ``GET``): resume from ``Upload-Offset``."""
    session = uploads.get_session(upload_id, g.user)
    offset = session.offset()
    body = {"id": session.id, "name": session.name, "size": session.size, "offset": offset}
    headers = {"Upload-Offset": str(offset), "Upload-Length": str(session.size), "Cache-Control": "no-store"}
    return body, 200, headers


def _chunk_position(session: uploads.UploadSession) -> tuple[int, int | None]:
    length = request.content_length
    header = request.headers.get("Content-Range", "").strip()
    if header:
        m = _RANGE.match(header)
        if not m or int(m.group(3)) != session.size or int(m.group(2)) < int(m.group(1)):
            raise bad_request(
                "bad_chunk",
                f"Content-Range tidak valid; harus 'bytes awal-akhir/{session.size}'.",
                f"Invalid Content-Range; it must be 'bytes start-end/{session.size}'.",
            )
        start, end = int(m.group(1)), int(m.group(2))
        if length is not None and length != end - start + 1:
            raise bad_request(
                "bad_chunk",
                "Panjang isi tidak sama dengan Content-Range.",
                "The body length does not match Content-Range.",
            )
        return start, end - start + 1
    offset = request.headers.get("Upload-Offset", "")
    if not offset.isdigit():
        raise bad_request(
            "bad_chunk",
            "Header Upload-Offset (atau Content-Range) wajib ada pada setiap bagian.",
            "Every chunk needs an Upload-Offset (or Content-Range) header.",
        )
    return int(offset), length


@csrf.exempt
@bp.route("/uploads/<upload_id>", methods=["PATCH"])
@require("media.upload")
@bp.doc(
    requestBody={
        "required": True,
        "description": "The chunk's bytes, at ``Upload-Offset`` (or ``Content-Range: bytes a-b/size``)",
        "content": {
            "application/offset+octet-stream": {"schema": BINARY},
            "application/octet-stream": {"schema": BINARY},
        },
    },
    parameters=[
        {"in": "header", "name": "Upload-Offset", "schema": {"type": "integer", "minimum": 0}},
        {"in": "header", "name": "Content-Range", "schema": {"type": "string"}},
    ],
)
@bp.response(204, description="Chunk stored; more to send from Upload-Offset", headers=_UPLOAD_HEADERS)
@bp.alt_response(201, schema=AssetSchema, description="The last chunk: the file is stored", success=True)
@bp.alt_response(200, schema=AssetSchema, description="The last chunk: the same file was stored before", success=True)
@media_problem(bp, *TOO_LARGE)
@media_problem(bp, *STORAGE_FULL)
def append_chunk(upload_id: str):
    """Append a chunk at ``Upload-Offset``; the last chunk answers with the asset (201) or the refusal.

    A chunk at the wrong offset is 409 ``offset_mismatch`` with the right ``offset``; a dropped
    connection is 400 ``disconnected`` with ``offset``: resume from there.
    """
    check_csrf_header()
    session = uploads.get_session(upload_id, g.user)
    offset, length = _chunk_position(session)
    with uploads.locked(session):
        try:
            receiver = uploads.append(session, request.stream, offset, length)
        except MediaError as exc:
            if exc.code not in _RESUMABLE:
                uploads.end_session(session)
            raise
        except ClientDisconnected:
            raise MediaError(
                "disconnected",
                "Koneksi terputus di tengah pengiriman. Lanjutkan dari posisi offset.",
                "The connection dropped during the chunk. Resume from offset.",
                status=400,
                offset=session.offset(),
            ) from None
        if receiver.size < session.size:
            return _no_content({"Upload-Offset": str(receiver.size), "Upload-Length": str(session.size)})
        try:
            return _finish(receiver, session.name)
        finally:
            uploads.end_session(session)


@bp.delete("/uploads/<upload_id>")
@require("media.upload")
@bp.response(204, description="Cancelled: what was received is deleted")
def cancel_upload(upload_id: str):
    """Cancel an upload: the bytes received so far are deleted."""
    uploads.end_session(uploads.get_session(upload_id, g.user))
    return _no_content()


# --- one-shot upload ----------------------------------------------------------------------------------


def _raw_name() -> str | None:
    if "X-Filename" in request.headers:
        return unquote(request.headers["X-Filename"], errors="strict")
    _value, options = parse_options_header(request.headers.get("Content-Disposition", ""))
    return options.get("filename")


@csrf.exempt
@bp.post("/media")
@require("media.upload")
@bp.doc(
    requestBody={
        "required": True,
        "description": "``multipart/form-data`` with the file in ``file``, or the raw bytes with ``X-Filename`` "
        "(percent-encoded) or ``Content-Disposition: attachment; filename=…``",
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": BINARY}, "required": ["file"]},
            },
            "application/octet-stream": {"schema": BINARY},
        },
    },
    parameters=[{"in": "header", "name": "X-Filename", "schema": {"type": "string"}}],
)
@bp.response(201, AssetSchema, description="Stored")
@bp.alt_response(200, schema=AssetSchema, description="The same file was stored before: that asset", success=True)
@media_problem(bp, *TOO_LARGE)
@media_problem(bp, *STORAGE_FULL)
def upload_once():
    """Upload a whole file in one request (type from its content; the limits of its kind)."""
    check_csrf_header()
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    length = request.content_length
    path = incoming_path(f"once-{secrets.token_urlsafe(12)}")
    holder: dict = {}
    try:
        if mimetype == "multipart/form-data":
            if length is not None and length > limit_for(None) + 1024 * 1024:
                raise too_large(length, limit_for(None), None)
            if not options.get("boundary"):
                raise bad_request("bad_multipart", "Batas multipart tidak ada.", "The multipart boundary is missing.")

            def on_file(filename: str):
                holder["name"] = clean_upload_name(filename)
                holder["receiver"] = Receiver(path)
                return holder["receiver"].write

            stream_multipart(request.stream, options["boundary"].encode(), on_file)
        else:
            holder["name"] = clean_upload_name(_raw_name())
            if length is not None and length > limit_for(None):
                raise too_large(length, limit_for(None), None)
            holder["receiver"] = Receiver(path, expected=length)
            holder["receiver"].copy_from(request.stream, length)
        return _finish(holder["receiver"], holder["name"])
    finally:
        if "receiver" in holder:
            holder["receiver"].discard()  # closes the handle even when the disk is full, then deletes
        path.unlink(missing_ok=True)


# --- assets -------------------------------------------------------------------------------------------


def _visible_asset(asset_id: int) -> Asset:
    asset = db.session.get(Asset, asset_id)
    if asset is None or not can_view_asset(g.user, asset):
        raise MediaError("not_found", "Media tidak ditemukan.", "Media not found.", status=404)
    return asset


@bp.get("/media/<int:asset_id>")
@require()
@bp.response(200, AssetSchema)
def get_asset(asset_id: int):
    """An asset you may see: its kind, size, check status, files and renditions."""
    return asset_json(_visible_asset(asset_id))


@bp.delete("/media/<int:asset_id>")
@require("media.upload")
@bp.response(204, description="Deleted")
def delete_asset(asset_id: int):
    """The uploader removes an asset no item uses (the row stays, marked deleted; 409 ``in_use``)."""
    from hub import audit
    from hub.media.storage import lock_asset, remove_files
    from hub.models import AssetStatus
    from hub.models.base import utcnow

    asset = _visible_asset(asset_id)
    if not can_delete_asset(g.user, asset):
        raise MediaError(
            "in_use",
            "Media ini dipakai konten atau bukan unggahan Anda, jadi tidak dapat dihapus. "
            "Lepaskan dari kontennya dulu.",
            "This media is used by an item or was not uploaded by you, so it cannot be deleted. Remove it from the "
            "item first.",
            status=409,
        )
    lock_asset(asset)
    db.session.refresh(asset)  # the derivatives a job recorded just before
    remove_files(asset)
    asset.status, asset.deleted_at = AssetStatus.DELETED.value, utcnow()
    audit.record("media.deleted", target_type="asset", target_id=asset.id, details={"reason": "uploader"})
    db.session.commit()
    return _no_content()


@bp.post("/media/<int:asset_id>/renditions")
@require("publication.manage")
@bp.arguments(RenditionArgs)
@bp.response(202, RenditionSchema, description="Queued (or under way): poll the asset")
@bp.alt_response(200, schema=RenditionSchema, description="Ready already", success=True)
def create_rendition(args, asset_id: int):
    """Ask for a copy of a ready video conformed to a screen (size, length, fit); 400 ``bad_rendition``."""
    from hub.media.renditions import request_rendition

    asset = _visible_asset(asset_id)
    key = request_rendition(asset, args["width"], args["height"], args["max_seconds"], args["fit"])
    entry = asset.derivatives["renditions"][key]
    body = {"key": key, "status": entry["status"], "asset": asset_json(asset)}
    return body, 200 if entry["status"] == "ready" else 202


@bp.get("/media/<int:asset_id>/files/<variant>")
@require()
@bp.response(
    200,
    BINARY,
    content_type="*/*",
    description="The file, with its stored type (video/*, image/*, application/pdf)",
)
@bp.alt_response(206, schema=BINARY, content_type="*/*", description="Partial content (a Range request)", success=True)
@bp.alt_response(304, description="Not modified (If-None-Match / If-Modified-Since)", success=True)
@media_problem(bp, *GONE)
@media_problem(bp, 416, "The Range asked for is not in the file")
def media_file(asset_id: int, variant: str):
    """An asset's file for API-token clients: ``original``, ``poster``, ``thumbnail``, ``preview`` or a
    rendition key; HTTP Range (206) and conditional requests (304) are answered."""
    from hub.media.serve import serve_file

    return serve_file(asset_id, variant)


# --- Google Drive -------------------------------------------------------------------------------------


@bp.post("/media/drive")
@require("media.upload")
@bp.arguments(DriveImportArgs)
@bp.response(202, DriveStartedSchema, headers={"Location": {"schema": {"type": "string"}}})
def drive_import(args):
    """Import a file from a Google Drive share link: checked now, downloaded by a worker; poll ``status_url``."""
    from hub.media.drive import start_import
    from hub.models import Item

    item_id = args["item_id"]
    if item_id is not None:
        item = db.session.get(Item, item_id)
        if item is None or not can_attach(g.user, item):
            raise MediaError(
                "item_not_editable",
                "Konten tidak ditemukan atau tidak dapat Anda ubah sekarang.",
                "The item was not found or you cannot change it now.",
                status=403,
            )
    import_id = start_import(g.user, args["url"], kind=args["kind"], item_id=item_id, role=args["role"] or "main")
    status_url = url_for("media_api.drive_status", import_id=import_id)
    return {"id": import_id, "status": "queued", "status_url": status_url}, 202, {"Location": status_url}


@bp.get("/media/drive/<import_id>")
@require("media.upload")
@bp.response(200, DriveStatusSchema)
def drive_status(import_id: str):
    """Where an import of yours is: queued, downloading, done (with the asset) or failed (with why)."""
    from hub.media.drive import import_status

    status = import_status(import_id, g.user)
    if status is None:
        raise MediaError("not_found", "Impor tidak ditemukan.", "Import not found.", status=404)
    if status.get("asset_id"):
        asset = db.session.get(Asset, status["asset_id"])
        if asset is not None:
            status["asset"] = asset_json(asset, duplicate=bool(status.get("duplicate")))
    return status
