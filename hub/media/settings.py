"""Media settings (``HUB_MEDIA_*``, ``HUB_DRIVE_*``) with their defaults, and the per-kind limits."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_app_context

MiB = 1024 * 1024

CONFIG_DEFAULTS: dict[str, object] = {
    # the largest file of each kind; sized for a one-minute 4K video from a phone or camera
    "MEDIA_MAX_VIDEO_BYTES": 2 * 1024 * MiB,
    "MEDIA_MAX_IMAGE_BYTES": 30 * MiB,
    "MEDIA_MAX_DOCUMENT_BYTES": 100 * MiB,
    # an image may have at most this many pixels (width x height): 64 MP holds 8K and 48/50 MP phone photos
    "MEDIA_MAX_IMAGE_PIXELS": 64_000_000,
    # the chunk size the browser uploader sends (any size is accepted)
    "MEDIA_CHUNK_BYTES": 8 * MiB,
    # an unfinished resumable upload is forgotten (and its bytes deleted) after this many hours idle
    "MEDIA_UPLOAD_EXPIRY_HOURS": 24,
    # files are deleted this many days after the display period of every item using them ended
    "MEDIA_RETENTION_DAYS": 30,
    # the workers' maintenance loop runs retention once per this many hours (across all workers)
    "MEDIA_RETENTION_EVERY_HOURS": 6,
    # seconds an ffmpeg header probe may take
    "MEDIA_PROBE_TIMEOUT": 60,
    # the browser preview (made when the original does not play in browsers) fits in this box
    "MEDIA_PREVIEW_WIDTH": 1280,
    "MEDIA_PREVIEW_HEIGHT": 720,
    # x264 preset for previews and renditions (ultrafast … veryslow)
    "MEDIA_ENCODE_PRESET": "veryfast",
    # /healthz warns (still 200) when the disk holding MEDIA_DIR has less free space than this
    "MEDIA_MIN_FREE_BYTES": 2 * 1024 * MiB,
    # Google Drive: the site people share links from, and the host files are downloaded from
    "DRIVE_BASE_URL": "https://drive.google.com",
    "DRIVE_DOWNLOAD_URL": "https://drive.usercontent.google.com",
    # seconds to wait for Drive to answer (per read, not for the whole download)
    "DRIVE_TIMEOUT": 60,
}

KINDS = ("video", "image", "document")

_LIMIT_KEYS = {
    "video": "MEDIA_MAX_VIDEO_BYTES",
    "image": "MEDIA_MAX_IMAGE_BYTES",
    "document": "MEDIA_MAX_DOCUMENT_BYTES",
}


def init_config(app) -> None:
    for key, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(key, value)


def setting(key: str):
    """The app's value of ``key``, or the default outside an application context."""
    if not has_app_context():
        return CONFIG_DEFAULTS.get(key)
    return current_app.config.get(key, CONFIG_DEFAULTS.get(key))


def limit_for(kind: str | None) -> int:
    """The largest size in bytes a file of ``kind`` may have (the largest of all when unknown)."""
    if kind in _LIMIT_KEYS:
        return int(setting(_LIMIT_KEYS[kind]))
    return max(int(setting(k)) for k in _LIMIT_KEYS.values())


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def human_size(n: int) -> str:
    """``31457280`` -> ``"30 MB"`` (binary units, written the way people read them)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:g} {unit}" if unit == "bytes" else f"{n:.3g} {unit}".replace(".0 ", " ")
        n /= 1024
    return f"{n} TB"  # pragma: no cover
