"""The screen player: public pages reached only through a screen's secret URL.

``/videotron/player/<secret>`` is opened by the screen PC's browser in kiosk mode. It polls
``playlist.json`` (ETag / If-None-Match -> 304), sends ``heartbeat`` and ``plays`` (proof of
play), and fetches videos from ``media/<asset>``. A revoked secret answers 410 everywhere and
the page stops; an unknown one 404. No session, so no CSRF token: the secret is the credential.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, jsonify, make_response, render_template, request, send_file, send_from_directory
from hub_videotron.config import now
from hub_videotron.models import PlaylistEntry, Screen
from hub_videotron.monitor import record_heartbeat, record_plays
from hub_videotron.playlist import cached_feed, unchanged_etag
from hub_videotron.screens import find_token
from hub_videotron.views import PACKAGE, bp

from hub.sdk import Asset, csrf_exempt, db, json_value, public

STATIC = PACKAGE / "static"
PLAYER_FILES = {"player.js", "player.css"}
#: the player page allows its own scripts, media and workers, nothing inline, and leaks no URL
PLAYER_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; media-src 'self' blob:; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL holds the secret
    response.headers["Content-Security-Policy"] = PLAYER_CSP
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _gone_json(reason: str, status: int):
    messages = {
        "revoked": ("Tautan layar ini telah dicabut.", "This screen's link was revoked."),
        "inactive": ("Layar ini dinonaktifkan.", "This screen is switched off in the hub."),
        "unknown": ("Tautan layar tidak dikenal.", "Unknown screen link."),
    }
    msg_id, msg_en = messages[reason]
    return _private(jsonify(error=reason, message={"id": msg_id, "en": msg_en})), status


def _resolve(token: str) -> tuple[Screen | None, str | None]:
    row = find_token(token)
    if row is None:
        return None, "unknown"
    if row.revoked_at is not None:
        return None, "revoked"
    if not row.screen.active:
        return None, "inactive"
    return row.screen, None


def _status(reason: str) -> int:
    return 404 if reason == "unknown" else 410


@bp.get("/player/<token>")
@public
def player(token: str):
    screen, reason = _resolve(token)
    if screen is None:
        page = render_template("videotron/player_stopped.html", reason=reason)
        return _private(make_response(page, _status(reason)))
    response = make_response(render_template("videotron/player.html", screen=screen, token=token))
    response.headers["Cache-Control"] = "no-cache"
    return _private(response)


@bp.get("/player/<token>/playlist.json")
@public
def playlist(token: str):
    at = now()
    etag = unchanged_etag(token, request.if_none_match, at)
    if etag is not None:  # nothing changed: one statement, nothing built
        response = make_response("", 304)
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        return _private(response)
    screen, reason = _resolve(token)
    if screen is None:
        return _gone_json(reason, _status(reason))
    built = cached_feed(screen, token, at)  # built once per feed version and time span
    if built.etag in request.if_none_match:
        response = make_response("", 304)
    else:
        response = jsonify({**built.body, "now": at.isoformat(), "version": built.etag})
    response.set_etag(built.etag)
    response.headers["Cache-Control"] = "no-cache"
    return _private(response)


@bp.post("/player/<token>/heartbeat")
@csrf_exempt
@public
def heartbeat(token: str):
    screen, reason = _resolve(token)
    if screen is None:
        return _gone_json(reason, _status(reason))
    payload = json_value(required=False)
    if not isinstance(payload, dict):
        return jsonify(error="bad_request", message={"id": "Isi harus JSON.", "en": "The body must be JSON."}), 400
    record_heartbeat(screen, payload, request.user_agent.string or "")
    db.session.commit()
    from hub_videotron.alerts import ensure_watch

    ensure_watch()
    return _private(jsonify(ok=True, now=now().isoformat()))


@bp.post("/player/<token>/plays")
@csrf_exempt
@public
def plays(token: str):
    screen, reason = _resolve(token)
    if screen is None:
        return _gone_json(reason, _status(reason))
    payload = json_value(required=False)
    reports = payload.get("plays") if isinstance(payload, dict) else None
    if not isinstance(reports, list):
        return jsonify(
            error="bad_request", message={"id": 'Kirim {"plays": [...]}.', "en": 'Send {"plays": [...]}.'}
        ), 400
    accepted, rejected = record_plays(screen, reports)
    db.session.commit()
    return _private(jsonify(accepted=accepted, rejected=rejected))


@bp.get("/player/<token>/media/<int:asset_id>", defaults={"variant": "original"})
@bp.get("/player/<token>/media/<int:asset_id>/<variant>")
@public
def player_media(token: str, asset_id: int, variant: str):
    """A video of the screen's playlist (current, coming, or ended less than a day ago).

    ``variant``: ``original``, ``preview`` or a rendition key (see :mod:`hub_videotron.media`).
    """
    from hub_videotron.media import variant_file

    screen, reason = _resolve(token)
    if screen is None:
        abort(_status(reason))
    listed = db.session.scalar(
        db.select(PlaylistEntry.id).where(
            PlaylistEntry.screen_id == screen.id,
            PlaylistEntry.asset_id == asset_id,
            PlaylistEntry.removed_at.is_(None),
            PlaylistEntry.ends_at > now() - dt.timedelta(days=1),
        )
    )
    asset = db.session.get(Asset, asset_id) if listed else None
    found = variant_file(asset, variant) if asset is not None else None
    if found is None:
        abort(404)
    path, mime = found
    response = send_file(path, mimetype=mime, conditional=True, max_age=7 * 86400)
    response.headers["Content-Disposition"] = f'attachment; filename="videotron-{asset.id}{path.suffix}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@bp.get("/player/sw.js")
@public
def player_service_worker():
    """The player's service worker, served from /videotron/player/ so its scope covers every player."""
    response = send_from_directory(STATIC, "player-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/player/assets/<name>")
@public
def player_asset(name: str):
    if name not in PLAYER_FILES:
        abort(404)
    response = send_from_directory(STATIC, name, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
