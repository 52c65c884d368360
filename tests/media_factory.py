"""Generate test media at run time: videos, images, PDFs and hostile files. No binary fixtures in git.

Every helper takes a destination folder (usually ``tmp_path``) and returns the new file's
:class:`~pathlib.Path`. Videos come from the ffmpeg binary bundled with imageio-ffmpeg
(the one moviepy uses), encoded with ``libx264 -preset ultrafast`` at a tiny bitrate and a
low frame rate, so even a 1080p clip takes a fraction of a second. Each distinct file is
generated once per test process and copied afterwards (a cache in a temporary folder).

Videos::

    landscape_1080p(tmp_path)      # 1920x1080, 2 s, H.264 + AAC, MP4
    hd_720p(tmp_path)              # 1280x720, 2 s
    sd_480p(tmp_path)              # 854x480, 2 s
    portrait_rotated(tmp_path)     # stored 1920x1080 with "rotation of -90" metadata: displays 1080x1920
    portrait_native(tmp_path)      # stored 1080x1920, no rotation
    long_video(tmp_path, 40)       # 40 s at 160x90, 2 fps (duration checks)
    make_video(tmp_path, width=…, height=…, seconds=…, fps=…, audio=…, codec=…, container=…, rotation=…)
    truncated_mp4(tmp_path)        # the first half of a real MP4 (index lost; faststart=True: frames lost)
    corrupt_mp4(tmp_path)          # a valid "ftyp" box followed by garbage

Other files::

    make_image(tmp_path, 640, 480, "PNG")   # also JPEG, WEBP, GIF
    make_pdf(tmp_path, pages=2)
    truncated_pdf(tmp_path)                 # a PDF without its %%EOF trailer
    html_renamed(tmp_path, "video.mp4")     # an HTML page named like a video
    svg_with_script(tmp_path)               # an SVG image carrying <script>
    big_file(tmp_path, size)                # ``size`` bytes of a valid MP4 header + padding (limit tests)

``ffprobe_like(path)`` returns ``ffmpeg -i``'s text for assertions about the generated file.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

_CACHE: Path | None = None


def ffmpeg_exe() -> str:
    """The ffmpeg binary moviepy uses (imageio-ffmpeg's)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _cache_dir() -> Path:
    global _CACHE
    if _CACHE is None:
        _CACHE = Path(tempfile.mkdtemp(prefix="hub-media-factory-"))
        atexit.register(shutil.rmtree, _CACHE, True)
    return _CACHE


def _cached(key: str, suffix: str, build) -> Path:
    """The cached file for ``key``, built by ``build(path)`` the first time."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    path = _cache_dir() / f"{digest}{suffix}"
    if not path.exists():
        partial = path.with_name(path.name + ".part" + suffix)
        build(partial)
        partial.rename(path)
    return path


def _deliver(source: Path, dest: Path, name: str) -> Path:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    shutil.copyfile(source, target)
    return target


def _run_ffmpeg(args: list[str]) -> None:
    proc = subprocess.run([ffmpeg_exe(), "-y", "-v", "error", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {proc.stderr.strip()[-2000:]}")


# --- videos -----------------------------------------------------------------------------------

_CODECS = {
    "h264": ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "45", "-pix_fmt", "yuv420p"],
    "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-crf", "45", "-pix_fmt", "yuv420p"]
    + ["-x265-params", "log-level=error"],
    "mpeg4": ["-c:v", "mpeg4", "-q:v", "31"],
    "vp8": ["-c:v", "libvpx", "-b:v", "100k", "-deadline", "realtime", "-cpu-used", "8"],
    "vp9": ["-c:v", "libvpx-vp9", "-b:v", "100k", "-deadline", "realtime", "-cpu-used", "8"],
}
_AUDIO = {"mp4": ["-c:a", "aac", "-b:a", "16k"], "mov": ["-c:a", "aac", "-b:a", "16k"]}
_AUDIO_DEFAULT = ["-c:a", "libopus", "-b:a", "16k"]  # webm, mkv


def make_video(
    dest: Path,
    *,
    width: int = 320,
    height: int = 240,
    seconds: float = 2.0,
    fps: int = 5,
    audio: bool = True,
    codec: str = "h264",
    container: str = "mp4",
    rotation: int | None = None,
    faststart: bool = True,
    name: str | None = None,
) -> Path:
    """A real, playable test clip (moving test pattern, a 440 Hz tone when ``audio``).

    ``rotation`` (degrees, e.g. -90) adds a display matrix the way phones do: the frames stay
    ``width`` x ``height`` and a player turns them. ``codec``: h264, hevc, mpeg4, vp8, vp9;
    ``container``: mp4, mov, webm, mkv.
    """
    key = f"video|{width}|{height}|{seconds}|{fps}|{audio}|{codec}|{container}|{rotation}|{faststart}"
    suffix = f".{container}"

    def build(path: Path) -> None:
        args = ["-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r={fps}:d={seconds}"]
        if audio:
            args += ["-f", "lavfi", "-i", f"sine=f=440:r=8000:d={seconds}"]
        args += _CODECS[codec]
        if audio:
            args += _AUDIO.get(container, _AUDIO_DEFAULT) + ["-shortest"]
        if container in ("mp4", "mov") and faststart:
            args += ["-movflags", "+faststart"]
        fmt = {"mkv": "matroska"}.get(container, container)
        if rotation is None:
            _run_ffmpeg([*args, "-f", fmt, str(path)])
            return
        plain = path.with_name(path.name + ".norot" + suffix)
        _run_ffmpeg([*args, "-f", fmt, str(plain)])
        try:
            _run_ffmpeg(["-display_rotation:v", str(rotation), "-i", str(plain), "-c", "copy", "-f", fmt, str(path)])
        finally:
            plain.unlink(missing_ok=True)

    source = _cached(key, suffix, build)
    return _deliver(source, dest, name or f"video-{width}x{height}-{seconds:g}s{suffix}")


def landscape_1080p(dest: Path, name: str = "landscape-1080p.mp4") -> Path:
    return make_video(dest, width=1920, height=1080, seconds=2, name=name)


def hd_720p(dest: Path, name: str = "hd-720p.mp4") -> Path:
    return make_video(dest, width=1280, height=720, seconds=2, name=name)


def sd_480p(dest: Path, name: str = "sd-480p.mp4") -> Path:
    return make_video(dest, width=854, height=480, seconds=2, name=name)


def portrait_rotated(dest: Path, name: str = "portrait-phone.mp4") -> Path:
    """Like a phone held upright: stored 1920x1080 with "Display Matrix: rotation of -90.00 degrees"."""
    return make_video(dest, width=1920, height=1080, seconds=2, rotation=-90, name=name)


def portrait_native(dest: Path, name: str = "portrait-native.mp4") -> Path:
    return make_video(dest, width=1080, height=1920, seconds=2, name=name)


def long_video(dest: Path, seconds: float = 40, name: str | None = None) -> Path:
    """A long but tiny clip (160x90, 2 fps) for duration limits."""
    return make_video(dest, width=160, height=90, seconds=seconds, fps=2, name=name or f"long-{seconds:g}s.mp4")


def truncated_mp4(dest: Path, name: str = "truncated.mp4", keep: float = 0.5, faststart: bool = False) -> Path:
    """A real MP4 cut after ``keep`` of its bytes (an interrupted copy).

    By default the index (``moov``) is at the end, as cameras write it, so it is lost;
    ``faststart=True`` keeps the index at the front and cuts the frames instead.
    """
    source = make_video(_cache_dir() / "src", width=640, height=360, seconds=2, faststart=faststart)
    data = source.read_bytes()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def corrupt_mp4(dest: Path, name: str = "corrupt.mp4", size: int = 64 * 1024) -> Path:
    """A valid ``ftyp`` box (so type sniffing says MP4) followed by pseudo-random garbage."""
    ftyp = (24).to_bytes(4, "big") + b"ftypisom" + (512).to_bytes(4, "big") + b"isomavc1"
    garbage = hashlib.shake_256(b"corrupt").digest(size - len(ftyp))
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    target.write_bytes(ftyp + garbage)
    return target


def big_file(dest: Path, size: int, name: str = "big.mp4") -> Path:
    """Exactly ``size`` bytes that start like an MP4 (for size-limit tests; not a playable video)."""
    ftyp = (24).to_bytes(4, "big") + b"ftypisom" + (512).to_bytes(4, "big") + b"isomavc1"
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    with open(target, "wb") as fh:
        fh.write(ftyp[:size])
        if size > len(ftyp):
            fh.truncate(size)
    return target


def ffprobe_like(path: Path) -> str:
    """``ffmpeg -i path`` output (stream and side-data lines) for assertions."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return proc.stderr


# --- images and documents ---------------------------------------------------------------------


def make_image(dest: Path, width: int = 640, height: int = 480, fmt: str = "PNG", name: str | None = None) -> Path:
    """A gradient image in ``fmt`` (PNG, JPEG, WEBP, GIF) made with Pillow."""
    from PIL import Image

    fmt = fmt.upper()
    key = f"image|{width}|{height}|{fmt}"
    suffix = "." + {"JPEG": "jpg"}.get(fmt, fmt.lower())

    def build(path: Path) -> None:
        small = Image.linear_gradient("L").resize((max(width, 1), max(height, 1)))
        image = Image.merge("RGB", (small, small.transpose(Image.Transpose.FLIP_LEFT_RIGHT), small))
        buf = io.BytesIO()
        image.save(buf, format=fmt)
        path.write_bytes(buf.getvalue())

    source = _cached(key, suffix, build)
    return _deliver(source, dest, name or f"image-{width}x{height}{suffix}")


def make_pdf(dest: Path, pages: int = 1, name: str = "document.pdf") -> Path:
    """A small real PDF (fpdf2), one line of text per page."""
    from fpdf import FPDF

    def build(path: Path) -> None:
        pdf = FPDF()
        pdf.set_font("helvetica", size=12)
        for n in range(pages):
            pdf.add_page()
            pdf.cell(0, 10, f"Dokumen uji / test document, halaman {n + 1}")
        pdf.output(str(path))

    source = _cached(f"pdf|{pages}", ".pdf", build)
    return _deliver(source, dest, name)


def truncated_pdf(dest: Path, name: str = "truncated.pdf") -> Path:
    """A PDF cut before its ``%%EOF`` trailer (an interrupted download)."""
    source = make_pdf(_cache_dir() / "src", pages=2)
    data = source.read_bytes()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    target.write_bytes(data[: len(data) // 2])
    return target


def html_renamed(dest: Path, name: str = "video.mp4") -> Path:
    """An HTML page (with a script) under a video's name."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    target.write_bytes(
        b"<!DOCTYPE html>\n<html><head><title>not a video</title></head>"
        b"<body><script>alert(document.cookie)</script></body></html>\n"
    )
    return target


def svg_with_script(dest: Path, name: str = "logo.svg") -> Path:
    """An SVG image that carries a script (stored XSS if served as image/svg+xml)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    target.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<rect width="100" height="100" fill="red"/>'
        b"<script>alert(document.domain)</script></svg>\n"
    )
    return target
