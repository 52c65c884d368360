"""The kiosk playlist poll: 50 players polling at once, every answer a 304, beside a bare 304.

Each player is a screen of its own (``PLAYERS`` screens with ``entries`` playlist entries each,
reusing seeded items and publications and one video asset) holding its secret and the ETag of
its feed, as the browser player does; it sends ``If-None-Match`` and gets 304 Not Modified.
The hub and the bare app (:mod:`bench.bare`, ``/poll``: an ETag and ``make_conditional``) take
turns: a short burst of all players on one, then on the other, repeated, so both see the same
machine. Throughput is the completed requests over the time of the bursts; latencies are per
request.
"""

from __future__ import annotations

import datetime as dt
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit

PLAYERS = 50
#: the entry counts of issue 15's table
ENTRY_COUNTS = (10, 67)


def seed_screens(entries: int, players: int = PLAYERS, *, tag: str = "") -> list[str]:
    """``players`` screens with ``entries`` live entries each; their player paths (secret URLs)."""
    from hub_videotron.models import PlaylistEntry, Screen
    from hub_videotron.screens import issue_token

    from hub.extensions import db
    from hub.models import Asset, Publication

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pubs = db.session.execute(db.select(Publication.id, Publication.item_id).limit(entries)).all()
    if len(pubs) < entries:
        raise SystemExit(f"the data set has {len(pubs)} publications; the kiosk row needs {entries}")
    asset = Asset(original_name="bench.mp4", kind="video", mime="video/mp4", size=1, status="ready", duration=15.0)
    db.session.add(asset)
    db.session.flush()
    paths = []
    for n in range(players):
        screen = Screen(code=f"bench-{tag}{entries}-{n}", name=f"Bench screen {entries}/{n}")
        db.session.add(screen)
        db.session.flush()
        for i, (pub_id, item_id) in enumerate(pubs):
            db.session.add(
                PlaylistEntry(
                    screen_id=screen.id,
                    item_id=item_id,
                    publication_id=pub_id,
                    asset_id=asset.id,
                    starts_at=now - dt.timedelta(hours=1),
                    ends_at=now + dt.timedelta(days=30),
                    priority=3,
                    duration=15.0,
                    urgent=i == 0,
                )
            )
        paths.append(f"/videotron/player/{issue_token(screen)}/playlist.json")
    db.session.commit()
    return paths


class Player(threading.Thread):
    """One screen's poll loop on a kept-alive connection: If-None-Match its ETag, expect 304."""

    def __init__(self, base: str, path: str, go: threading.Event, stop: threading.Event):
        super().__init__(daemon=True)
        url = urlsplit(base)
        self.host, self.port, self.path = url.hostname, url.port, path
        self.go, self.stop = go, stop
        self.etag = None
        self.latencies: list[float] = []
        self.error: str | None = None

    def _get(self, conn, headers):
        conn.request("GET", self.path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp

    def prime(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        resp = self._get(conn, {})
        if resp.status != 200:
            raise SystemExit(f"{self.path}: HTTP {resp.status}")
        self.etag = resp.getheader("ETag")
        conn.close()

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"If-None-Match": self.etag}
        try:
            while True:
                self.go.wait()
                if self.stop.is_set():
                    return
                started = time.perf_counter()
                try:
                    resp = self._get(conn, headers)
                except (http.client.RemoteDisconnected, ConnectionError):
                    # gunicorn closes a kept-alive connection idle for 2 s (the other side's burst)
                    conn.close()
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                    started = time.perf_counter()
                    resp = self._get(conn, headers)
                if resp.status != 304:
                    self.error = f"{self.path}: HTTP {resp.status}, expected 304"
                    return
                if self.go.is_set():  # a request that outlives its burst is not counted
                    self.latencies.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            self.error = f"{self.path}: {exc!r}"
        finally:
            conn.close()


class Side:
    """The players of one server, started once and let loose burst by burst."""

    def __init__(self, base: str, paths: list[str]):
        self.go, self.stop = threading.Event(), threading.Event()
        self.players = [Player(base, p, self.go, self.stop) for p in paths]
        for player in self.players:
            player.prime()
            player.start()
        self.seconds = 0.0

    def burst(self, seconds: float) -> None:
        started = time.perf_counter()
        self.go.set()
        time.sleep(seconds)
        self.go.clear()
        self.seconds += time.perf_counter() - started
        time.sleep(0.3)  # requests in flight finish before the other side starts
        errors = [p.error for p in self.players if p.error]
        if errors:
            raise SystemExit(errors[0])

    def close(self) -> None:
        self.stop.set()
        self.go.set()
        for player in self.players:
            player.join(timeout=10)

    @property
    def latencies(self) -> list[float]:
        return [ms for p in self.players for ms in p.latencies]


def measure(base: str, bare: str, paths: list[str], *, rounds: int = 6, seconds: float = 2.0) -> tuple[dict, dict]:
    """Interleaved bursts on the hub and on the bare app; ``{"rps", "p50", "p95"}`` of each."""
    from bench.run import pct

    hub = Side(base, paths)
    baseline = Side(bare, ["/poll"] * len(paths))
    try:
        hub.burst(1.0)  # warm-up: each player's first polls build nothing but fill the pools
        baseline.burst(1.0)
        for p in hub.players + baseline.players:
            p.latencies.clear()
        hub.seconds = baseline.seconds = 0.0
        for _ in range(rounds):
            hub.burst(seconds)
            baseline.burst(seconds)
    finally:
        hub.close()
        baseline.close()

    def figures(side: Side) -> dict:
        values = side.latencies
        return {"rps": len(values) / side.seconds, "p50": statistics.median(values), "p95": pct(values, 95)}

    return figures(hub), figures(baseline)


def row(entries: int, hub: dict, bare: dict, players: int = PLAYERS) -> str:
    return (
        f"| kiosk poll, {players} players, 304 path, {entries} entries | {hub['rps']:,.0f} req/s, "
        f"p50 / p95 {hub['p50']:.1f} / {hub['p95']:.1f} ms | {bare['rps']:,.0f} req/s, p50 / p95 "
        f"{bare['p50']:.1f} / {bare['p95']:.1f} ms | {hub['rps'] / bare['rps']:.2f} (req/s) |"
    )
