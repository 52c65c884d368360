"""Renditions: a video conformed to a screen's exact resolution and a length limit, on request.

``request_rendition(asset, width=1920, height=1080, max_seconds=60)`` records the request
on the asset and queues :func:`hub.media.jobs.make_rendition`; the file appears under
``asset.derivatives["renditions"][key]`` and at ``/media/<id>/<key>``, and
:func:`rendition_path` returns it once ready. ``fit="contain"`` (default) shows the whole
picture on black bars; ``"cover"`` fills the screen and cuts the overflow from the centre.
"""

from __future__ import annotations

import re
from pathlib import Path

from hub.extensions import db
from hub.media.errors import MediaError
from hub.models import Asset, AssetStatus

FITS = ("contain", "cover")
_KEY = re.compile(r"^(\d{2,5})x(\d{2,5})-(\d{1,4})s-(contain|cover)$")
MAX_SIDE = 7680


def rendition_key(width: int, height: int, max_seconds: int, fit: str = "contain") -> str:
    return f"{width}x{height}-{max_seconds}s-{fit}"


def parse_key(key: str) -> tuple[int, int, int, str]:
    m = _KEY.match(key)
    if not m:
        raise ValueError(key)
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)


def validate(width, height, max_seconds, fit) -> tuple[int, int, int, str]:
    try:
        width, height, max_seconds = int(width), int(height), int(max_seconds)
    except (TypeError, ValueError):
        width = height = max_seconds = -1
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE) or width % 2 or height % 2:
        raise MediaError(
            "bad_rendition",
            f"Resolusi tidak valid: lebar dan tinggi harus bilangan genap antara 16 dan {MAX_SIDE} piksel "
            "(contoh 1920 x 1080).",
            f"Invalid resolution: width and height must be even numbers between 16 and {MAX_SIDE} pixels "
            "(for example 1920 x 1080).",
            status=400,
        )
    if not 1 <= max_seconds <= 3600:
        raise MediaError(
            "bad_rendition",
            "Durasi maksimum harus antara 1 dan 3600 detik.",
            "The maximum duration must be between 1 and 3600 seconds.",
            status=400,
        )
    if fit not in FITS:
        raise MediaError(
            "bad_rendition",
            "Cara penyesuaian harus 'contain' (seluruh gambar, pita hitam) atau 'cover' (penuh, tepi dipotong).",
            "The fit must be 'contain' (whole picture, black bars) or 'cover' (fill, edges cut).",
            status=400,
        )
    return width, height, max_seconds, fit


def request_rendition(asset: Asset, width: int, height: int, max_seconds: int = 60, fit: str = "contain") -> str:
    """Ask for a rendition (committed and queued unless it exists or is under way); returns its key."""
    width, height, max_seconds, fit = validate(width, height, max_seconds, fit)
    if asset.kind != "video" or asset.status != AssetStatus.READY.value:
        raise MediaError(
            "not_ready",
            f"Media #{asset.id} bukan video yang siap (status {asset.status}); tunggu pemeriksaan selesai.",
            f"Media #{asset.id} is not a ready video (status {asset.status}); wait for its check to finish.",
            status=409,
        )
    key = rendition_key(width, height, max_seconds, fit)
    current = (asset.derivatives or {}).get("renditions", {}).get(key)
    if current and current.get("status") in ("pending", "working", "ready"):
        return key
    data = dict(asset.derivatives or {})
    entry = {"status": "pending", "width": width, "height": height, "max_seconds": max_seconds, "fit": fit}
    data["renditions"] = {**data.get("renditions", {}), key: entry}
    asset.derivatives = data
    db.session.commit()
    from hub.jobs import enqueue
    from hub.media.jobs import make_rendition

    enqueue(make_rendition, asset.id, key)
    return key


def rendition_path(asset: Asset, width: int, height: int, max_seconds: int = 60, fit: str = "contain") -> Path | None:
    """The rendition's file when it is ready, else None."""
    from hub.media.storage import derivative_path

    return derivative_path(asset, rendition_key(width, height, max_seconds, fit))
