"""Shared bits of the media views: the asset as JSON, errors as problem+json, the streaming CSRF check."""

from __future__ import annotations

from flask import current_app, g, request, url_for

from hub.media.errors import MediaError
from hub.models import Asset


def asset_json(asset: Asset, *, duplicate: bool = False) -> dict:
    derived = asset.derivatives or {}
    urls = {}
    if asset.status in ("probing", "ready"):
        urls["original"] = url_for("media_files.serve", asset_id=asset.id, variant="original")
        for label in ("poster", "thumbnail", "preview"):
            if (derived.get(label) or {}).get("status") == "ready":
                urls[label] = url_for("media_files.serve", asset_id=asset.id, variant=label)
    renditions = {
        key: {
            **{k: v for k, v in entry.items() if k != "path"},
            **(
                {"url": url_for("media_files.serve", asset_id=asset.id, variant=key)}
                if entry.get("status") == "ready"
                else {}
            ),
        }
        for key, entry in (derived.get("renditions") or {}).items()
    }
    data = {
        "id": asset.id,
        "name": asset.original_name,
        "kind": asset.kind,
        "mime": asset.mime,
        "size": asset.size,
        "sha256": asset.sha256,
        "status": asset.status,
        "error": asset.error,
        "width": asset.width,
        "height": asset.height,
        "duration": asset.duration,
        "orientation": asset.orientation,
        "probe": asset.probe or {},
        "urls": urls,
        "renditions": renditions,
        "created_at": asset.created_at.isoformat() if asset.created_at else None,
        "duplicate": duplicate,
    }
    if duplicate:
        data["message_id"] = (
            f"Berkas yang sama sudah pernah diunggah sebagai \u201c{asset.original_name}\u201d (media #{asset.id}); "
            "media itu yang dipakai, berkas tidak disimpan dua kali."
        )
        data["message_en"] = (
            f"The same file was uploaded before as \u201c{asset.original_name}\u201d (media #{asset.id}); "
            "that one is used, the file is not stored twice."
        )
        data["message"] = f"{data['message_id']} / {data['message_en']}"
    return data


def error_response(exc: MediaError):
    """A refusal as ``application/problem+json`` (``code``, ``detail`` in the caller's language,
    the error's details as extensions), also outside ``/api/`` (the file route players fetch)."""
    from hub.api.problems import from_error

    return from_error(exc)


def check_csrf_header() -> None:
    """For the streaming views (exempt from the global check so it never parses their body): a
    browser session must send its CSRF token in the ``X-CSRFToken`` header. API tokens need none."""
    if g.get("auth") != "session" or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    from flask_wtf.csrf import ValidationError, validate_csrf

    token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise MediaError(
            "csrf_failed",
            "Token keamanan formulir tidak ada atau kedaluwarsa. Muat ulang halaman lalu unggah lagi.",
            "The form's security token is missing or expired. Reload the page and upload again.",
            status=400,
        ) from exc
