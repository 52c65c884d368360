"""Reading an asset's bytes for upload and checks, and naming it for WordPress.

Files are read only through the media area (:func:`hub.media.storage.asset_path` and
:func:`~hub.media.storage.open_asset`); a missing file raises one of :data:`FILE_ERRORS`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re

from hub.sdk import Asset, FileGone, asset_path, open_asset

__all__ = ["FILE_ERRORS", "asset_path", "head_and_tail", "open_asset", "upload_name"]

#: what reading an asset's file raises when it is gone (retention, never stored, disk trouble)
FILE_ERRORS = (FileGone, OSError)

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


def upload_name(item_id: int, asset: Asset, installation: str = "") -> tuple[str, str]:
    """(slug, file name) for WordPress: ``hub-<item>-a<asset>-<hash>-<installation>`` plus the extension.

    WordPress makes the attachment's slug from the file name, so a retry can find an
    upload whose answer was lost by that slug; the installation id in it is this hub's
    marker: another hub's upload of its own item 1 never matches.
    """
    slug = f"hub-{item_id}-a{asset.id}-{fingerprint(asset)}" + (f"-{installation}" if installation else "")
    ext = EXTENSIONS.get(mime_of(asset), "bin")
    return slug, f"{slug}.{ext}"


def safe_download_name(title: str, default: str = "dokumen") -> str:
    """A file name for a Content-Disposition header: letters, digits, dashes."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:80]
    return (name or default) + ".pdf"
