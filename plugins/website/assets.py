"""Reading an asset's bytes for upload and checks, and naming it for WordPress."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from flask import current_app

from hub.models import Asset

#: mime type -> file extension WordPress accepts for it
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/webm": "webm",
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
VIDEO_TYPES = {"video/mp4", "video/webm"}


def asset_path(asset: Asset) -> Path:
    """Where the asset's file is: ``MEDIA_DIR / stored_name`` (never outside ``MEDIA_DIR``)."""
    root = Path(current_app.config["MEDIA_DIR"]).resolve()
    if not asset.stored_name:
        raise FileNotFoundError(f"asset {asset.id} has no stored file")
    path = (root / asset.stored_name).resolve()
    if root not in path.parents:
        raise FileNotFoundError(f"asset {asset.id} points outside the media folder")
    return path


@contextmanager
def open_asset(asset: Asset) -> Iterator[IO[bytes]]:
    with asset_path(asset).open("rb") as fh:
        yield fh


def head_and_tail(asset: Asset, size: int = 1024) -> tuple[bytes, bytes]:
    """The first and last ``size`` bytes of the asset's file (for content checks)."""
    with open_asset(asset) as fh:
        head = fh.read(size)
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(max(0, end - size))
        return head, fh.read(size)


def mime_of(asset: Asset) -> str:
    return asset.mime or mimetypes.guess_type(asset.original_name or "")[0] or "application/octet-stream"


def fingerprint(asset: Asset) -> str:
    """Changes when the asset's content changes: its sha256 (or size and id when not hashed yet)."""
    return (asset.sha256 or hashlib.sha256(f"{asset.id}:{asset.size}".encode()).hexdigest())[:10]


def upload_name(item_id: int, asset: Asset) -> tuple[str, str]:
    """(slug, file name) for WordPress: ``hub-<item>-a<asset>-<hash>`` plus the type's extension.

    WordPress makes the attachment's slug from the file name, so a retry can find an
    upload whose answer was lost by that slug.
    """
    slug = f"hub-{item_id}-a{asset.id}-{fingerprint(asset)}"
    ext = EXTENSIONS.get(mime_of(asset), "bin")
    return slug, f"{slug}.{ext}"


def safe_download_name(title: str, default: str = "dokumen") -> str:
    """A file name for a Content-Disposition header: letters, digits, dashes."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:80]
    return (name or default) + ".pdf"
