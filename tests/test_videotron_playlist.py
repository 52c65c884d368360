"""Videotron playlists: an approved item plays on its screens only inside H-7..H+1, in order,
within its dayparts; publishing is idempotent, unpublishing is immediate; the player's playlist
answers 304 when nothing changed and stops a revoked screen."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.exceptions import PermanentPublishError
from hub.extensions import db
from hub.models import ItemStatus, Publication
from tests.videotron_support import (
    UTC,
    WIB,
    Clock,
    make_screen,
    player_link,
    publish_directly,
    titles_playing,
    video_asset,
    videotron_item,
)

EVENT = dt.date(2027, 3, 20)


@pytest.fixture
def clock(app):
    clock = Clock(dt.datetime(2027, 3, 1, 3, 0, tzinfo=UTC))
    app.config["VIDEOTRON_NOW"] = clock
    return clock


@pytest.fixture
def creator(make_user):
    return make_user("citra", roles=["pembuat_konten"])


def wib(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=WIB)


def test_approved_item_plays_only_between_h_minus_7_and_h_plus_1_on_its_screens(app, clock, creator, run_jobs):
    """Through the real outbox and a real RQ worker: approval -> publication -> publish hook."""
    from hub.dispatch import create_publications, kick

    padang = make_screen("padang-bappeda", groups=["kota-padang"])
    gubernur = make_screen("padang-kantor-gubernur", groups=["kota-padang"])
    solok = make_screen("solok-pandan", groups=["solok"])
    sawahlunto = make_screen("sawahlunto-segitiga")
    asset = video_asset()
    item = videotron_item(creator, asset, groups=["kota-padang"], screens=["solok-pandan"], event_date=EVENT)
    item.status = ItemStatus.APPROVED.value
    create_publications(item)  # what the final approval does, in its transaction
    db.session.commit()
    clock.set(wib(5, 9))  # approved two weeks before the event: published at once, plays later
    assert kick([item.id]) == 1
    run_jobs()
    db.session.expire_all()
    pub = db.session.scalar(db.select(Publication).filter_by(item_id=item.id))
    assert pub.status == "published", pub.last_error
    assert pub.remote_id == f"videotron-{pub.id}"
    assert sorted(pub.state["screens"]) == ["padang-bappeda", "padang-kantor-gubernur", "solok-pandan"]

    title = item.title
    for screen in (padang, gubernur, solok):
        assert titles_playing(screen, wib(12, 23, 59)) == []  # H-8, one minute before the window
        assert titles_playing(screen, wib(13, 0, 0)) == [title]  # H-7 00:00 WIB
        assert titles_playing(screen, wib(20, 12)) == [title]  # the event day
        assert titles_playing(screen, wib(21, 23, 59)) == [title]  # H+1, last minute
        assert titles_playing(screen, wib(22, 0, 0)) == []  # H+2: it left by itself
    for moment in (wib(13), wib(20, 12), wib(21, 23)):
        assert titles_playing(sawahlunto, moment) == []  # never on a screen it was not targeted at


def test_the_players_playlist_follows_the_clock(app, clock, creator, client):
    screen = make_screen("padang-bappeda")
    token = player_link(screen)
    asset = video_asset()
    publish_directly(videotron_item(creator, asset, screens=[screen.code], event_date=EVENT))
    url = f"/videotron/player/{token}/playlist.json"

    clock.set(wib(12, 23, 59))
    before = client.get(url).get_json()
    assert before["playing"] == []
    assert [e["title"] for e in before["entries"]] == ["Pekan Budaya Sumatera Barat"]  # coming within 24 h
    clock.set(wib(13, 0, 1))
    during = client.get(url).get_json()
    assert len(during["playing"]) == 1 and during["entries"][0]["id"] == during["playing"][0]
    assert during["entries"][0]["url"] == f"/videotron/player/{token}/media/{asset.id}"
    clock.set(wib(22, 0, 1))
    assert client.get(url).get_json() | {"now": None, "version": None} == {
        "screen": {"code": "padang-bappeda", "name": screen.name, "timezone": "Asia/Jakarta"},
        "settings": {"poll_seconds": 15, "heartbeat_seconds": 30, "muted": True},
        "playing": [],
        "entries": [],
        "now": None,
        "version": None,
    }


def test_publish_twice_changes_nothing_and_unpublish_takes_it_off_at_once(app, clock, creator):
    from hub_videotron.models import PlaylistEntry

    from hub.plugins import plugins

    screen = make_screen("padang-bappeda")
    other = make_screen("solok-pandan")
    item = videotron_item(creator, video_asset(), screens=[screen.code, other.code], event_date=EVENT)
    clock.set(wib(15))
    pub, first = publish_directly(item)
    channel = plugins().channels["videotron"]
    again = plugins().hook.publish(publication=pub, item=item, channel=channel)  # a retry
    db.session.commit()
    assert again.remote_id == first.remote_id
    assert db.session.scalar(db.select(db.func.count(PlaylistEntry.id))) == 2
    assert titles_playing(screen, wib(16)) == [item.title]

    assert plugins().hook.unpublish(publication=pub, item=item, channel=channel) is True
    db.session.commit()
    assert titles_playing(screen, wib(15, 0, 1)) == []  # gone now, not at the end of its window
    assert titles_playing(other, wib(16)) == []


def test_order_urgent_first_then_priority_then_event_date(app, clock, creator):
    screen = make_screen("padang-bappeda")
    clock.set(wib(10))
    made = {}
    for title, fields in [
        ("Lomba Randai", {"priority": 3, "event_date": dt.date(2027, 3, 14)}),
        ("Festival Tabuik", {"priority": 2, "event_date": dt.date(2027, 3, 16)}),
        ("Pekan Imunisasi", {"priority": 2, "event_date": dt.date(2027, 3, 12)}),
        ("Peringatan Banjir", {"priority": 5, "urgent": True, "event_date": dt.date(2027, 3, 13)}),
    ]:
        made[title] = videotron_item(creator, video_asset(), screens=[screen.code], title=title, **fields)
        publish_directly(made[title])
    assert titles_playing(screen, wib(11, 12)) == [
        "Peringatan Banjir",  # urgent (serta-merta) interrupts and goes first, whatever its priority
        "Pekan Imunisasi",  # priority 2, nearer event
        "Festival Tabuik",  # priority 2, later event
        "Lomba Randai",  # priority 3
    ]


def test_dayparts_follow_the_screens_own_time_zone(app, clock, creator):
    padang = make_screen("padang-bappeda")  # the office's zone: WIB
    makassar = make_screen("kaltara-tugu", timezone="Asia/Makassar")  # WITA, one hour ahead
    evening = [{"start": "18:00", "end": "22:00"}]
    clock.set(wib(10))
    publish_directly(
        videotron_item(creator, video_asset(), screens=[padang.code, makassar.code], dayparts=evening, event_date=EVENT)
    )
    assert titles_playing(padang, wib(14, 17, 59)) == []
    assert titles_playing(padang, wib(14, 18, 0)) != []
    assert titles_playing(padang, wib(14, 21, 59)) != []
    assert titles_playing(padang, wib(14, 22, 0)) == []
    assert titles_playing(makassar, wib(14, 17, 0)) != []  # 18:00 WITA
    assert titles_playing(makassar, wib(14, 21, 0)) == []  # 22:00 WITA


def test_overnight_daypart(app, clock, creator):
    screen = make_screen("padang-bappeda")
    clock.set(wib(10))
    publish_directly(
        videotron_item(creator, video_asset(), screens=[screen.code], dayparts=[{"start": "20:00", "end": "02:00"}])
    )
    assert titles_playing(screen, wib(14, 23)) and titles_playing(screen, wib(15, 1, 59))
    assert not titles_playing(screen, wib(15, 2, 0)) and not titles_playing(screen, wib(15, 19, 59))


def test_playlist_answers_304_until_something_changes(app, clock, creator, client):
    screen = make_screen("padang-bappeda")
    token = player_link(screen)
    clock.set(wib(15))
    url = f"/videotron/player/{token}/playlist.json"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Referrer-Policy"] == "no-referrer"
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""

    pub, _result = publish_directly(videotron_item(creator, video_asset(), screens=[screen.code], event_date=EVENT))
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert len(changed.get_json()["playing"]) == 1
    assert client.get(url, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_a_revoked_or_rotated_secret_stops_the_player(app, clock, client):
    from hub_videotron.screens import issue_token, revoke_tokens

    screen = make_screen("padang-bappeda")
    old = player_link(screen)
    assert client.get(f"/videotron/player/{old}").status_code == 200
    new = issue_token(screen)  # rotate: the old link stops
    db.session.commit()
    assert client.get(f"/videotron/player/{new}/playlist.json").status_code == 200
    gone = client.get(f"/videotron/player/{old}/playlist.json")
    assert gone.status_code == 410 and gone.get_json()["error"] == "revoked"
    assert client.post(f"/videotron/player/{old}/heartbeat", json={}).status_code == 410
    assert client.get(f"/videotron/player/{old}").status_code == 410
    revoke_tokens(screen)
    db.session.commit()
    assert client.get(f"/videotron/player/{new}/playlist.json").status_code == 410
    assert client.get("/videotron/player/not-a-secret/playlist.json").status_code == 404


def test_player_media_serves_only_its_playlists_videos_with_ranges(app, clock, creator, client):
    screen = make_screen("padang-bappeda")
    stranger = make_screen("solok-pandan")
    token, other_token = player_link(screen), player_link(stranger)
    clock.set(wib(15))
    asset = video_asset(app.config["MEDIA_DIR"])
    publish_directly(videotron_item(creator, asset, screens=[screen.code], event_date=EVENT))
    whole = client.get(f"/videotron/player/{token}/media/{asset.id}")
    assert whole.status_code == 200 and whole.mimetype == "video/mp4"
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    part = client.get(f"/videotron/player/{token}/media/{asset.id}", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.get_data()) == 100
    assert client.get(f"/videotron/player/{other_token}/media/{asset.id}").status_code == 404


def test_publish_refuses_what_cannot_be_shown(app, clock, creator):
    make_screen("padang-bappeda")
    clock.set(wib(25))  # after the event's window
    with pytest.raises(PermanentPublishError, match="Masa tayang sudah berakhir") as ended:
        publish_directly(videotron_item(creator, video_asset(), screens=["padang-bappeda"], event_date=EVENT))
    assert "window ended" in ended.value.message_en
    db.session.rollback()
    clock.set(wib(10))
    with pytest.raises(PermanentPublishError) as none_active:
        publish_directly(videotron_item(creator, video_asset(), event_date=EVENT))
    assert "No active target screen" in none_active.value.message_en


def test_display_windows_on_the_calendar_for_those_who_see_the_item(app, clock, creator, make_org, make_user):
    from hub.plugins import plugins

    screen = make_screen("padang-bappeda")
    item = videotron_item(creator, video_asset(), screens=[screen.code], event_date=EVENT)
    publish_directly(item)
    start, end = wib(1).astimezone(UTC), wib(1, month=4).astimezone(UTC)
    entries = [e for r in plugins().hook.calendar_entries(start=start, end=end, user=creator) for e in r or []]
    mine = [e for e in entries if e.channel == "videotron"]
    assert [(e.title, e.start, e.end, e.url) for e in mine] == [
        (item.title, wib(13), wib(22), f"/videotron/items/{item.id}")
    ]
    outsider = make_user("putri", roles=["pemohon"], org=make_org("Dinas Kesehatan", kind="requester"))
    seen = [e for r in plugins().hook.calendar_entries(start=start, end=end, user=outsider) for e in r or []]
    assert [e for e in seen if e.channel == "videotron"] == []


def test_the_item_page_previews_the_screens_and_the_display_window(app, client, creator, make_user, login):
    make_screen("padang-bappeda", name="Kantor Bappeda Sumbar", groups=["kota-padang"])
    make_screen("solok-pandan", name="Perempatan Pandan")
    make_screen("sawahlunto-segitiga", name="Segitiga Sawahlunto")
    item = videotron_item(creator, video_asset(), groups=["kota-padang"], screens=["solok-pandan"], event_date=EVENT)
    login(client, make_user("kabid", roles=["kepala_bidang"]))
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    preview = page.split('data-channel="videotron"')[1].split("</article>")[0]
    assert "2 layar: Kantor Bappeda Sumbar, Perempatan Pandan" in preview and "Sawahlunto" not in preview
    assert "tayang 13-03-2027 00:00 – 22-03-2027 00:00" in preview  # H-7 .. end of H+1, office time
    assert preview.count('class="preview-part"') == 1


def test_screens_play_a_browser_playable_file_and_the_version_an_admin_asks_for(
    app, clock, creator, client, login, make_user, run_jobs, tmp_path, monkeypatch
):
    """A camera's MPEG-4 (or a phone's HEVC) does not play in the screen's browser: the player gets the
    H.264 preview, and once an admin asks, a copy at the screen's exact size cut to the one-minute limit."""
    from hub.media.jobs import make_derivatives
    from hub.media.probe import probe_video
    from tests import media_factory as mf
    from tests.videotron_support import probed_asset

    monkeypatch.setenv(
        "HUB_VIDEOTRON_DURATION_SECONDS", "2"
    )  # the "one-minute" limit, shortened to keep encoding quick
    screen = make_screen("padang-bappeda", width_px=192, height_px=128)
    token = player_link(screen)
    clock.set(wib(15))
    source = mf.make_video(tmp_path, width=320, height=180, seconds=3, codec="mpeg4", container="mov")
    asset = probed_asset(source, creator)
    assert asset.probe["browser_playable"] is False
    item = videotron_item(creator, asset, screens=[screen.code], event_date=EVENT)
    publish_directly(item)
    base = f"/videotron/player/{token}/media/{asset.id}"

    def entry_url():
        (entry,) = client.get(f"/videotron/player/{token}/playlist.json").get_json()["entries"]
        assert entry["mime"] == ("video/quicktime" if entry["url"] == base else "video/mp4")
        return entry["url"]

    assert entry_url() == base  # no preview yet: the original is all there is
    assert make_derivatives(asset.id) == ["poster", "thumbnail", "preview"]
    assert entry_url() == f"{base}/preview"
    served = client.get(f"{base}/preview")
    assert served.status_code == 200 and served.mimetype == "video/mp4"
    assert client.get(f"{base}/192x128-2s-contain").status_code == 404  # not asked for: nothing to serve
    assert client.get(f"{base}/..%2f..%2fsecret").status_code == 404

    url = f"/videotron/items/{item.id}"
    login(client, creator)
    assert client.post(f"{url}/versions").status_code == 403  # creators do not ask for renditions
    page = client.get(url).get_data(as_text=True)
    assert "Versi layar" in page and "pratinjau peramban" in page and "Siapkan versi layar" not in page
    client.post("/logout")
    login(client, make_user("adi", roles=["admin_videotron"]))
    assert "Siapkan versi layar" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/versions").status_code == 302
    run_jobs()
    db.session.refresh(asset)
    assert asset.derivatives["renditions"]["192x128-2s-contain"]["status"] == "ready"
    assert entry_url() == f"{base}/192x128-2s-contain"
    rendition = client.get(entry_url())
    assert rendition.status_code == 200 and rendition.mimetype == "video/mp4"
    saved = tmp_path / "rendition.mp4"
    saved.write_bytes(rendition.get_data())
    info = probe_video(saved, "mp4")
    assert (info.width, info.height, info.video_codec) == (192, 128, "h264")
    assert info.duration == pytest.approx(2.0, abs=0.25)
    assert "versi layar</td>" in client.get(url).get_data(as_text=True)  # what the screens play now
    # another screen does not get files of playlists it is not on
    other = player_link(make_screen("solok-pandan"))
    assert client.get(f"/videotron/player/{other}/media/{asset.id}/preview").status_code == 404


def test_the_files_of_a_shown_item_go_after_its_default_window_and_the_retention_days(app, clock, creator):
    """An item with only an event date gets the window H-7..H+1 on publishing; retention counts from its end."""
    from hub.media.retention import run_retention
    from hub.models import Asset

    make_screen("padang-bappeda")
    asset = video_asset(app.config["MEDIA_DIR"])
    item = videotron_item(creator, asset, screens=["padang-bappeda"], event_date=EVENT)
    assert item.window_end is None
    publish_directly(item)
    db.session.commit()
    assert (item.window_start, item.window_end) == (wib(13), wib(22))
    days = app.config["MEDIA_RETENTION_DAYS"] = 10
    assert run_retention(now=wib(22) + dt.timedelta(days=days - 1)).deleted == []
    report = run_retention(now=wib(22) + dt.timedelta(days=days + 1))
    assert report.deleted == [(asset.id, "period_ended")]
    assert db.session.get(Asset, asset.id).status == "deleted"


def test_an_approved_revision_updates_the_entries_with_the_new_video_and_screens(app, clock, creator):
    from hub_videotron.models import PlaylistEntry

    from hub.models import ItemAsset
    from hub.plugins import plugins

    padang = make_screen("padang-bappeda")
    solok = make_screen("solok-pandan")
    item = videotron_item(creator, video_asset(), screens=[padang.code], event_date=EVENT)
    clock.set(wib(15))
    pub, first = publish_directly(item)
    old_ids = set(db.session.scalars(db.select(PlaylistEntry.id)))

    # the revision: another video, one more screen (what the approved revision's publish job sees)
    new_video = video_asset()
    item.assets = [ItemAsset(asset_id=new_video.id, role="main")]
    item.target("videotron").options = {"screens": [padang.code, solok.code]}
    db.session.commit()
    channel = plugins().channels["videotron"]
    again = plugins().hook.publish(publication=pub, item=item, channel=channel)
    db.session.commit()

    assert again.remote_id == first.remote_id
    live = db.session.scalars(db.select(PlaylistEntry).where(PlaylistEntry.removed_at.is_(None))).all()
    assert {e.asset_id for e in live} == {new_video.id} and {e.screen_id for e in live} == {padang.id, solok.id}
    assert old_ids < {e.id for e in live}  # Padang's entry now shows the new video; Solok's is new
    assert titles_playing(solok, wib(16)) == [item.title] and len(titles_playing(padang, wib(16))) == 1
    # and a screen the next revision drops is taken off at once
    item.target("videotron").options = {"screens": [solok.code]}
    db.session.commit()
    plugins().hook.publish(publication=pub, item=item, channel=channel)
    db.session.commit()
    assert titles_playing(padang, wib(16)) == [] and titles_playing(solok, wib(16)) == [item.title]


def _poll(client, url, etag=None):
    return client.get(url, headers={"If-None-Match": etag} if etag else {})


def test_the_feed_version_moves_with_everything_a_feed_shows(app, clock, creator, client):
    from hub_videotron.monitor import record_heartbeat

    from hub.models import Setting
    from hub.plugins import plugins

    screen = make_screen("padang-bappeda")
    other = make_screen("solok-pandan")
    token = player_link(screen)
    url = f"/videotron/player/{token}/playlist.json"
    clock.set(wib(15))

    def version(of=screen):
        db.session.expire_all()
        return of.feed_version

    etag = _poll(client, url).headers["ETag"]
    seen = [version()]

    def changed():
        """The version moved and the poll with the last ETag answers 200 with a new one."""
        nonlocal etag
        seen.append(version())
        assert seen[-1] > seen[-2], seen
        response = _poll(client, url, etag)
        assert response.status_code == 200 and response.headers["ETag"] != etag
        etag = response.headers["ETag"]
        assert _poll(client, url, etag).status_code == 304

    item = videotron_item(creator, video_asset(), screens=[screen.code], event_date=EVENT)
    pub, _ = publish_directly(item)  # entry added
    changed()
    assert version(other) == 0  # another screen's entries are not this one's
    item.title = "Pekan Budaya 2027"  # a title the feed shows
    db.session.commit()
    changed()
    db.session.add(Setting(namespace="videotron", key="poll_seconds", value=20))  # a setting
    db.session.commit()
    changed()
    assert _poll(client, url).get_json()["settings"]["poll_seconds"] == 20
    screen.name = "Videotron Bappeda"  # the screen's own fields
    db.session.commit()
    changed()
    record_heartbeat(screen, {"now_playing": None})  # what the player reports is not in its feed
    db.session.commit()
    assert version() == seen[-1] and _poll(client, url, etag).status_code == 304
    item.assets[0].asset.status = "deleted"  # its video is gone
    db.session.commit()
    changed()
    assert _poll(client, url).get_json()["entries"] == []
    item.assets[0].asset.status = "ready"
    db.session.commit()
    changed()
    channel = plugins().channels["videotron"]
    plugins().hook.unpublish(publication=pub, item=item, channel=channel)  # entry removed (withdrawn)
    db.session.commit()
    changed()
    assert _poll(client, url).get_json()["entries"] == []


def test_the_etag_follows_the_clock_without_a_version_change(app, clock, creator, client):
    """An entry coming within the look-ahead, starting, leaving its daypart and ending changes the feed."""
    screen = make_screen("padang-bappeda")
    token = player_link(screen)
    url = f"/videotron/player/{token}/playlist.json"
    daytime = [{"start": "06:00", "end": "22:00"}]
    publish_directly(videotron_item(creator, video_asset(), screens=[screen.code], event_date=EVENT, dayparts=daytime))
    db.session.expire_all()
    version = screen.feed_version
    moments = [
        (wib(11, 12), 0, 0),  # window starts at wib(13): not yet within 24 h
        (wib(12, 12), 1, 0),  # within the look-ahead
        (wib(13, 7), 1, 1),  # started, inside its daypart
        (wib(13, 22, 30), 1, 0),  # out of its daypart
        (wib(14, 6, 30), 1, 1),  # back in
        (wib(22, 0, 1), 0, 0),  # ended
    ]
    etag = None
    for moment, listed, playing in moments:
        clock.set(moment)
        response = _poll(client, url, etag)
        assert response.status_code == 200, moment
        body = response.get_json()
        assert (len(body["entries"]), len(body["playing"])) == (listed, playing), moment
        etag = response.headers["ETag"]
        clock.set(moment + dt.timedelta(minutes=10))  # within the same span: nothing to send
        assert _poll(client, url, etag).status_code == 304, moment
    db.session.expire_all()
    assert screen.feed_version == version


def test_a_player_holding_a_fresh_etag_is_still_stopped_at_once(app, clock, client):
    """The 304 path answers from one statement and the feed this process built: a revoked secret or
    a screen switched off is seen at the very next poll, ETag or not."""
    from hub_videotron.screens import revoke_tokens

    from tests.query_counter import count_statements

    screens = [make_screen("padang-bappeda"), make_screen("solok-pandan")]
    urls = [f"/videotron/player/{player_link(s)}/playlist.json" for s in screens]
    etags = [client.get(url).headers["ETag"] for url in urls]
    with count_statements() as seen:
        assert client.get(urls[0], headers={"If-None-Match": etags[0]}).status_code == 304
    assert len(seen) == 1, seen

    revoke_tokens(screens[0])
    screens[1].active = False
    db.session.commit()
    gone = client.get(urls[0], headers={"If-None-Match": etags[0]})
    assert gone.status_code == 410 and gone.get_json()["error"] == "revoked"
    off = client.get(urls[1], headers={"If-None-Match": etags[1]})
    assert off.status_code == 410 and off.get_json()["error"] == "inactive"
