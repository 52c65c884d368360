"""End to end: an OPD's videotron request with a real video goes through the SOP 000 chain, the final
approval's publication reaches the target screens' playlists through a real RQ worker, for H-7..H+1."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.extensions import db
from hub.models import Item, Publication
from tests.media_factory import make_video
from tests.videotron_support import UTC, WIB, Clock, make_screen, probed_asset, titles_playing
from tests.workflow_support import assign, current_step, decide, people  # noqa: F401

EVENT = dt.date(2027, 3, 20)
CHAIN = ["receive", "verify_1", "verify_2", "verify_3", "approval"]


@pytest.fixture
def clock(app):
    clock = Clock(dt.datetime(2027, 3, 5, 2, 0, tzinfo=UTC))
    app.config["VIDEOTRON_NOW"] = clock
    return clock


@pytest.fixture
def request_item(app, clock, people, tmp_path):  # noqa: F811 - fixture
    from hub.items.service import attach_asset, create_item

    assign("videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"])
    path = make_video(tmp_path, width=1280, height=720, seconds=60, fps=2, audio=False, name="pekan-budaya.mp4")
    asset = probed_asset(path, people.pemohon)

    def _make(**fields) -> Item:
        item = create_item(
            people.pemohon,
            {
                "title": "Pekan Budaya Sumatera Barat",
                "kind": "video",
                "event_date": EVENT.isoformat(),
                "channels": [{"channel": "videotron", "options": {"screen_groups": ["kota-padang"]}}],
                **fields,
            },
        )
        attach_asset(item, people.pemohon, asset.id, "main")
        db.session.commit()
        return item

    return _make


def walk(item_id: int, people, upto: str = "approval") -> None:  # noqa: F811 - fixture argument
    deciders = {
        "receive": people.verifikator,
        "verify_1": people.verifikator,
        "verify_2": people.sub_koordinator,
        "verify_3": people.kepala_bidang,
        "approval": people.kepala_dinas,
    }
    for key in CHAIN[: CHAIN.index(upto) + 1]:
        assert current_step(item_id).step_key == key
        decide(item_id, deciders[key])


def test_an_approved_request_plays_on_its_screens_for_its_window(app, clock, people, request_item, run_jobs):  # noqa: F811
    from hub.workflow import engine

    padang = make_screen("padang-bappeda", groups=["kota-padang"])
    gubernur = make_screen("padang-kantor-gubernur", groups=["kota-padang"])
    solok = make_screen("solok-pandan", groups=["solok"])
    item = request_item()
    engine.submit(item.id, people.pemohon)
    walk(item.id, people)
    run_jobs()  # the final approval's publication, through the real publish job
    db.session.expire_all()
    pub = db.session.scalar(db.select(Publication).filter_by(item_id=item.id, channel="videotron"))
    assert pub.status == "published", pub.last_error
    assert sorted(pub.state["screens"]) == ["padang-bappeda", "padang-kantor-gubernur"]
    for screen in (padang, gubernur):
        assert titles_playing(screen, dt.datetime(2027, 3, 12, 23, 59, tzinfo=WIB)) == []
        assert titles_playing(screen, dt.datetime(2027, 3, 13, 0, 0, tzinfo=WIB)) == [item.title]
        assert titles_playing(screen, dt.datetime(2027, 3, 21, 23, 59, tzinfo=WIB)) == [item.title]
        assert titles_playing(screen, dt.datetime(2027, 3, 22, 0, 0, tzinfo=WIB)) == []
    assert titles_playing(solok, dt.datetime(2027, 3, 18, tzinfo=WIB)) == []


def test_a_longer_window_waits_for_the_approvers_public_need_exception(
    app,
    clock,
    people,  # noqa: F811 - fixture
    request_item,
    client,
    login,
):
    from hub.workflow import engine
    from hub.workflow.errors import ChecksFailed

    padang = make_screen("padang-bappeda", groups=["kota-padang"])
    item = request_item(window_start="2027-03-01T00:00:00+07:00")  # three weeks before the event
    submitted = engine.submit(item.id, people.pemohon)  # only a warning for the creator
    assert submitted.status == "in_review"
    walk(item.id, people, "verify_3")
    with pytest.raises(ChecksFailed) as blocked:
        decide(item.id, people.kepala_dinas)
    assert [p.rule for p in blocked.value.problems if p.severity == "error"] == ["videotron.window_too_long"]

    # the Kepala Dinas marks it as needed by the public (SOP 000) and urgent, on the item's videotron page
    page, marks = f"/videotron/items/{item.id}", f"/videotron/items/{item.id}/marks"
    both = {"public_need_exception": "1", "urgent": "1"}
    login(client, people.pemohon)
    assert "Simpan tanda" not in client.get(page).get_data(as_text=True)
    assert client.post(marks, data=both).status_code == 403  # the creator cannot claim the exception
    client.post("/logout")
    login(client, people.kepala_bidang)  # decided an earlier step; the current one is not theirs
    assert client.post(marks, data=both).status_code == 403
    client.post("/logout")
    login(client, people.kepala_dinas)
    assert "Simpan tanda" in client.get(page).get_data(as_text=True)
    assert client.post(marks, data=both).status_code == 302
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert item.extra["public_need_exception"] is True and item.extra["urgent"] is True
    from hub.models import AuditEntry

    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="videotron.item_marked"))
    assert entry.actor_id == people.kepala_dinas.id and entry.details == {"public_need_exception": True, "urgent": True}
    assert "serta-merta (diputar lebih dulu)" in client.get(f"/items/{item.id}").get_data(as_text=True)
    decide(item.id, people.kepala_dinas)
    settled = client.post(marks, data={})
    assert settled.status_code == 409  # approved: the marks are settled
    assert "tidak sedang menunggu keputusan" in settled.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Item, item.id).extra["urgent"] is True
    pub = db.session.scalar(db.select(Publication).filter_by(item_id=item.id, channel="videotron"))
    assert pub.scheduled_at == dt.datetime(2027, 3, 1, tzinfo=WIB)  # the dispatcher publishes at the window's start
    from hub.plugins import plugins  # ...which the test does not wait for: the hook as the due job calls it

    registry = plugins()
    registry.hook.publish(publication=pub, item=item, channel=registry.channels["videotron"])
    db.session.commit()
    assert titles_playing(padang, dt.datetime(2027, 3, 1, 0, 0, tzinfo=WIB)) == [item.title]
    from hub_videotron.models import PlaylistEntry

    assert db.session.scalar(db.select(PlaylistEntry.urgent).filter_by(item_id=item.id)) is True
    assert titles_playing(padang, dt.datetime(2027, 3, 21, 23, 59, tzinfo=WIB)) == [item.title]
    assert titles_playing(padang, dt.datetime(2027, 3, 22, 0, 0, tzinfo=WIB)) == []
