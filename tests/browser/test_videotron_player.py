"""The screen player in headless Chromium, against a real HTTP server that the test stops and restarts.

It plays the playlist in a loop, sends heartbeats and proof of play; with the server stopped it
keeps playing from its cache (and even survives a reload); after the restart the proof of play
queued while offline arrives.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from hub.extensions import db
from hub.models import Setting, utcnow
from tests.browser.conftest import ARTIFACTS
from tests.helpers import free_port, wait_for
from tests.media_factory import make_video
from tests.videotron_support import make_screen, player_link, publish_directly, video_asset, videotron_item

pytestmark = pytest.mark.browser  # skipped by tests/browser/conftest.py when /usr/bin/chromium is absent


class Server:
    """The app on 127.0.0.1:<port> in a thread; ``stop()`` and ``start()`` keep the port."""

    def __init__(self, app):
        self.app, self.port = app, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = self._thread = None

    def start(self):
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None


@pytest.fixture
def server(make_app):
    app = make_app(TESTING=False, WTF_CSRF_ENABLED=True)
    srv = Server(app)
    with app.app_context():
        srv.start()
        try:
            yield srv
        finally:
            srv.stop()


def plays_in_db(screen_id: int, since: dt.datetime | None = None) -> list:
    from hub_videotron.records import PlayRecord

    db.session.rollback()  # a new snapshot: see what the server wrote
    stmt = db.select(PlayRecord).where(PlayRecord.screen_id == screen_id)
    if since is not None:
        stmt = stmt.where(PlayRecord.started_at >= since)
    return list(db.session.scalars(stmt.order_by(PlayRecord.started_at)))


def body_number(page, name: str) -> int:
    return int(page.evaluate(f"document.body.dataset.{name} || '0'"))


def test_player_plays_reports_and_keeps_playing_offline(browser, server, make_user, tmp_path):
    app = server.app
    for key, value in (("poll_seconds", 1), ("heartbeat_seconds", 1)):
        db.session.add(Setting(namespace="videotron", key=key, value=value))
    creator = make_user("citra", roles=["pembuat_konten"])
    screen = make_screen("padang-bappeda", "Kantor Bappeda Sumbar")
    today = utcnow().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    first = None
    for n, title in enumerate(["Pekan Budaya", "Festival Tabuik"]):
        clip = make_video(tmp_path, width=320, height=180, seconds=2, fps=10, audio=False, name=f"clip{n}.mp4")
        asset = video_asset(stored_name=f"player-test/{clip.name}")
        first = first or asset.id
        target = os.path.join(app.config["MEDIA_DIR"], asset.stored_name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(clip, target)
        if n == 1:  # an original browsers cannot play: the screen gets its preview (/media/<id>/preview)
            shutil.copyfile(clip, target + ".preview.mp4")
            asset.probe = {"browser_playable": False}
            asset.derivatives = {"preview": {"path": asset.stored_name + ".preview.mp4", "status": "ready"}}
            db.session.commit()
        publish_directly(videotron_item(creator, asset, screens=[screen.code], title=title, event_date=today))
    token = player_link(screen)

    context = browser.new_context(viewport={"width": 960, "height": 640})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/videotron/player/{token}")

        # online: it plays both videos in turn, caches them, reports plays and heartbeats
        wait_for(lambda: page.evaluate("document.body.dataset.sw") == "controlled", 20, what="service worker")
        wait_for(lambda: body_number(page, "cached") == 2, 20, what="both videos cached")
        cached = page.evaluate("caches.open('videotron-media-v1').then(c => c.keys()).then(k => k.map(r => r.url))")
        assert sorted(u.rsplit("/", 1)[-1] for u in cached) == [str(first), "preview"]
        assert page.evaluate("document.getElementById('screen').muted") is True  # player_muted: true by default
        wait_for(lambda: len(plays_in_db(screen.id)) >= 3, 30, what="proof of play arriving")
        played = {p.item_title for p in plays_in_db(screen.id)}
        assert played == {"Pekan Budaya", "Festival Tabuik"}
        assert all(p.completed and 1.0 <= p.duration <= 6.0 for p in plays_in_db(screen.id))
        db.session.refresh(screen)
        assert screen.last_seen_at is not None and screen.player_info["version"] == "player-1"
        assert body_number(page, "notModified") >= 1  # the playlist polls answer 304

        # the server goes away: the loop goes on from the cache, reports wait in the queue
        server.stop()
        down_at = utcnow()
        shown = body_number(page, "plays")
        wait_for(lambda: page.evaluate("document.body.dataset.online") == "false", 10, what="offline noticed")
        # the service worker answers for every video from its cache, the preview variant too (not the HTTP cache)
        for url in cached:
            got = f"fetch('{url}', {{cache: 'no-store', headers: {{Range: 'bytes=0-99'}}}}).then(r => r.status)"
            assert page.evaluate(got) == 206, url
        wait_for(lambda: body_number(page, "plays") >= shown + 2, 20, what="plays while offline")
        page.reload()  # a screen PC restarted during the outage: the service worker serves the page
        wait_for(lambda: body_number(page, "queued") >= 2, 10, what="queue kept across the reload")
        queued = body_number(page, "queued")
        wait_for(lambda: page.evaluate("!!document.getElementById('screen').currentTime"), 10, what="playing")
        wait_for(lambda: body_number(page, "queued") >= queued + 1, 20, what="plays after the offline reload")
        assert page.evaluate("(() => { const v = document.getElementById('screen'); return !v.error; })()")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "videotron-player-offline.png"))
        stored, queued = len(plays_in_db(screen.id)), body_number(page, "queued")
        assert plays_in_db(screen.id, since=down_at) == []

        # the server is back on the same port: the queued proof of play arrives, once
        up_at = utcnow()
        server.start()
        wait_for(lambda: body_number(page, "queued") == 0, 20, what="queue sent")
        before_up = [p for p in plays_in_db(screen.id) if p.started_at < up_at]
        assert len(before_up) - stored >= queued  # every report queued offline arrived
        during = [p for p in before_up if p.started_at >= down_at]
        assert len(during) >= 2 and all(p.completed for p in during)  # shown while the server was down
        assert len({p.play_uuid for p in plays_in_db(screen.id)}) == len(plays_in_db(screen.id))
        assert page.evaluate("document.body.dataset.online") == "true"
        assert errors == []
    finally:
        context.close()


def test_the_player_plays_with_sound_when_the_setting_says_so(browser, server, make_user, tmp_path):
    """``player_muted: false`` is a value, not a missing setting: the video is not muted."""
    app = server.app
    db.session.add(Setting(namespace="videotron", key="player_muted", value=False))
    creator = make_user("citra", roles=["pembuat_konten"])
    screen = make_screen("padang-bappeda", "Kantor Bappeda Sumbar")
    today = utcnow().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    clip = make_video(tmp_path, width=320, height=180, seconds=2, fps=10, audio=True, name="sound.mp4")
    asset = video_asset(stored_name=f"player-test/{clip.name}")
    target = os.path.join(app.config["MEDIA_DIR"], asset.stored_name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(clip, target)
    publish_directly(videotron_item(creator, asset, screens=[screen.code], event_date=today))
    token = player_link(screen)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server.url}/videotron/player/{token}")
        wait_for(lambda: bool(page.evaluate("document.body.dataset.playing")), 20, what="playing")
        assert page.evaluate("document.getElementById('screen').muted") is False
    finally:
        context.close()
