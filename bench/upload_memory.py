"""Benchmark: a 1 GiB upload through the real web server keeps the web process's memory flat.

Starts the hub the way production runs it (gunicorn, one ``gthread`` worker, SQLite, an
embedded Redis, all in a temporary folder), creates an uploader with an API token, then
streams a generated 1 GiB MP4 three times: through the resumable API (``POST /api/v1/uploads`` +
8 MiB ``PATCH`` chunks) and through the one-shot API (``POST /api/v1/media``, raw body, then
``multipart/form-data``). The second and third are recognised as duplicates of the first
after every check has run on the whole file; the duplicate is then deleted.
The web worker's resident memory (RSS, psutil) is sampled every 20 ms; the growth over
its level before the upload is printed. Exit status 1 when a growth reaches the budget.

The file is a real MP4 (a short clip made with ffmpeg) followed by a ``free`` box that pads it
to exactly 1 GiB, generated on the fly: nothing of it is held in the client's memory either,
and the server's checks (box structure, ``ffmpeg -i``, SHA-256) run on the whole gigabyte.

    python bench/upload_memory.py [--size-mb 1024] [--budget-mb 64]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MiB = 1024 * 1024


class PaddedVideo:
    """A file-like body: ``head`` (a real MP4) then a ``free`` box of zeros up to ``size`` bytes."""

    def __init__(self, head: bytes, size: int, start: int = 0, end: int | None = None):
        pad = size - len(head)
        self.prefix = head + pad.to_bytes(4, "big") + b"free"
        self.size, self.pos, self.end = size, start, size if end is None else end

    def __len__(self) -> int:
        return self.end - self.pos

    def read(self, n: int = -1) -> bytes:
        n = self.end - self.pos if n is None or n < 0 else min(n, self.end - self.pos)
        if n <= 0:
            return b""
        out = b""
        if self.pos < len(self.prefix):
            out = self.prefix[self.pos : self.pos + n]
        out += bytes(n - len(out))
        self.pos += n
        return out

    def slice(self, start: int, end: int) -> PaddedVideo:
        part = PaddedVideo.__new__(PaddedVideo)
        part.prefix, part.size, part.pos, part.end = self.prefix, self.size, start, end
        return part


class Multipart:
    """A ``multipart/form-data`` body around a file-like part, read block by block."""

    def __init__(self, part: PaddedVideo, filename: str):
        self.boundary = "hubbench" + os.urandom(8).hex()
        head = (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        self.parts = [head, part, f"\r\n--{self.boundary}--\r\n".encode()]
        self.length = len(head) + len(part) + len(self.parts[2])

    def __len__(self) -> int:
        return self.length

    def read(self, n: int = -1) -> bytes:
        while self.parts:
            first = self.parts[0]
            if isinstance(first, bytes):
                out, self.parts[0] = first[:n], first[n:]
                if not self.parts[0]:
                    self.parts.pop(0)
                if out:
                    return out
            else:
                out = first.read(n)
                if out:
                    return out
                self.parts.pop(0)
        return b""


class RssSampler:
    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        self.before = self.proc.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.after = self.proc.memory_info().rss

    @property
    def growth(self) -> int:
        return self.peak - self.before


def make_head(folder: Path) -> bytes:
    from tests.media_factory import make_video

    return make_video(folder, width=320, height=240, seconds=2).read_bytes()


def setup_hub(folder: Path):
    """Environment for the hub processes, an API token of an uploader, and the Redis server."""
    from hub.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(folder / "redis").start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_DATABASE_URL=f"sqlite:///{folder / 'hub.sqlite3'}",
        HUB_REDIS_URL=redis.url,
        HUB_MEDIA_DIR=str(folder / "media"),
        HUB_INSTANCE_DIR=str(folder / "instance"),
        HUB_SECRET_KEY="bench-secret",
        HUB_LOG_LEVEL="WARNING",
    )
    subprocess.run([sys.executable, "-m", "hub", "db", "upgrade"], env=env, check=True, capture_output=True)
    code = (
        "from hub.app import create_app\n"
        "from hub.extensions import db\n"
        "from hub.models import Organisation, User, UserRole\n"
        "from hub.auth.sessions import create_token\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    org = Organisation(name='Bench', kind='requester'); db.session.add(org); db.session.flush()\n"
        "    user = User(username='bench', organisation_id=org.id, roles=[UserRole(role='pembuat_konten')])\n"
        "    db.session.add(user); db.session.flush()\n"
        "    print(create_token(user, 'bench', 1)[1]); db.session.commit()\n"
    )
    token = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return env, token.stdout.strip().splitlines()[-1], redis


def start_web(env: dict, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "8", "--timeout", "300"]
    cmd += ["-b", f"127.0.0.1:{port}", "hub:create_app()"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/media/limits", timeout=10).status_code == 401:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])


def worker_pid(master: subprocess.Popen) -> int:
    children = psutil.Process(master.pid).children()
    if len(children) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {len(children)}")
    return children[0].pid


def upload_resumable(base: str, headers: dict, body: PaddedVideo, chunk: int) -> dict:
    resp = requests.post(f"{base}/api/v1/uploads", json={"name": "bench.mp4", "size": body.size}, headers=headers)
    resp.raise_for_status()
    url = base + resp.json()["url"]
    offset = 0
    while True:
        end = min(offset + chunk, body.size)
        part = body.slice(offset, end)
        resp = requests.patch(url, data=part, headers={**headers, "Upload-Offset": str(offset)})
        if resp.status_code != 204:
            return resp
        offset = int(resp.headers["Upload-Offset"])


def upload_once(base: str, headers: dict, body: PaddedVideo):
    return requests.post(
        f"{base}/api/v1/media",
        data=body,
        headers={**headers, "X-Filename": "bench-once.mp4", "Content-Type": "video/mp4"},
    )


def upload_multipart(base: str, headers: dict, body: PaddedVideo):
    form = Multipart(body, "bench-form.mp4")
    ctype = f"multipart/form-data; boundary={form.boundary}"
    return requests.post(f"{base}/api/v1/media", data=form, headers={**headers, "Content-Type": ctype})


def copy_seconds(head: bytes, size: int, folder: Path) -> float:
    """The baseline: ``cp`` of the same bytes from a file on the same disk (then both removed)."""
    src, dst = folder / "cp-src.mp4", folder / "cp-dst.mp4"
    body = PaddedVideo(head, size)
    with open(src, "wb") as fh:
        while block := body.read(8 * MiB):
            fh.write(block)
    started = time.monotonic()
    subprocess.run(["cp", str(src), str(dst)], check=True)
    seconds = time.monotonic() - started
    src.unlink()
    dst.unlink()
    return seconds


def run_uploads(size_mb: int) -> list[tuple[str, RssSampler, float, int, float]]:
    """Each upload way once, each beside a ``cp`` of the same size: (label, rss, seconds, status, cp seconds)."""
    size = size_mb * MiB
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        folder = Path(tmp)
        head = make_head(folder / "src")
        env, token, redis = setup_hub(folder)
        from tests.helpers import free_port

        port = free_port()
        web = start_web(env, port)
        base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
        results = []
        try:
            pid = worker_pid(web)
            # warm up: the first upload imports and caches what every later one uses
            warm = upload_once(base, headers, PaddedVideo(head, 4 * MiB))
            assert warm.status_code == 201, warm.text
            expected = hashlib.sha256()
            body = PaddedVideo(head, size)
            while block := body.read(8 * MiB):
                expected.update(block)
            for label, run in (
                ("resumable (8 MiB chunks)", lambda: upload_resumable(base, headers, PaddedVideo(head, size), 8 * MiB)),
                ("one-shot (raw body)", lambda: upload_once(base, headers, PaddedVideo(head, size))),
                ("one-shot (multipart)", lambda: upload_multipart(base, headers, PaddedVideo(head, size))),
            ):
                cp = copy_seconds(head, size, folder)
                started = time.monotonic()
                with RssSampler(pid) as rss:
                    resp = run()
                seconds = time.monotonic() - started
                body = resp.json()
                assert resp.status_code in (200, 201), body
                assert body["size"] == size and body["sha256"] == expected.hexdigest(), body
                results.append((label, rss, seconds, resp.status_code, cp))
        finally:
            web.terminate()
            web.wait(timeout=30)
            redis.stop()
    return results


def table_rows(results, size_mb: int) -> list[str]:
    """The rows of ``bench.run``'s table: time beside ``cp`` and the web worker's RSS growth."""
    return [
        f"| upload {size_mb} MiB, {label} (RSS growth {rss.growth / MiB:.0f} MiB) | {seconds:.1f} s "
        f"| {cp:.1f} s (cp) | ×{seconds / cp:.1f} |"
        for label, rss, seconds, _status, cp in results
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="upload size in MiB (default 1024 = 1 GiB)")
    parser.add_argument("--budget-mb", type=int, default=64, help="allowed RSS growth in MiB (default 64)")
    args = parser.parse_args()
    size = args.size_mb * MiB
    results = run_uploads(args.size_mb)

    print(f"upload of {size:,} bytes ({args.size_mb} MiB) through gunicorn (1 gthread worker):")
    worst = 0
    for label, rss, seconds, status, cp in results:
        worst = max(worst, rss.growth)
        print(
            f"  {label:<26} RSS before {rss.before / MiB:7.1f} MiB, peak {rss.peak / MiB:7.1f} MiB, "
            f"growth {rss.growth / MiB:6.1f} MiB, {seconds:5.1f} s ({size / MiB / seconds:5.0f} MiB/s), HTTP {status}, "
            f"cp {cp:.1f} s (x{seconds / cp:.1f})"
        )
    verdict = "OK" if worst < args.budget_mb * MiB else "OVER BUDGET"
    print(f"largest growth: {worst / MiB:.1f} MiB (budget {args.budget_mb} MiB): {verdict}")
    return 0 if worst < args.budget_mb * MiB else 1


if __name__ == "__main__":
    raise SystemExit(main())
