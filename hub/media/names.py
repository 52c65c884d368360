"""File names: the name a person gave is checked and kept for display; names on disk are generated.

A name with a path in it (``/``, ``\\``, ``..``) or with control characters is refused, not
silently changed: browsers never send such names, so they come from a script or a trick,
and the person should know what was wrong. Names from Google Drive are cleaned instead
(the person did not type them here and cannot rename them on the hub).
"""

from __future__ import annotations

import secrets
import unicodedata

from hub.media.errors import MediaError
from hub.models.base import utcnow

MAX_NAME_BYTES = 255
#: invisible characters that reorder text (a "gnp.exe" that reads as "exe.png")
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def _bad_char(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in _BIDI


def clean_upload_name(name: str | None) -> str:
    """The person's file name, NFC-normalised and trimmed; :class:`MediaError` when unusable."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise MediaError(
            "bad_name",
            "Nama berkas kosong. Beri nama berkas (misalnya video-kegiatan.mp4) lalu unggah lagi.",
            "The file has no name. Give it a name (for example event-video.mp4) and upload it again.",
        )
    if any(_bad_char(ch) for ch in name):
        raise MediaError(
            "bad_name",
            "Nama berkas berisi karakter kendali atau tak terlihat. Ganti nama berkas hanya dengan huruf, angka, "
            "spasi, titik, tanda hubung atau garis bawah, lalu unggah lagi.",
            "The file name contains control or invisible characters. Rename the file using only letters, digits, "
            "spaces, dots, hyphens or underscores, and upload it again.",
        )
    if "/" in name or "\\" in name or name in (".", ".."):
        raise MediaError(
            "bad_name",
            "Nama berkas berisi bagian jalur folder (/, \\ atau ..). Kirim hanya nama berkasnya, tanpa folder, "
            "lalu unggah lagi.",
            "The file name contains folder path parts (/, \\ or ..). Send the file's own name only, without folders, "
            "and upload it again.",
        )
    if len(name.encode()) > MAX_NAME_BYTES:
        raise MediaError(
            "bad_name",
            f"Nama berkas terlalu panjang (lebih dari {MAX_NAME_BYTES} byte). Persingkat nama lalu unggah lagi.",
            f"The file name is too long (over {MAX_NAME_BYTES} bytes). Shorten it and upload it again.",
        )
    return name


def clean_remote_name(name: str | None, fallback: str) -> str:
    """A name from another service made safe: last path part, no control characters, at most 255 bytes."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not _bad_char(ch)).strip().lstrip(".")
    while ".." in name:
        name = name.replace("..", ".")
    name = name.encode()[:MAX_NAME_BYTES].decode(errors="ignore")
    return name or fallback


def new_stored_name(ext: str) -> str:
    """A fresh path relative to ``MEDIA_DIR``: ``2026/11/<32 random hex>.<ext>`` (never from the person's name)."""
    now = utcnow()
    return f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{ext}"


def derivative_name(stored_name: str, label: str, ext: str) -> str:
    """``2026/11/ab12….mp4`` + ``poster`` -> ``2026/11/ab12….poster.jpg``."""
    stem = stored_name.rsplit(".", 1)[0]
    return f"{stem}.{label}.{ext}"
