"""Checks a complete file must pass before it becomes an asset (run while the person waits).

* video: the ISO-BMFF box structure of MP4/MOV must tile the file exactly (a cut-off copy
  is caught even when its index is at the front), and ``ffmpeg -i`` must find a video
  stream with a size and a duration;
* image: Pillow reads the header (no decoding): the format must match the bytes and the
  pixel count must be within ``MEDIA_MAX_IMAGE_PIXELS``;
* PDF: it must end with ``%%EOF`` (a cut-off download does not).

Decoding (last video frame, the whole image) happens later in the background probe.
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

from hub.media.errors import MediaError, id_number
from hub.media.probe import corrupt, orientation_of, probe_video
from hub.media.settings import setting
from hub.media.sniff import Detected

#: EXIF orientations that turn the picture a quarter
_EXIF_QUARTER_TURNS = {5, 6, 7, 8}
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}

log = logging.getLogger(__name__)


def verify_file(path: Path, detected: Detected) -> dict:
    """Facts learnt while checking (``width``, ``height``, ``orientation``…); :class:`MediaError` if refused."""
    if detected.kind == "video":
        if detected.container in ("mp4", "mov"):
            check_iso_boxes(path)
        return probe_video(path, detected.container).as_dict()
    if detected.kind == "image":
        return check_image(path, detected)
    if detected.kind == "document":
        check_pdf(path)
        return {}
    raise AssertionError(detected)  # pragma: no cover


def check_iso_boxes(path: Path) -> None:
    """Walk the top-level boxes of an MP4/MOV: each must fit in the file and the index (``moov``) and
    the media data (``mdat`` or fragments) must be there."""
    size = path.stat().st_size
    seen: set[bytes] = set()
    offset, count = 0, 0
    with open(path, "rb") as fh:
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                raise corrupt("potongan data di akhir berkas", "a fragment of data at the end of the file")
            box_size, box_type = int.from_bytes(header[:4], "big"), header[4:8]
            if box_size == 1:
                box_size = int.from_bytes(header[8:16], "big") if len(header) == 16 else 0
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8 or not all(32 <= b < 127 for b in box_type):
                raise corrupt(f"struktur rusak pada byte {offset}", f"broken structure at byte {offset}")
            if offset + box_size > size:
                name = box_type.decode("ascii")
                raise corrupt(
                    f"bagian '{name}' terpotong: {offset + box_size - size} byte hilang",
                    f"its '{name}' part is cut short: {offset + box_size - size} bytes are missing",
                )
            seen.add(box_type)
            offset += box_size
            count += 1
            if count > 100_000:
                raise corrupt("terlalu banyak bagian", "too many parts")
    if b"moov" not in seen:
        raise corrupt("indeks video (moov) tidak ada", "the video index (moov) is missing")
    if b"mdat" not in seen and b"moof" not in seen:
        raise corrupt("data gambar (mdat) tidak ada", "the picture data (mdat) is missing")


def _too_many_pixels(pixels: int, cap: int, dims: tuple[int, int] | None = None) -> MediaError:
    size_id = f"{dims[0]}x{dims[1]} = " if dims else ""
    return MediaError(
        "too_many_pixels",
        f"Gambar terlalu besar: {size_id}{id_number(pixels)} piksel; batasnya {id_number(cap)} piksel. Perkecil "
        "resolusi gambar (misalnya lebar 4000 piksel) lalu unggah lagi.",
        f"The image is too large: {size_id}{pixels:,} pixels; the limit is {cap:,} pixels. "
        "Lower its resolution (for example to 4000 pixels wide) and upload it again.",
        pixels=pixels,
        limit=cap,
    )


def check_image(path: Path, detected: Detected) -> dict:
    """Header-only image check: readable, the sniffed format, within the pixel cap."""
    from PIL import Image, UnidentifiedImageError

    cap = int(setting("MEDIA_MAX_IMAGE_PIXELS"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt, (width, height) = img.format, img.size
                exif_orientation = img.getexif().get(0x0112, 1) if fmt in ("JPEG", "WEBP", "PNG") else 1
                frames = getattr(img, "n_frames", 1)
    except Image.DecompressionBombError as exc:  # far beyond Pillow's own limit: it tells the pixel count only
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise _too_many_pixels(int(found.group(1)) if found else cap + 1, cap) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        # Pillow's text names the file on the server (``cannot identify image file '/srv/…'``): never shown
        log.info("image %s refused as corrupt: %s", path.name, exc)
        raise MediaError(
            "corrupt_image",
            "Gambar rusak atau tidak lengkap. Simpan ulang atau ekspor ulang gambar lalu unggah lagi.",
            "The image is damaged or incomplete. Save or export the image again and upload it again.",
        ) from exc
    if fmt != _PIL_FORMATS[detected.container]:
        raise MediaError(
            "corrupt_image",
            f"Isi gambar tidak cocok dengan jenisnya ({fmt}). Simpan ulang gambar sebagai JPEG atau PNG "
            "lalu unggah lagi.",
            f"The image's content does not match its type ({fmt}). Save it again as JPEG or PNG and upload it again.",
        )
    if width * height > cap:
        raise _too_many_pixels(width * height, cap, (width, height))
    disp_w, disp_h = (height, width) if exif_orientation in _EXIF_QUARTER_TURNS else (width, height)
    return {
        "width": disp_w,
        "height": disp_h,
        "stored_width": width,
        "stored_height": height,
        "exif_orientation": exif_orientation,
        "orientation": orientation_of(disp_w, disp_h),
        "frames": frames,
        "format": fmt,
    }


def check_pdf(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise MediaError(
            "corrupt_pdf",
            "Dokumen PDF tidak lengkap (penanda akhir %%EOF tidak ada); mungkin unduhan atau penyimpanannya terputus. "
            "Simpan ulang atau ekspor ulang PDF lalu unggah lagi.",
            "The PDF is incomplete (its %%EOF end marker is missing); its download or saving was probably cut short. "
            "Save or export the PDF again and upload it again.",
        )
