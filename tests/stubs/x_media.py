"""The X stub's v2 media upload endpoints (one-shot image, chunked video/GIF, status, alt text).

Checked as X checks them: multipart ``media`` + ``media_category`` for images (PNG, JPEG,
WebP signatures, at most 5 MB); ``initialize`` (JSON ``total_bytes``, ``media_type``,
``media_category``) → ``append`` (``segment_index``, ``media``) → ``finalize`` (all segments,
the announced size, an MP4 ``ftyp`` box, else processing fails) → ``STATUS`` polls going
pending → in_progress → succeeded with ``check_after_secs``; ``POST /2/media/metadata`` alt text.
"""

from __future__ import annotations

import time

from flask import g, jsonify, request

IMAGE_MAX, VIDEO_MAX = 5 * 1024 * 1024, 512 * 1024 * 1024
SIGNATURES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif", b"RIFF": "image/webp"}


def add_media_routes(stub, app, invalid) -> None:  # noqa: C901 - one place for the media surface
    @app.post("/2/media/upload")
    def upload_one():
        file = request.files.get("media")
        category = request.form.get("media_category", "")
        if file is None or category not in ("tweet_image", "dm_image", "subtitles"):
            return invalid("media and media_category are required")
        data = file.read()
        kind = _sniff(data)
        if kind is None or kind == "image/gif":
            return invalid("InvalidMedia: unsupported image format")
        if len(data) > IMAGE_MAX:
            return invalid("InvalidMedia: image larger than 5 MB")
        media = _new_media(stub, kind, len(data), "succeeded", data)
        return jsonify(data={**_media_view(media), "image": {"image_type": kind}})

    @app.post("/2/media/upload/initialize")
    def initialize():
        body = request.get_json(silent=True) or {}
        total, mime, category = body.get("total_bytes"), body.get("media_type", ""), body.get("media_category")
        if not isinstance(total, int) or not mime or category not in ("tweet_video", "tweet_gif", "amplify_video"):
            return invalid("total_bytes, media_type and media_category are required")
        if total > VIDEO_MAX:
            return invalid("InvalidMedia: file size exceeds 512 MB")
        media = _new_media(stub, mime, total, "uploading", b"")
        media["segments"] = {}
        return jsonify(data=_media_view(media))

    @app.post("/2/media/upload/<mid>/append")
    def append(mid):
        media = _own_media(stub, mid)
        if media is None or media["state"] != "uploading":
            return invalid("Invalid media_id")
        chunk, index = request.files.get("media"), request.form.get("segment_index", "")
        if chunk is None or not index.isdigit() or int(index) > 999:
            return invalid("segment_index and media are required")
        media["segments"][int(index)] = chunk.read()
        return jsonify(data={"expires_at": int(time.time()) + 86400})

    @app.post("/2/media/upload/<mid>/finalize")
    def finalize(mid):
        media = _own_media(stub, mid)
        if media is None or media["state"] != "uploading":
            return invalid("Invalid media_id")
        segments = media.pop("segments")
        if sorted(segments) != list(range(len(segments))):
            return invalid("Segments are missing")
        data = b"".join(segments[i] for i in sorted(segments))
        if len(data) != media["size"]:
            return invalid(f"File size mismatch: {len(data)} bytes uploaded, {media['size']} announced")
        if media["mime"].startswith("video/") and data[4:8] != b"ftyp":
            media["state"] = "failed"
        else:
            media["state"] = "pending"
        media["bytes"], media["polls"] = data, 0
        info = {"state": "pending", "check_after_secs": stub.check_after_secs}
        return jsonify(data={**_media_view(media), "processing_info": info})

    @app.get("/2/media/upload")
    def status():
        if request.args.get("command") != "STATUS":
            return invalid("command must be STATUS")
        media = _own_media(stub, request.args.get("media_id", ""))
        if media is None:
            return invalid("Invalid media_id")
        if media["state"] in ("pending", "in_progress"):
            media["polls"] += 1
            media["state"] = "succeeded" if media["polls"] > stub.processing_polls else "in_progress"
        info = {"state": media["state"], "progress_percent": 100 if media["state"] == "succeeded" else 50}
        if media["state"] == "in_progress":
            info["check_after_secs"] = stub.check_after_secs
        if media["state"] == "failed":
            info["error"] = {"code": 1, "name": "InvalidMedia", "message": "Unsupported video format"}
        return jsonify(data={**_media_view(media), "processing_info": info})

    @app.post("/2/media/metadata")
    def metadata():
        body = request.get_json(silent=True) or {}
        media = _own_media(stub, str(body.get("id", "")))
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if media is None:
            return invalid("Invalid media id")
        if not isinstance(alt, str) or len(alt) > 1000:
            return invalid("alt_text.text must be at most 1000 characters")
        media["alt_text"] = alt
        return jsonify(data={"id": media["id"], "associated_metadata": {"alt_text": {"text": alt}}})


def _new_media(stub, mime: str, size: int, state: str, data: bytes) -> dict:
    with stub.lock:
        mid = str(next(stub._ids))
        stub.media[mid] = {
            "id": mid,
            "mime": mime,
            "size": size,
            "state": state,
            "bytes": data,
            "user": g.x_user["id"],
            "alt_text": None,
        }
    return stub.media[mid]


def _own_media(stub, mid: str) -> dict | None:
    media = stub.media.get(mid)
    return media if media is not None and media["user"] == g.x_user["id"] else None


def _media_view(media: dict) -> dict:
    mime = media["mime"]
    prefix = "16" if mime == "image/gif" else ("3" if mime.startswith("image/") else "7")
    return {
        "id": media["id"],
        "media_key": f"{prefix}_{media['id']}",
        "size": media["size"],
        "expires_after_secs": 86400,
    }


def _sniff(data: bytes) -> str | None:
    for magic, mime in SIGNATURES.items():
        if data.startswith(magic) and (mime != "image/webp" or data[8:12] == b"WEBP"):
            return mime
    return None
