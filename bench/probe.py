"""The hub's media probe on a generated video beside running ffprobe on it directly.

The hub reads a video's headers with ``ffmpeg -i`` (imageio-ffmpeg's static binary, what
moviepy uses; :func:`hub.media.probe.probe_video`), and its probe job also decodes a frame
of the last second (:func:`hub.media.probe.last_frame_decodes`). Each is timed beside
``ffprobe -show_format -show_streams`` (the system's), call by call interleaved; the ratio is
ffprobe's median over the hub's (1.0: as fast as ffprobe; below: slower).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure(app, samples: int = 20) -> list[str]:
    from hub.media.probe import last_frame_decodes, probe_video
    from tests.media_factory import make_video

    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return ["| media probe beside ffprobe | - | ffprobe not installed | - |"]
    with tempfile.TemporaryDirectory(prefix="hub-bench-probe-") as tmp:
        video = make_video(Path(tmp), width=1280, height=720, seconds=10, fps=25)
        cmd = [ffprobe, "-v", "error", "-show_format", "-show_streams", str(video)]
        runs = {"header": [], "job": [], "ffprobe": []}
        with app.app_context():
            for i in range(samples + 2):
                times = {
                    "ffprobe": _timed(lambda: subprocess.run(cmd, capture_output=True, check=True)),
                    "header": _timed(lambda: probe_video(video, "mp4")),
                    "job": _timed(lambda: (probe_video(video, "mp4"), last_frame_decodes(video, "mp4"))),
                }
                if i >= 2:  # the first calls load the binaries from disk
                    for key, ms in times.items():
                        runs[key].append(ms)
    ref = statistics.median(runs["ffprobe"])
    lines = []
    for key, label in (("header", "media probe (headers, `ffmpeg -i`)"), ("job", "probe job (headers + last frame)")):
        med = statistics.median(runs[key])
        lines.append(f"| {label}, 720p 10 s MP4 | {med:.0f} ms | {ref:.0f} ms (ffprobe) | {ref / med:.2f}× ffprobe |")
    return lines
