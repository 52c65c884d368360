"""Reading a video's headers with ffmpeg (``ffmpeg -i``, the imageio-ffmpeg binary moviepy uses).

Headers only: ``ffmpeg -i`` reads the container's index, never the frames, so a 2 GB file
takes as long as a 2 MB one (~20 ms). The rotation of phone videos is read from ffmpeg's
``Display Matrix: rotation of -90.00 degrees`` side data (moviepy 2.1 misses that line with
ffmpeg 7+) and from the older ``rotate`` tag, so a portrait phone video stored as 1920x1080
is reported as 1080x1920 portrait. The input format is forced to the container the
bytes were sniffed as, so ffmpeg never picks another demuxer for a crafted file.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

from hub.media.errors import MediaError
from hub.media.settings import setting

#: sniffed container -> ffmpeg demuxer
DEMUXERS = {"mp4": "mov", "mov": "mov", "webm": "matroska", "matroska": "matroska", "avi": "avi"}
#: (container, video codec) pairs every current browser plays, with these audio codecs
_PLAYABLE = {
    ("mp4", "h264"): {None, "aac", "mp3"},
    ("mp4", "av1"): {None, "aac", "mp3", "opus"},
    ("webm", "vp8"): {None, "vorbis", "opus"},
    ("webm", "vp9"): {None, "vorbis", "opus"},
    ("webm", "av1"): {None, "opus"},
}
_PLAYABLE_PIX = {"yuv420p", "yuvj420p"}

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #\d+:\d+\S*: (Video|Audio|Subtitle|Data|Attachment): (\w+)(.*)$")
_SIZE = re.compile(r"(?:^|[ ,])(\d{1,5})x(\d{1,5})(?:[ ,\[]|$)")
_SAR = re.compile(r"SAR (\d+):(\d+)")
_FPS = re.compile(r"([\d.]+)(k?) (?:fps|tbr)")
_PIX = re.compile(r"\b(yuvj?4\d\dp\w*|rgb\w*|bgr\w*|gray\w*|nv12|nv21|p010\w*|gbrp\w*)\b")
_ROTATION = re.compile(r"(?:Display Matrix|displaymatrix): rotation of (-?\d+(?:\.\d+)?) degrees", re.I)
_ROTATE_TAG = re.compile(r"^\s*rotate\s*:\s*(-?\d+)", re.M)
_BITRATE = re.compile(r"bitrate: (\d+) kb/s")


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass
class VideoInfo:
    container: str
    duration: float
    width: int  #: as displayed (after rotation and pixel aspect ratio)
    height: int
    stored_width: int
    stored_height: int
    rotation: int  #: clockwise degrees a player turns the frames: 0, 90, 180 or 270
    orientation: str
    fps: float | None
    video_codec: str
    pix_fmt: str | None
    audio: bool
    audio_codec: str | None
    bitrate_kbps: int | None
    browser_playable: bool = False
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def orientation_of(width: int, height: int) -> str:
    return "landscape" if width > height else "portrait" if height > width else "square"


def corrupt(reason_id: str, reason_en: str) -> MediaError:
    return MediaError(
        "corrupt_video",
        f"Video rusak atau tidak lengkap ({reason_id}). Mungkin pengiriman atau penyalinannya terputus. Salin ulang "
        "atau ekspor ulang video dari sumbernya, putar dulu untuk memeriksa, lalu unggah lagi.",
        f"The video is damaged or incomplete ({reason_en}). Its transfer or copy was probably cut short. Copy or "
        "export the video again from its source, check that it plays, and upload it again.",
    )


def ffmpeg_header(path: Path, container: str) -> str:
    """``ffmpeg -i`` output for ``path`` read as ``container`` (headers only)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-f", DEMUXERS[container], "-i", str(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=float(setting("MEDIA_PROBE_TIMEOUT")))
    except subprocess.TimeoutExpired as exc:
        raise corrupt("pemeriksaan kepala berkas tidak selesai", "reading its headers did not finish") from exc
    return proc.stderr.decode("utf-8", "replace")


def parse_header(text: str, container: str) -> VideoInfo:
    """Parse ``ffmpeg -i`` output; :class:`MediaError` when there is no readable video stream."""
    if "Input #0" not in text:
        last = [ln for ln in text.strip().splitlines() if ln.strip()][-1:] or ["no output"]
        raise corrupt(f"ffmpeg: {last[0][-200:]}", f"ffmpeg: {last[0][-200:]}")
    video, video_block, audio_codec = None, "", None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _STREAM.match(line)
        if not m:
            continue
        kind, codec, rest = m.groups()
        if kind == "Video" and video is None and "(attached pic)" not in rest:
            video = (codec, rest)
            block = []
            for follow in lines[i + 1 :]:
                if _STREAM.match(follow) or not follow.startswith("    "):
                    break
                block.append(follow)
            video_block = "\n".join(block)
        elif kind == "Audio" and audio_codec is None:
            audio_codec = codec
    if video is None:
        raise MediaError(
            "no_video_stream",
            "Berkas tidak berisi gambar video (mungkin hanya audio). Kirim berkas video yang memiliki gambar.",
            "The file contains no video picture (perhaps audio only). Send a video file that has pictures.",
        )
    codec, rest = video
    size = _SIZE.search(rest)
    if not size or int(size.group(1)) == 0 or int(size.group(2)) == 0:
        raise corrupt("ukuran gambar tidak terbaca", "the picture size cannot be read")
    w, h = int(size.group(1)), int(size.group(2))
    dur = _DURATION.search(text)
    duration = int(dur.group(1)) * 3600 + int(dur.group(2)) * 60 + float(dur.group(3)) if dur else 0.0
    if duration <= 0:
        raise corrupt("durasi tidak terbaca", "its duration cannot be read")
    rotation = _rotation(video_block)
    disp_w, disp_h = w, h
    sar = _SAR.search(rest)
    if sar and int(sar.group(1)) and int(sar.group(2)) and sar.group(1) != sar.group(2):
        disp_w = round(w * Fraction(int(sar.group(1)), int(sar.group(2))))
    if rotation in (90, 270):
        disp_w, disp_h = disp_h, disp_w
    fps = _FPS.search(rest)
    fps_value = float(fps.group(1)) * (1000 if fps.group(2) else 1) if fps else None
    pix = _PIX.search(rest)
    bitrate = _BITRATE.search(text)
    audio = None if audio_codec is None else audio_codec
    info = VideoInfo(
        container=container,
        duration=round(duration, 3),
        width=disp_w,
        height=disp_h,
        stored_width=w,
        stored_height=h,
        rotation=rotation,
        orientation=orientation_of(disp_w, disp_h),
        fps=round(fps_value, 3) if fps_value else None,
        video_codec=codec,
        pix_fmt=pix.group(1) if pix else None,
        audio=audio is not None,
        audio_codec=audio,
        bitrate_kbps=int(bitrate.group(1)) if bitrate else None,
    )
    allowed_audio = _PLAYABLE.get((container, codec))
    info.browser_playable = bool(allowed_audio) and audio in allowed_audio and info.pix_fmt in _PLAYABLE_PIX
    return info


def _rotation(block: str) -> int:
    m = _ROTATION.search(block)
    if m:  # the matrix says how far to turn counter-clockwise; players turn clockwise by its negative
        return round(-float(m.group(1))) % 360
    m = _ROTATE_TAG.search(block)
    if m:
        return int(m.group(1)) % 360
    return 0


def probe_video(path: Path, container: str) -> VideoInfo:
    """Header facts of a video file (duration, display size, rotation, codecs…); ~20 ms."""
    return parse_header(ffmpeg_header(path, container), container)


def last_frame_decodes(path: Path, container: str) -> bool:
    """True when a frame from the last second decodes (catches damaged frame data, not just headers)."""
    cmd = [ffmpeg_exe(), "-v", "error", "-nostdin", "-sseof", "-1", "-f", DEMUXERS[container], "-i", str(path)]
    cmd += ["-map", "0:v:0", "-frames:v", "1", "-s", "16x16", "-pix_fmt", "gray", "-f", "rawvideo", "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=float(setting("MEDIA_PROBE_TIMEOUT")))
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0 and len(proc.stdout) == 256
