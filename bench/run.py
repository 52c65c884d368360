"""Benchmark the hub at a province's scale beside bare baselines measured in the same run.

    .venv/bin/python -m bench.run [--scale 0.1] [--samples 200] [--players 50] [--upload] [--only ROWS]

Seeds the data set (:mod:`bench.seed`) into a fresh database (SQLite in a temporary folder, or
PostgreSQL when ``HUB_BENCH_DATABASE_URL`` is set: its ``public`` schema is dropped first), starts
the hub and a bare Flask app (:mod:`bench.bare`) with the same gunicorn settings (2 ``gthread``
workers, 8 threads), then requests each path from both, alternating one hub request with one bare
request, and prints medians and p95. The kiosk rows (:mod:`bench.kiosk`) poll with 50 players
at once on the 304 path, in bursts that take turns with the bare app's; the probe row
(:mod:`bench.probe`) times the hub's media probe beside ``ffprobe``. ``--upload`` also runs
:mod:`bench.upload_memory` (1 GiB, beside ``cp``). ``--only paths,kiosk,dispatch,memory,probe,upload``
runs those rows only (the data set is seeded whatever the rows).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024
GUNICORN = ["-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "8", "--timeout", "120"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def fresh_database(folder: Path) -> str:
    url = os.environ.get("HUB_BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def hub_env(folder: Path, db_url: str, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_DATABASE_URL=db_url,
        HUB_MEDIA_DIR=str(folder / "media"),
        HUB_INSTANCE_DIR=str(folder / "instance"),
        HUB_SECRET_KEY="bench-secret-" + "x" * 32,
        HUB_LOG_LEVEL="WARNING",
        HUB_EXTRA_PLUGINS='["bench.noop_channel"]',
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["HUB_REDIS_URL"] = redis_url
    return env


def session_cookie(app, user_id: int) -> tuple[str, str]:
    """A year-long login session for ``user_id`` (added, not committed): the cookie's name and value."""
    from hub.auth.models import AuthSession
    from hub.auth.sessions import _digest
    from hub.extensions import db
    from hub.models import utcnow

    sid = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AuthSession(
            key_hash=_digest(sid),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now.replace(year=now.year + 1),
        )
    )
    serializer = app.session_interface.get_signing_serializer(app)
    return app.config["SESSION_COOKIE_NAME"], serializer.dumps({"sid": sid})


def seed_database(env: dict[str, str], scale: float, reuse: bool = False) -> dict:
    """Seed in this process (the app reads its settings from the environment); add login sessions.
    ``reuse``: the database holds a data set seeded before; only the logins are added."""
    os.environ.update(env)
    from bench.seed import existing, seed
    from hub.app import create_app
    from hub.extensions import db
    from hub.models import Item

    app = create_app()
    with app.app_context():
        info = existing() if reuse else seed(scale)
        info["cookies"] = {}
        for role, user_id in info["user_ids"].items():
            name, value = session_cookie(app, user_id)
            info["cookies"][role] = {name: value}
        creator = db.session.get(db.Model.registry._class_registry["User"], info["user_ids"]["pembuat_konten"])
        info["own_items"] = db.session.scalar(
            db.select(db.func.count()).select_from(Item).where(Item.organisation_id == creator.organisation_id)
        )
        db.session.commit()
    return app, info


def start(cmd: list[str], env: dict, probe: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{cmd} exited: " + proc.stderr.read().decode()[-3000:])
        try:
            requests.get(probe, timeout=5)
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{cmd} did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def tree_rss(pid: int, folder: Path | None = None) -> tuple[int, int]:
    """RSS and PSS (shared pages counted once) of a process, its children and the Redis servers
    whose pid files are under ``folder``: RSS counts the pages a forked child shares with its
    parent in both, PSS splits them."""
    root = psutil.Process(pid)
    procs = {p.pid: p for p in [root, *root.children(recursive=True)]}
    for pidfile in folder.rglob("server.pid") if folder else ():
        procs.setdefault(int(pidfile.read_text()), psutil.Process(int(pidfile.read_text())))
    infos = [p.memory_full_info() for p in procs.values()]
    return sum(i.rss for i in infos), sum(i.pss for i in infos)


def interleaved(hub_get, bare_get, samples: int) -> tuple[list[float], list[float]]:
    """Alternate one hub request with one bare request; the first few of each are warm-up."""
    hub, bare = [], []
    for i in range(samples + 5):
        for fn, out in ((hub_get, hub), (bare_get, bare)):
            t = time.perf_counter()
            fn()
            if i >= 5:
                out.append((time.perf_counter() - t) * 1000)
    return hub, bare


def row(name: str, hub: list[float], bare: list[float]) -> str:
    h50, h95, b50, b95 = statistics.median(hub), pct(hub, 95), statistics.median(bare), pct(bare, 95)
    return f"| {name} | {h50:.1f} / {h95:.1f} ms | {b50:.1f} / {b95:.1f} ms | ×{h95 / b95:.0f} |"


def measure_paths(base: str, bare: str, info: dict, samples: int, only: list[str] | None = None) -> list[str]:
    def get(url, *, status=200, cookies=None, token=None):
        headers = {"Authorization": f"Bearer {info['tokens'][token]}"} if token else {}
        session = requests.Session()

        def call():
            resp = session.get(url, cookies=cookies, headers=headers, timeout=60)
            if resp.status_code != status:
                raise SystemExit(f"{url}: HTTP {resp.status_code} {resp.text[:300]}")

        return call

    deep = int(info["own_items"] * 0.9)
    paths = [
        ("dashboard (Kepala Dinas)", get(f"{base}/", cookies=info["cookies"]["kepala_dinas"]), f"{bare}/"),
        ("inbox page (Verifikator)", get(f"{base}/inbox", cookies=info["cookies"]["verifikator"]), f"{bare}/"),
        ("inbox API (Verifikator)", get(f"{base}/api/v1/inbox", token="verifikator"), f"{bare}/api"),
        ("audit page (first page)", get(f"{base}/admin/audit", cookies=info["cookies"]["system_admin"]), f"{bare}/"),
        ("item list API, first page", get(f"{base}/api/v1/items", token="pembuat_konten"), f"{bare}/api"),
        (
            f"item list API, offset {deep:,} (90 %, own office)",
            get(f"{base}/api/v1/items?offset={deep}", token="pembuat_konten"),
            f"{bare}/api?offset={deep}",
        ),
    ]
    if only:
        paths = [p for p in paths if any(word.lower() in p[0].lower() for word in only)]
    lines = ["| path | hub p50 / p95 | bare p50 / p95 | p95 ratio |", "|---|---|---|---|"]
    for name, hub_get, bare_url in paths:
        bare_session = requests.Session()
        hub, base_ms = interleaved(hub_get, lambda u=bare_url, s=bare_session: s.get(u, timeout=60), samples)
        lines.append(row(name, hub, base_ms))
        print(lines[-1], flush=True)
    return lines


def idle_memory(folder: Path, env: dict) -> str:
    """RSS of ``hub up`` (web + worker + embedded Redis) when idle, beside gunicorn + redis-server."""
    from hub.embedded_redis import EmbeddedRedis
    from tests.helpers import free_port

    up_env = {k: v for k, v in env.items() if k != "HUB_REDIS_URL"}
    up_env["HUB_INSTANCE_DIR"] = str(folder / "up-instance")
    port = free_port()
    up = start([sys.executable, "-m", "hub", "up", "--port", str(port)], up_env, f"http://127.0.0.1:{port}/healthz")
    try:
        time.sleep(3)  # let the worker finish starting: we measure the idle level
        hub_rss = tree_rss(up.pid, folder / "up-instance")
    finally:
        stop(up)
    redis = EmbeddedRedis(folder / "bare-redis").start()
    port = free_port()
    bare = start(
        [sys.executable, *GUNICORN, "-b", f"127.0.0.1:{port}", "bench.bare:app"], env, f"http://127.0.0.1:{port}/"
    )
    try:
        time.sleep(3)
        bare_rss = tree_rss(bare.pid, folder / "bare-redis")
    finally:
        stop(bare)
        redis.stop()
    (hub_rss, hub_pss), (bare_rss, bare_pss) = hub_rss, bare_rss
    return (
        f"| idle memory of `hub up`, RSS (PSS) | {hub_rss / MiB:.0f} ({hub_pss / MiB:.0f}) MiB "
        f"| {bare_rss / MiB:.0f} ({bare_pss / MiB:.0f}) MiB (gunicorn + redis-server) | ×{hub_rss / bare_rss:.1f} |"
    )


#: the rows ``--only`` picks from; ``upload`` (1 GiB, minutes) runs only when asked
ROWS = ("paths", "kiosk", "dispatch", "memory", "probe", "upload")


def selected_rows(only: str | None, upload: bool) -> set[str]:
    if only:
        rows = {r.strip() for r in only.split(",") if r.strip()}
        unknown = rows - set(ROWS)
        if unknown:
            raise SystemExit(f"--only: unknown rows {sorted(unknown)}; choose from {', '.join(ROWS)}")
    else:
        rows = set(ROWS) - {"upload"}
    return rows | ({"upload"} if upload else set())


def kiosk_rows(env: dict, app, base: str, bare: str, players: int) -> list[str]:
    from bench import kiosk

    lines = []
    for entries in kiosk.ENTRY_COUNTS:
        with app.app_context():
            paths = kiosk.seed_screens(entries, players)
        hub, baseline = kiosk.measure(base, bare, paths)
        lines.append(kiosk.row(entries, hub, baseline, players))
        print(lines[-1], flush=True)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 items (default)")
    parser.add_argument("--samples", type=int, default=200, help="requests per path and side")
    parser.add_argument("--dispatch", type=int, default=1000, help="items per dispatch run")
    parser.add_argument("--round-trips", type=int, default=30, help="approval → published samples")
    parser.add_argument("--players", type=int, default=50, help="concurrent kiosk players polling")
    parser.add_argument("--upload", action="store_true", help="also run bench/upload_memory.py (1 GiB)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the PostgreSQL data set a previous run seeded (upgraded, not dropped; --scale is ignored)",
    )
    parser.add_argument(
        "--path",
        action="append",
        metavar="WORD",
        help="with the paths row: only the web paths whose name contains WORD (repeatable: dashboard, inbox, audit)",
    )
    parser.add_argument(
        "--only", metavar="ROWS", help=f"comma-separated rows to run, of: {', '.join(ROWS)} (default: all but upload)"
    )
    args = parser.parse_args()
    rows = selected_rows(args.only, args.upload)
    from hub.embedded_redis import EmbeddedRedis
    from tests.helpers import free_port

    folder = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    redis = EmbeddedRedis(folder / "redis").start()
    procs: list[subprocess.Popen] = []
    lines = ["| path | hub | bare baseline | ratio |", "|---|---|---|---|"]
    try:
        if args.reuse and not os.environ.get("HUB_BENCH_DATABASE_URL"):
            raise SystemExit("--reuse needs HUB_BENCH_DATABASE_URL (the SQLite data set lives in a temporary folder)")
        db_url = os.environ["HUB_BENCH_DATABASE_URL"] if args.reuse else fresh_database(folder)
        env = hub_env(folder, db_url, redis.url)
        subprocess.run([sys.executable, "-m", "hub", "db", "upgrade"], env=env, check=True, capture_output=True)
        app, info = seed_database(env, args.scale, reuse=args.reuse)
        print(f"\nscale {args.scale}: {info['counts']}; rows: {', '.join(r for r in ROWS if r in rows)}\n")
        if rows & {"paths", "kiosk"}:
            port, bare_port = free_port(), free_port()
            base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
            hub_cmd = [sys.executable, *GUNICORN, "-b", f"127.0.0.1:{port}", "hub:create_app()"]
            procs.append(start(hub_cmd, env, base + "/healthz"))
            procs.append(
                start([sys.executable, *GUNICORN, "-b", f"127.0.0.1:{bare_port}", "bench.bare:app"], env, bare + "/")
            )
            if "paths" in rows:
                print(f"{args.samples} samples per path and side, interleaved", flush=True)
                lines += measure_paths(base, bare, info, args.samples, args.path)[2:]
            if "kiosk" in rows:
                lines += kiosk_rows(env, app, base, bare, args.players)
            for proc in procs:
                stop(proc)
            procs.clear()
        if "dispatch" in rows:
            from bench import dispatch

            with app.app_context():
                lines += dispatch.measure(env, info["user_ids"]["pembuat_konten"], args.dispatch, args.round_trips)
            print("\n".join(lines[-2:]), flush=True)
        if "memory" in rows:
            lines.append(idle_memory(folder, env))
            print(lines[-1], flush=True)
        if "probe" in rows:
            from bench import probe

            lines += probe.measure(app)
            print("\n".join(lines[-2:]), flush=True)
    finally:
        for proc in procs:
            stop(proc)
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)
    if "upload" in rows:
        from bench import upload_memory

        lines += upload_memory.table_rows(upload_memory.run_uploads(1024), 1024)
    print("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
