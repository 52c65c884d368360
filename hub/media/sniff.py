"""The real type of a file, from its first bytes: never from its name or the browser's claim.

Accepted: videos in MP4, MOV, WebM, Matroska (MKV) and AVI containers; JPEG, PNG, WebP and
GIF images; PDF documents. Everything else is refused here, before the rest of the file
is even read. SVG is refused altogether (it is a document that can carry scripts; a
sanitiser is one bug away from stored cross-site scripting, and no channel needs
vector images): the person is told to export a PNG. HTML and other markup are refused
with a hint that a download page was probably saved instead of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype

from hub.media.errors import MediaError, unsupported

#: bytes :func:`detect` looks at
HEAD_BYTES = 8192

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


@dataclass(frozen=True)
class Detected:
    kind: str  #: "video", "image" or "document"
    mime: str
    ext: str  #: the extension used on disk
    container: str  #: "mp4", "mov", "webm", "matroska", "avi", "jpeg", "png", "gif", "webp", "pdf"


VIDEO_MP4 = Detected("video", "video/mp4", "mp4", "mp4")
VIDEO_MOV = Detected("video", "video/quicktime", "mov", "mov")
VIDEO_WEBM = Detected("video", "video/webm", "webm", "webm")
VIDEO_MKV = Detected("video", "video/x-matroska", "mkv", "matroska")
VIDEO_AVI = Detected("video", "video/x-msvideo", "avi", "avi")
IMAGE_JPEG = Detected("image", "image/jpeg", "jpg", "jpeg")
IMAGE_PNG = Detected("image", "image/png", "png", "png")
IMAGE_GIF = Detected("image", "image/gif", "gif", "gif")
IMAGE_WEBP = Detected("image", "image/webp", "webp", "webp")
DOCUMENT_PDF = Detected("document", "application/pdf", "pdf", "pdf")


def detect(head: bytes) -> Detected:
    """The type of a file starting with ``head`` (at least the first :data:`HEAD_BYTES` bytes, or all of
    a smaller file). Raises :class:`MediaError` for anything not accepted."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _iso_media(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return VIDEO_WEBM if b"webm" in head[:64] else VIDEO_MKV
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return VIDEO_AVI
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE_WEBP
    if head.startswith(b"\xff\xd8\xff"):
        return IMAGE_JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE_PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return IMAGE_GIF
    if head.startswith(b"%PDF-"):
        return DOCUMENT_PDF
    _refuse_markup(head)
    guess = filetype.guess(head) if head else None
    if guess is not None:
        raise unsupported(guess.mime, guess.mime)
    if not head:
        raise MediaError(
            "empty_file",
            "Berkas kosong (0 byte). Periksa berkasnya lalu unggah lagi.",
            "The file is empty (0 bytes). Check the file and upload it again.",
        )
    if _looks_like_text(head):
        raise unsupported("teks biasa", "plain text")
    raise unsupported("jenis tidak dikenal", "unknown type")


def _iso_media(head: bytes) -> Detected:
    major = head[8:12]
    if major in _HEIF_BRANDS or major in _AVIF_BRANDS:
        raise MediaError(
            "unsupported_type",
            "Gambar HEIC/HEIF/AVIF belum didukung kanal penerbitan. Ubah ke JPEG (di ponsel: pengaturan kamera "
            '"Paling kompatibel", atau ekspor sebagai JPEG) lalu unggah lagi.',
            "HEIC/HEIF/AVIF images are not supported by the publishing channels. Convert the image to JPEG (on a "
            'phone: camera setting "Most compatible", or export as JPEG) and upload it again.',
            detected="image/heif",
        )
    if major in _AUDIO_BRANDS:
        raise unsupported("audio M4A", "M4A audio")
    if major == b"qt  ":
        return VIDEO_MOV
    return VIDEO_MP4


def _looks_like_text(head: bytes) -> bool:
    sample = head[:2048]
    return b"\x00" not in sample and sum(b < 9 or 13 < b < 32 for b in sample) == 0


def _refuse_markup(head: bytes) -> None:
    text = head[:HEAD_BYTES].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith("<"):
        return
    if "<svg" in text:
        raise MediaError(
            "svg_refused",
            "Gambar SVG tidak diterima karena dapat berisi skrip. Ekspor gambar sebagai PNG atau JPEG "
            "lalu unggah lagi.",
            "SVG images are not accepted because they can carry scripts. Export the image as PNG or JPEG and "
            "upload it again.",
            detected="image/svg+xml",
        )
    raise MediaError(
        "html_refused",
        "Berkas ini adalah halaman web (HTML), bukan video, gambar atau PDF - mungkin yang tersimpan adalah halaman "
        "unduhan, bukan berkasnya. Unduh berkas aslinya lalu unggah lagi.",
        "This file is a web page (HTML), not a video, image or PDF - probably a download page was saved instead of "
        "the file. Download the actual file and upload that.",
        detected="text/html",
    )


_BY_MIME = {
    d.mime: d
    for d in (
        VIDEO_MP4,
        VIDEO_MOV,
        VIDEO_WEBM,
        VIDEO_MKV,
        VIDEO_AVI,
        IMAGE_JPEG,
        IMAGE_PNG,
        IMAGE_GIF,
        IMAGE_WEBP,
        DOCUMENT_PDF,
    )
}


def by_mime(mime: str) -> Detected:
    """The :class:`Detected` an asset's stored ``mime`` came from."""
    return _BY_MIME[mime]
