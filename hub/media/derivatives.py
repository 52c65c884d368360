"""Derived files made with moviepy: poster and thumbnail of every video, a browser preview when
the original does not play in browsers, and renditions conformed to a screen.

moviepy is given the display size as ``target_resolution``: ffmpeg turns rotated phone
videos upright while decoding, and moviepy 2.1 (which misses the rotation) would otherwise
squeeze the upright frames back into the stored landscape size.
"""

from __future__ import annotations

import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

from hub.media.settings import setting

POSTER_MAX = 1920
THUMB_MAX = 320


def fit(width: int, height: int, box_w: int, box_h: int, *, even: bool = False, grow: bool = False) -> tuple[int, int]:
    """``width`` x ``height`` scaled to fit inside ``box_w`` x ``box_h``, keeping the aspect ratio."""
    scale = min(box_w / width, box_h / height)
    if not grow:
        scale = min(scale, 1.0)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    if even:
        w, h = max(2, w - w % 2), max(2, h - h % 2)
    return w, h


def cover(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The smallest size with ``width``'s aspect ratio that covers ``box_w`` x ``box_h``."""
    scale = max(box_w / width, box_h / height)
    return max(box_w, round(width * scale)), max(box_h, round(height * scale))


@contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _open_clip(path: Path, size: tuple[int, int], audio: bool = False):
    from moviepy import VideoFileClip

    return VideoFileClip(str(path), audio=audio, target_resolution=size)


def poster_and_thumbnail(path: Path, display: tuple[int, int], duration: float, poster: Path, thumb: Path) -> dict:
    """Write a JPEG poster (a frame from the first second) and a thumbnail; returns their sizes."""
    from PIL import Image

    size = fit(*display, POSTER_MAX, POSTER_MAX)
    with _quiet():
        clip = _open_clip(path, size)
        try:
            frame = clip.get_frame(min(1.0, max(0.0, duration / 2)))
        finally:
            clip.close()
    image = Image.fromarray(frame).convert("RGB")
    image.save(poster, "JPEG", quality=85)
    small = image.copy()
    small.thumbnail((THUMB_MAX, THUMB_MAX))
    small.save(thumb, "JPEG", quality=80)
    return {"poster": image.size, "thumbnail": small.size}


def image_thumbnail(path: Path, thumb: Path) -> tuple[int, int]:
    """A JPEG thumbnail of an image, turned upright by its EXIF orientation."""
    from PIL import Image, ImageOps

    with Image.open(path) as img:
        img.draft("RGB", (THUMB_MAX * 2, THUMB_MAX * 2))
        img = ImageOps.exif_transpose(img)
        img.thumbnail((THUMB_MAX, THUMB_MAX))
        img.convert("RGB").save(thumb, "JPEG", quality=80)
        return img.size


def encode(
    path: Path,
    out: Path,
    *,
    display: tuple[int, int],
    frame: tuple[int, int],
    box: tuple[int, int] | None = None,
    max_seconds: float | None = None,
    audio: bool = True,
) -> dict:
    """Write an H.264/AAC MP4 (yuv420p, faststart) of ``path``.

    The picture is scaled to ``frame``; with ``box`` it is then placed on a black
    background of exactly that size (``frame`` smaller: letterbox) or cut to it from the
    centre (``frame`` larger: cover). ``max_seconds`` keeps only the beginning.
    """
    with _quiet(), tempfile.TemporaryDirectory(dir=out.parent, prefix=".encode-") as tmp:
        clip = _open_clip(path, frame, audio=audio)
        try:
            result = clip
            if max_seconds and clip.duration > max_seconds:
                result = result.subclipped(0, max_seconds)
            if box and tuple(frame) != tuple(box):
                if frame[0] >= box[0] and frame[1] >= box[1]:
                    result = result.cropped(x_center=frame[0] / 2, y_center=frame[1] / 2, width=box[0], height=box[1])
                else:
                    result = result.with_background_color(size=box, color=(0, 0, 0), pos="center")
            fps = clip.fps or 25
            result.write_videofile(
                str(Path(tmp) / "out.mp4"),
                fps=fps,
                codec="libx264",
                audio=bool(audio and clip.audio is not None),
                audio_codec="aac",
                audio_bitrate="128k",
                preset=str(setting("MEDIA_ENCODE_PRESET")),
                temp_audiofile_path=tmp,
                threads=2,
                ffmpeg_params=["-pix_fmt", "yuv420p", "-movflags", "+faststart"],
                logger=None,
            )
            written_duration = result.duration
        finally:
            clip.close()
        Path(tmp, "out.mp4").replace(out)
    return {"duration": round(written_duration, 3), "fps": fps}
