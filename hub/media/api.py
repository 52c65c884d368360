"""The media API (``/api/v1``): resumable uploads, one-shot uploads, Drive imports, renditions.

See docs/media.md for the protocol. Every refusal is JSON ``{"error", "message",
"message_id", "message_en"}`` with a 4xx status, and leaves no file and no row.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import unquote

from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import parse_options_header

from hub.extensions import csrf, db
from hub.inputs import json_object
from hub.media import uploads
from hub.media.access import can_attach, can_delete_asset, can_view_asset
from hub.media.errors import MediaError, bad_request, too_large
from hub.media.ingest import ingest
from hub.media.multipart import stream_multipart
from hub.media.names import clean_upload_name
from hub.media.settings import limit_for, setting
from hub.media.storage import Receiver, incoming_path
from hub.media.views_common import asset_json, check_csrf_header, error_response
from hub.models import Asset
from hub.permissions import require

bp = Blueprint("media_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(MediaError, error_response)

#: refusals that do not end a resumable upload (the person can resume)
_RESUMABLE = {"offset_mismatch", "too_much_data", "upload_busy", "bad_chunk", "csrf_failed"}
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def _finish(receiver: Receiver, name: str):
    detected, sha256 = receiver.finish()
    asset, duplicate = ingest(receiver.path, detected, sha256, name=name, user=g.user)
    return jsonify(asset_json(asset, duplicate=duplicate)), 200 if duplicate else 201


@bp.get("/media/limits")
@require("media.upload")
def limits():
    """What the uploader needs to know before sending anything."""
    return jsonify(
        max_bytes={kind: limit_for(kind) for kind in ("video", "image", "document")},
        max_image_pixels=int(setting("MEDIA_MAX_IMAGE_PIXELS")),
        chunk_bytes=int(setting("MEDIA_CHUNK_BYTES")),
    )


# --- resumable uploads -------------------------------------------------------------------------------


@bp.post("/uploads")
@require("media.upload")
def create_upload():
    data = json_object(required=False)
    name = clean_upload_name(data.get("name"))
    try:
        size = int(data.get("size"))
    except (TypeError, ValueError):
        raise bad_request(
            "bad_size", "Ukuran berkas (size) harus angka byte.", "The file size (size) must be a number of bytes."
        ) from None
    session = uploads.create_session(g.user, name, size)
    url = url_for("media_api.upload_status", upload_id=session.id)
    resp = jsonify(id=session.id, url=url, offset=0, size=size, chunk_bytes=int(setting("MEDIA_CHUNK_BYTES")))
    resp.status_code = 201
    resp.headers.update({"Location": url, "Upload-Offset": "0", "Upload-Length": str(size)})
    return resp


@bp.get("/uploads/<upload_id>")
@require("media.upload")
def upload_status(upload_id: str):
    """``HEAD`` or ``GET``: how many bytes the server has (resume from ``Upload-Offset``)."""
    session = uploads.get_session(upload_id, g.user)
    offset = session.offset()
    resp = jsonify(id=session.id, name=session.name, size=session.size, offset=offset)
    resp.headers.update({"Upload-Offset": str(offset), "Upload-Length": str(session.size), "Cache-Control": "no-store"})
    return resp


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
def append_chunk(upload_id: str):
    """Append the body at ``Upload-Offset``; the last chunk answers with the asset (201) or the refusal."""
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
            return jsonify(error="disconnected", offset=session.offset()), 400
        if receiver.size < session.size:
            return "", 204, {"Upload-Offset": str(receiver.size), "Upload-Length": str(session.size)}
        try:
            return _finish(receiver, session.name)
        finally:
            uploads.end_session(session)


@bp.delete("/uploads/<upload_id>")
@require("media.upload")
def cancel_upload(upload_id: str):
    uploads.end_session(uploads.get_session(upload_id, g.user))
    return "", 204


# --- one-shot upload ----------------------------------------------------------------------------------


def _raw_name() -> str | None:
    if "X-Filename" in request.headers:
        return unquote(request.headers["X-Filename"], errors="strict")
    _value, options = parse_options_header(request.headers.get("Content-Disposition", ""))
    return options.get("filename")


@csrf.exempt
@bp.post("/media")
@require("media.upload")
def upload_once():
    """The whole file in one request: ``multipart/form-data`` (field ``file``) or the raw body with
    ``X-Filename`` (percent-encoded) or ``Content-Disposition: attachment; filename=…``."""
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
def get_asset(asset_id: int):
    return jsonify(asset_json(_visible_asset(asset_id)))


@bp.delete("/media/<int:asset_id>")
@require("media.upload")
def delete_asset(asset_id: int):
    """The uploader removes an asset no item uses (the row stays, marked deleted)."""
    from hub import audit
    from hub.media.storage import remove_files
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
    from hub.media.storage import lock_asset

    lock_asset(asset)
    db.session.refresh(asset)  # the derivatives a job recorded just before
    remove_files(asset)
    asset.status, asset.deleted_at = AssetStatus.DELETED.value, utcnow()
    audit.record("media.deleted", target_type="asset", target_id=asset.id, details={"reason": "uploader"})
    db.session.commit()
    return "", 204


@bp.post("/media/<int:asset_id>/renditions")
@require("publication.manage")
def create_rendition(asset_id: int):
    """An admin asks for a copy conformed to a screen: ``{width, height, max_seconds=60, fit="contain"}``."""
    from hub.media.renditions import request_rendition

    asset = _visible_asset(asset_id)
    data = json_object(required=False)
    key = request_rendition(
        asset, data.get("width"), data.get("height"), data.get("max_seconds", 60), data.get("fit", "contain")
    )
    entry = asset.derivatives["renditions"][key]
    body = {"key": key, "status": entry["status"], "asset": asset_json(asset)}
    return jsonify(body), 200 if entry["status"] == "ready" else 202


# --- Google Drive -------------------------------------------------------------------------------------


@bp.post("/media/drive")
@require("media.upload")
def drive_import():
    """``{url, kind="video", item_id?, role="main"}`` -> 202 with the import's id and status URL."""
    from hub.media.drive import KINDS, start_import
    from hub.models import Item

    data = json_object(required=False)
    kind = data.get("kind") or "video"
    if kind not in KINDS:
        raise bad_request("bad_kind", f"kind harus salah satu dari {KINDS}.", f"kind must be one of {KINDS}.")
    item_id = data.get("item_id")
    if item_id is not None:
        item = db.session.get(Item, item_id) if str(item_id).isdigit() else None
        if item is None or not can_attach(g.user, item):
            raise MediaError(
                "item_not_editable",
                "Konten tidak ditemukan atau tidak dapat Anda ubah sekarang.",
                "The item was not found or you cannot change it now.",
                status=403,
            )
        item_id = item.id
    import_id = start_import(
        g.user, str(data.get("url") or ""), kind=kind, item_id=item_id, role=data.get("role") or "main"
    )
    status_url = url_for("media_api.drive_status", import_id=import_id)
    return jsonify(id=import_id, status="queued", status_url=status_url), 202, {"Location": status_url}


@bp.get("/media/drive/<import_id>")
@require("media.upload")
def drive_status(import_id: str):
    from hub.media.drive import import_status

    status = import_status(import_id, g.user)
    if status is None:
        raise MediaError("not_found", "Impor tidak ditemukan.", "Import not found.", status=404)
    if status.get("asset_id"):
        asset = db.session.get(Asset, status["asset_id"])
        if asset is not None:
            status["asset"] = asset_json(asset, duplicate=bool(status.get("duplicate")))
    return jsonify(status)
