"""Serving media files: ``GET /media/<id>/<variant>`` with permission checks and HTTP Range.

Variants: ``original``, ``poster``, ``thumbnail``, ``preview`` and rendition keys
(``1920x1080-60s-contain``). Videos and images are sent ``inline`` (the review page plays
them), everything else as ``attachment``; always with the stored type (never HTML, never
guessed), ``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy.
Range requests get ``206 Partial Content`` so players can seek. API-token clients use
``/api/v1/media/<id>/files/<variant>`` (tokens are only read on ``/api/`` paths), declared in
:mod:`hub.media.api` and answered by the same :func:`serve_file`. A refusal of a media rule
(410 ``file_gone``) is ``application/problem+json`` on both paths (players and scripts read it).
"""

from __future__ import annotations

from flask import Blueprint, abort, g, send_file

from hub.extensions import db
from hub.media.access import can_view_asset
from hub.media.errors import MediaError
from hub.media.storage import asset_path, derivative_path
from hub.media.views_common import error_response
from hub.models import Asset
from hub.permissions import require

bp = Blueprint("media_files", __name__)
bp.register_error_handler(MediaError, error_response)

_DERIVED_TYPES = {"poster": ("image/jpeg", "jpg"), "thumbnail": ("image/jpeg", "jpg")}


@bp.get("/media/<int:asset_id>/<variant>")
@require()
def serve(asset_id: int, variant: str):
    """An asset's file for the pages (session cookie)."""
    return serve_file(asset_id, variant)


def serve_file(asset_id: int, variant: str):
    """The file ``variant`` of the asset, if the caller may see it (404 otherwise; 410 when gone)."""
    asset = db.session.get(Asset, asset_id)
    if asset is None or not can_view_asset(g.user, asset):
        abort(404)
    stem = (asset.original_name or f"media-{asset.id}").rsplit(".", 1)[0]
    if asset.status in ("deleted", "rejected"):
        asset_path(asset)  # raises FileGone (410) for the original and every derivative alike
    if variant == "original":
        path, mime = asset_path(asset), asset.mime
        name = asset.original_name or f"media-{asset.id}"
    else:
        path = derivative_path(asset, variant)
        if path is None:
            abort(404)
        mime, ext = _DERIVED_TYPES.get(variant, ("video/mp4", "mp4"))
        name = f"{stem}-{variant}.{ext}"
    if not path.is_file():
        abort(404)
    inline = mime.startswith(("video/", "image/"))
    resp = send_file(
        path,
        mimetype=mime,
        as_attachment=not inline,
        download_name=name,
        conditional=True,
        etag=True,
        max_age=0,
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-cache"
    resp.headers.setdefault("Accept-Ranges", "bytes")
    return resp
