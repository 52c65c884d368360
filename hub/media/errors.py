"""Why a file is refused: one exception with a code, an HTTP status and a message in both languages.

Every message says what is wrong and what to do, Bahasa Indonesia first (``message_id``),
English second (``message_en``); ``str(error)`` is ``"<id> / <en>"`` like every hub message.
"""

from __future__ import annotations

import errno

from hub.exceptions import HubError
from hub.media.settings import human_size


class MediaError(HubError):
    """A file, link or request the media area refuses. Nothing of it is kept."""

    def __init__(self, code: str, message_id: str, message_en: str, *, status: int = 422, **details):
        self.code, self.status, self.details = code, status, details
        self.message_id, self.message_en = message_id, message_en
        super().__init__(f"{message_id} / {message_en}")


def id_number(n: int) -> str:
    """``31457280`` -> ``"31.457.280"`` (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".")


def too_large(size: int, limit: int, kind: str | None) -> MediaError:
    what_id = {"video": "video", "image": "gambar", "document": "dokumen"}.get(kind or "", "berkas")
    what_en = kind or "file"
    return MediaError(
        "too_large",
        f"Berkas terlalu besar: {id_number(size)} byte, batas untuk {what_id} adalah {id_number(limit)} byte "
        f"({human_size(limit)}). Perkecil berkas (kompres atau turunkan resolusinya) lalu unggah lagi.",
        f"The file is too large: {size:,} bytes; the limit for a {what_en} is {limit:,} bytes "
        f"({human_size(limit)}). Make it smaller (compress it or lower its resolution) and upload it again.",
        status=413,
        size=size,
        limit=limit,
    )


def unsupported(what_id: str, what_en: str) -> MediaError:
    return MediaError(
        "unsupported_type",
        f"Isi berkas bukan video, gambar atau PDF yang diterima ({what_id}). Kirim video MP4/MOV/WebM/MKV, "
        "gambar JPEG/PNG/WebP/GIF, atau dokumen PDF.",
        f"The file's content is not an accepted video, image or PDF ({what_en}). Send an MP4/MOV/WebM/MKV video, "
        "a JPEG/PNG/WebP/GIF image or a PDF document.",
        detected=what_en,
    )


def bad_request(code: str, message_id: str, message_en: str, status: int = 400, **details) -> MediaError:
    return MediaError(code, message_id, message_en, status=status, **details)


#: errno values meaning "no space left": a full disk, or the hub's user over its quota
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def storage_full() -> MediaError:
    """507: the disk of ``MEDIA_DIR`` is full; nothing of the upload is kept."""
    return MediaError(
        "storage_full",
        "Penyimpanan server penuh; beri tahu administrator. Berkas ini tidak disimpan, unggah lagi nanti.",
        "The server's storage is full; tell the administrator. This file was not kept; upload it again later.",
        status=507,
    )


def disk_error(exc: OSError) -> Exception:
    """:func:`storage_full` for a full disk, ``exc`` itself for any other error."""
    return storage_full() if exc.errno in DISK_FULL else exc
