"""Monitoring: heartbeats and proof of play from players, the technicians' monitor, silent-screen
alerts and incidents, screen management and player links, commands and demo data."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from hub.extensions import db
from hub.models import utcnow
from tests.videotron_support import UTC, Clock, make_screen, player_link, publish_directly, video_asset, videotron_item

T0 = dt.datetime(2027, 3, 15, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(app):
    clock = Clock(T0)
    app.config["VIDEOTRON_NOW"] = clock
    return clock


@pytest.fixture
def playing(app, clock, make_user):
    """A screen with a player link and one item in its playlist."""
    creator = make_user("citra", roles=["pembuat_konten"])
    screen = make_screen("padang-bappeda", "Kantor Bappeda Sumbar")
    token = player_link(screen)
    item = videotron_item(creator, video_asset(), screens=[screen.code], event_date=dt.date(2027, 3, 18))
    pub, _result = publish_directly(item)
    from hub_videotron.models import PlaylistEntry

    entry = db.session.scalar(db.select(PlaylistEntry).filter_by(publication_id=pub.id))
    return screen, token, entry


def play(entry_id: int, started: dt.datetime, seconds: float = 60.0, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "entry_id": entry_id,
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "ended_at": (started + dt.timedelta(seconds=seconds)).isoformat(),
        "duration": seconds,
        "completed": True,
        **extra,
    }


def test_heartbeat_marks_the_screen_online_with_what_it_plays_and_its_last_error(playing, clock, client):
    from hub_videotron.records import Heartbeat
    from hub_videotron.screens import is_online

    screen, token, entry = playing
    assert not is_online(screen)
    answer = client.post(
        f"/videotron/player/{token}/heartbeat",
        json={"now_playing": entry.id, "error": "media error 3 on entry 9", "version": "player-1", "cached": 1},
        headers={"User-Agent": "Chromium kiosk"},
    )
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    db.session.refresh(screen)
    assert screen.last_seen_at == T0 and is_online(screen, T0 + dt.timedelta(seconds=89))
    assert not is_online(screen, T0 + dt.timedelta(seconds=91))
    assert screen.now_playing_item_id == entry.item_id and screen.last_error == "media error 3 on entry 9"
    assert screen.player_info == {"version": "player-1", "cached": 1, "user_agent": "Chromium kiosk"}
    client.post(f"/videotron/player/{token}/heartbeat", json={"now_playing": None})  # 0 s later: no new row
    clock.set(T0 + dt.timedelta(seconds=30))
    client.post(f"/videotron/player/{token}/heartbeat", json={"now_playing": None})
    assert db.session.scalar(db.select(db.func.count(Heartbeat.id))) == 2
    db.session.refresh(screen)
    assert screen.last_error == "media error 3 on entry 9"  # the last error stays until another comes
    assert client.post(f"/videotron/player/{token}/heartbeat", data="x").status_code == 400


def test_proof_of_play_counts_once_and_refuses_what_is_not_this_screens(playing, clock, client, make_user):
    from hub_videotron.records import PlayRecord

    screen, token, entry = playing
    other = make_screen("solok-pandan")
    other_item = videotron_item(make_user("dewi", roles=["pembuat_konten"]), video_asset(), screens=[other.code])
    publish_directly(other_item)
    from hub_videotron.models import PlaylistEntry

    foreign = db.session.scalar(db.select(PlaylistEntry).filter_by(screen_id=other.id))
    good = [play(entry.id, T0 - dt.timedelta(minutes=m)) for m in (3, 2, 1)]
    batch = [*good, play(foreign.id, T0), {"id": "nope"}, play(entry.id, T0, started_at="yesterday")]
    answer = client.post(f"/videotron/player/{token}/plays", json={"plays": batch}).get_json()
    assert sorted(answer["accepted"]) == sorted(p["id"] for p in good)
    assert sorted(r["reason"] for r in answer["rejected"]) == ["bad_id", "bad_time", "unknown_entry"]
    # the player resends its queue (it never saw the answer): nothing is counted twice
    again = client.post(f"/videotron/player/{token}/plays", json={"plays": good}).get_json()
    assert sorted(again["accepted"]) == sorted(p["id"] for p in good)
    rows = db.session.scalars(db.select(PlayRecord).order_by(PlayRecord.started_at)).all()
    assert [(r.screen_id, r.item_id, r.duration, r.item_title) for r in rows] == [
        (screen.id, entry.item_id, 60.0, "Pekan Budaya Sumatera Barat")
    ] * 3
    assert client.post(f"/videotron/player/{token}/plays", json={"plays": "x"}).status_code == 400


def test_a_silent_screen_opens_an_incident_and_alerts_admins_and_technicians_once(playing, clock, make_user):
    from zoneinfo import ZoneInfo

    from hub_videotron.monitor import check_screens, record_heartbeat
    from hub_videotron.records import Incident

    from hub.dates import format_moment
    from hub.notify.models import Notification

    WIB = ZoneInfo("Asia/Jakarta")  # noqa: N806 - the demo screens' zone
    screen, _token, _entry = playing
    admin = make_user("adminvt", roles=["admin_videotron"])
    tech = make_user("teknisi", roles=["teknisi"])
    make_user("citra2", roles=["pembuat_konten"])
    record_heartbeat(screen, {}, at=T0)
    db.session.commit()
    assert check_screens(T0 + dt.timedelta(minutes=9)) == []  # setting alert_after_minutes: 10
    opened = check_screens(T0 + dt.timedelta(minutes=10, seconds=1))
    assert [(i.screen_id, i.kind, i.status) for i in opened] == [(screen.id, "offline", "open")]
    assert check_screens(T0 + dt.timedelta(minutes=30)) == []  # alerted once per silence
    notes = db.session.scalars(db.select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.kind, n.url) for n in notes] == [
        (admin.id, "videotron_silent", f"/videotron/screens/{screen.id}"),
        (tech.id, "videotron_silent", f"/videotron/screens/{screen.id}"),
    ]
    assert "Kantor Bappeda Sumbar" in notes[0].title_id and "silent" in notes[0].title_en
    # one language per message, the moment in the screen's zone as people write it
    since_id, since_en = format_moment(T0, WIB, "id", "long"), format_moment(T0, WIB, "en", "long")
    assert f"sejak {since_id}." in notes[0].body_id and "UTC" not in notes[0].body_id
    assert f"since {since_en}." in notes[0].body_en and " / " not in notes[0].body_en
    incident = opened[0]
    assert incident.title_in("id") == f"Layar tidak melapor sejak {format_moment(T0, WIB, 'id')}"
    assert incident.title_in("en") == f"Screen silent since {format_moment(T0, WIB, 'en')}"

    back = T0 + dt.timedelta(minutes=40)
    record_heartbeat(screen, {}, at=back)  # it reports again
    db.session.commit()
    incident = db.session.scalar(db.select(Incident))
    assert incident.recovered_at == back and incident.status == "open"  # a person records the resolution
    # a new silence after the recovery is a new incident, alerted again
    assert len(check_screens(back + dt.timedelta(minutes=11))) == 1
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 4
    assert db.session.scalar(db.select(db.func.count(Incident.id))) == 2


def test_screens_without_a_player_link_are_not_alerted(app, clock):
    from hub_videotron.monitor import check_screens

    make_screen("padang-bappeda")  # never given a link: it cannot report
    assert check_screens(T0 + dt.timedelta(days=1)) == []


def test_the_watch_checks_and_schedules_its_next_run(playing, clock):
    from hub_videotron.alerts import schedule_watch, watch_screens
    from rq.registry import ScheduledJobRegistry

    from hub.queue import get_queue

    screen, _token, _entry = playing
    clock.set(utcnow() + dt.timedelta(days=1))
    assert watch_screens() == 1  # the playing screen never reported in a day
    scheduled = ScheduledJobRegistry(queue=get_queue()).get_job_ids()
    assert len(scheduled) == 1 and scheduled[0].startswith("videotron-watch-")
    # one run per minute: a second chain scheduling the same minute is refused, so chains merge
    minute = dt.datetime.fromtimestamp((int(utcnow().timestamp()) // 60 + 10) * 60, UTC)
    assert schedule_watch(minute + dt.timedelta(seconds=5)) is True
    assert schedule_watch(minute + dt.timedelta(seconds=50)) is False
    assert len(ScheduledJobRegistry(queue=get_queue()).get_job_ids()) == 2


def test_monitor_page_shows_each_screen_state_to_technicians_only(playing, clock, client, login, make_user):
    screen, token, entry = playing
    idle = make_screen("solok-pandan", "Perempatan Pandan")
    player_link(idle)
    client.post(f"/videotron/player/{token}/heartbeat", json={"now_playing": entry.id, "error": "cache full"})
    creator = make_user("dewi", roles=["pembuat_konten"])
    login(client, creator)
    assert client.get("/videotron/monitor").status_code == 403
    client.post("/logout")
    login(client, make_user("teknisi", roles=["teknisi"]))
    page = client.get("/videotron/monitor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split('data-screen="padang-bappeda"')[1].split("</tr>")[0]
    assert "badge-published" in row  # online
    assert "Pekan Budaya Sumatera Barat" in row and "cache full" in row
    other = html.split('data-screen="solok-pandan"')[1].split("</tr>")[0]
    assert "badge-failed" in other


def test_incidents_are_recorded_and_resolved_on_the_screen(playing, client, login, make_user):
    from hub_videotron.records import Incident

    from hub.models.audit import AuditEntry

    screen, _token, _entry = playing
    login(client, make_user("teknisi", roles=["teknisi"]))
    resp = client.post(
        f"/videotron/screens/{screen.id}/incidents",
        data={"kind": "display", "title": "Panel kiri mati", "description": "Modul LED baris 3"},
    )
    assert resp.status_code == 302
    incident = db.session.scalar(db.select(Incident))
    assert (incident.kind, incident.title, incident.status) == ("display", "Panel kiri mati", "open")
    assert client.post(f"/videotron/incidents/{incident.id}/resolve", data={"resolution": ""}).status_code == 302
    db.session.refresh(incident)
    assert incident.status == "open"  # a resolution must say what was done
    client.post(f"/videotron/incidents/{incident.id}/resolve", data={"resolution": "Modul LED diganti"})
    db.session.refresh(incident)
    assert incident.status == "resolved" and incident.resolution == "Modul LED diganti"
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action.like("videotron.%"))).all()
    assert actions == ["videotron.incident_opened", "videotron.incident_resolved"]
    assert "Modul LED diganti" in client.get(f"/videotron/screens/{screen.id}").get_data(as_text=True)


def test_screen_management_and_a_player_link_shown_once(app, client, login, make_user):
    from hub_videotron.models import Screen, ScreenGroup, ScreenToken

    login(client, make_user("adminvt", roles=["admin_videotron"]))
    client.post("/videotron/groups", data={"code": "kota-padang", "name": "Kota Padang"})
    group_id = db.session.scalar(db.select(ScreenGroup.id).filter_by(code="kota-padang"))
    form = {
        "code": "padang-bappeda",
        "name": "Kantor Bappeda Sumbar",
        "city": "Kota Padang",
        "latitude": "-0.9118",
        "longitude": "100.3558",
        "width_px": "1920",
        "height_px": "1280",
        "width_m": "6",
        "height_m": "4",
        "orientation": "landscape",
        "timezone": "Asia/Jakarta",
        "active": "on",
        "groups": [str(group_id)],
    }
    bad = client.post("/videotron/screens/new", data={**form, "code": "Padang Bappeda!", "timezone": "Mars/Base"})
    assert bad.status_code == 422 and db.session.scalar(db.select(db.func.count(Screen.id))) == 0
    created = client.post("/videotron/screens/new", data=form)
    assert created.status_code == 302
    screen = db.session.scalar(db.select(Screen))
    assert (screen.size, screen.resolution, [g.code for g in screen.groups]) == (
        "6 m × 4 m",
        "1920×1280",
        ["kota-padang"],
    )

    page = client.post(f"/videotron/screens/{screen.id}/secret", data={"action": "issue"})
    assert page.headers["Cache-Control"] == "no-store"
    url = page.get_data(as_text=True).split('id="player-url" class="wide" readonly value="')[1].split('"')[0]
    token = url.rsplit("/", 1)[1]
    assert client.get(f"/videotron/player/{token}").status_code == 200
    stored = db.session.scalar(db.select(ScreenToken))
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only the hash is kept
    assert token not in client.get(f"/videotron/screens/{screen.id}").get_data(as_text=True)
    client.post(f"/videotron/screens/{screen.id}/secret", data={"action": "revoke"})
    assert client.get(f"/videotron/player/{token}").status_code == 410


def test_commands_list_screens_issue_links_and_check(app, runner, clock):
    make_screen("padang-bappeda")
    result = runner.invoke(args=["videotron", "link", "padang-bappeda"])
    assert result.exit_code == 0 and "/videotron/player/" in result.output
    listing = runner.invoke(args=["videotron", "screens"])
    assert "padang-bappeda" in listing.output and "link" in listing.output
    assert runner.invoke(args=["videotron", "revoke", "padang-bappeda"]).output.startswith("1 ")
    assert runner.invoke(args=["videotron", "link", "nowhere"]).exit_code != 0


def test_demo_data_loads_the_nine_sumbar_screens_once(app):
    from hub_videotron.demo import load_screens
    from hub_videotron.models import Screen, ScreenGroup

    assert load_screens() == 9
    db.session.commit()
    assert load_screens() == 0
    screens = db.session.scalars(db.select(Screen).order_by(Screen.code)).all()
    assert len(screens) == 9 and {s.size for s in screens} == {"6 m × 4 m"}
    assert {s.city for s in screens} == {
        "Kota Padang",
        "Kota Solok",
        "Kabupaten Solok",
        "Kota Sawahlunto",
        "Kabupaten Pasaman",
    }
    semua = db.session.scalar(db.select(ScreenGroup).filter_by(code="semua"))
    assert len(semua.screens) == 9


def test_a_technicians_dashboard_restarts_the_silence_watch(app, clock, client, login, make_user):
    """With every screen silent no heartbeat restarts the watch after Redis was emptied; the dashboard does."""
    from hub_videotron.alerts import _WATCH_KEY
    from rq.registry import ScheduledJobRegistry

    from hub.queue import get_queue, redis_connection

    redis_connection().delete(_WATCH_KEY)
    login(client, make_user("dewi", roles=["pembuat_konten"]))
    assert client.get("/").status_code == 200
    assert redis_connection().get(_WATCH_KEY) is None  # people who do not monitor screens start nothing
    client.post("/logout")
    login(client, make_user("teknisi", roles=["teknisi"]))
    assert client.get("/").status_code == 200
    assert redis_connection().get(_WATCH_KEY) is not None
    scheduled = ScheduledJobRegistry(queue=get_queue()).get_job_ids()
    assert [j for j in scheduled if j.startswith("videotron-watch-")]


def test_the_screen_count_reads_right_in_both_languages_for_one_screen(app):
    from flask import render_template_string, session
    from flask_babel import refresh

    expected = {"en": ("1 screen online", "2 screens online"), "id": ("1 layar daring", "2 layar daring")}
    tpl = '{{ ngettext("%(num)d screen online", "%(num)d screens online", n) }}'
    for lang, (one, many) in expected.items():
        with app.test_request_context("/"):
            session["lang"] = lang
            refresh()
            assert render_template_string(tpl, n=1) == one
            assert render_template_string(tpl, n=2) == many
