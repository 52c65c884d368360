"""The Drive import job: download, check like an upload, store, probe, attach to the item."""

from __future__ import annotations

import logging
import time

import requests

from hub.extensions import db
from hub.jobs import job
from hub.media.drive import DriveClient, file_name, load_state, save_state
from hub.media.drive_errors import drive_error, wrong_kind
from hub.media.errors import MediaError
from hub.media.names import clean_remote_name
from hub.media.storage import Receiver, incoming_path

log = logging.getLogger(__name__)


@job
def import_from_drive(import_id: str) -> str | None:
    """Run one Drive import (see :mod:`hub.media.drive`); the outcome is written to its state."""
    state = load_state(import_id)
    if not state or state.get("status") not in ("queued", "downloading"):
        return None
    from hub.models import User

    user = db.session.get(User, state["user_id"])
    if user is None or not user.is_active:
        save_state(import_id, status="failed", error="user_gone", message="-", message_id="-", message_en="-")
        return "failed"
    path = incoming_path(f"drive-{import_id}")
    path.unlink(missing_ok=True)
    try:
        asset, duplicate = _download_and_ingest(import_id, state, user, path)
    except MediaError as exc:
        path.unlink(missing_ok=True)
        save_state(import_id, status="failed", **_message(exc))
        log.info("drive import %s refused: %s", import_id, exc.code)
        return "failed"
    except Exception:
        path.unlink(missing_ok=True)
        exc = drive_error("unavailable", detail="error")
        save_state(import_id, status="failed", **_message(exc))
        raise
    note = _attach(asset, state, user)
    from hub.media.jobs import probe_asset

    probe_asset(asset.id)
    save_state(import_id, status="done", asset_id=asset.id, duplicate=duplicate, **note)
    return "done"


def _message(exc: MediaError) -> dict:
    return {"error": exc.code, "message": str(exc), "message_id": exc.message_id, "message_en": exc.message_en}


def _download_and_ingest(import_id: str, state: dict, user, path):
    from hub.media.ingest import ingest

    client = DriveClient()
    try:
        resp = client.open(state["file_id"])
    except requests.RequestException as exc:
        raise drive_error("unavailable", detail=type(exc).__name__) from exc
    total = int(resp.headers["Content-Length"]) if resp.headers.get("Content-Length", "").isdigit() else None
    save_state(import_id, status="downloading", total=total, received=0)
    receiver = Receiver(path, expected=total)
    last = [0.0]

    def progress(size: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            save_state(import_id, received=size)

    try:
        receiver.copy_from(_Body(resp), None, progress)
        detected, sha256 = receiver.finish()
    except requests.RequestException as exc:
        raise drive_error("unavailable", detail=type(exc).__name__) from exc
    finally:
        receiver.close()
        resp.close()
    save_state(import_id, status="checking", received=receiver.size, total=receiver.size)
    expected = state.get("kind") or "video"
    if expected != "any" and detected.kind != expected:
        raise wrong_kind(detected.kind, expected)
    name = clean_remote_name(file_name(resp), f"drive-{state['file_id'][:40]}.{detected.ext}")
    return ingest(path, detected, sha256, name=name, user=user, source=state["url"])


class _Body:
    """``read(n)`` over a streamed requests response."""

    def __init__(self, resp: requests.Response):
        self._chunks = resp.iter_content(1024 * 1024)

    def read(self, _n: int = -1) -> bytes:
        return next(self._chunks, b"")


def _attach(asset, state: dict, user) -> dict:
    """Attach to the item asked for, if the person may still change it."""
    item_id = state.get("item_id")
    if not item_id:
        return {}
    from hub.media.access import can_attach
    from hub.media.ingest import attach
    from hub.models import Item

    item = db.session.get(Item, item_id)
    if item is None or not can_attach(user, item):
        # e.g. submitted while the file was downloading: the file stays in the person's media,
        # and the item page says so (the import's state in Redis expires)
        if item is not None:
            from hub import audit

            audit.record(
                "media.drive_attach_failed",
                actor=user,
                target_type="item",
                target_id=item.id,
                details={"asset_id": asset.id, "file": asset.original_name, "item_status": str(item.status)},
            )
            db.session.commit()
        return {"attach_error": "item_not_editable", "item_id": item_id}
    attach(asset, item, state.get("role") or "main")
    db.session.commit()
    return {"item_id": item_id}
