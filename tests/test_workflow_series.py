"""Series (issue 17 part 4): a recurring item passes the approval chain once and each occurrence
is published at its own time, exactly once; one occurrence is cancelled or moved on its own; the
rule is changed after approval only through a revision; the calendar shows each occurrence."""

from __future__ import annotations

import datetime as dt

import pytest

from hub import hookimpl
from hub.channels import Channel
from hub.extensions import db
from hub.models import Item, ItemOccurrence, Publication, PublicationStatus, utcnow
from hub.models.audit import AuditEntry
from hub.workflow import engine
from hub.workflow.errors import DecisionConflict, InvalidRequest
from tests import stub_channel, workflow_support
from tests.dispatch_support import FAST, drive, publications
from tests.query_counter import count_statements
from tests.workflow_support import assign, current_step, decide, new_item

people = workflow_support.people  # the fixture
CHAIN = {
    "receive": "verifikator",
    "verify_1": "verifikator",
    "verify_2": "sub_koordinator",
    "verify_3": "kepala_bidang",
    "approval": "kepala_dinas",
}
WEEK = dt.timedelta(weeks=1)


@pytest.fixture
def svc():
    with stub_channel.StubService() as service:
        yield service


@pytest.fixture
def app(make_app, svc):
    app = make_app(EXTRA_PLUGINS=[stub_channel], STUB_CHANNEL_URL=svc.url, **FAST)
    with app.app_context():
        yield app


@pytest.fixture
def flow(people):
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["stub"]
    )


def series_item(people, first: dt.datetime, **rule) -> Item:
    """A weekly series of four from ``first`` (``rule`` changes it; ``until`` replaces the count)."""
    rule = {"freq": "weekly", **({} if "until" in rule else {"count": 4}), **rule}
    return new_item(
        people.pemohon,
        channels=[{"channel": "stub", "options": {"accounts": ["pemprov"]}}],
        title="Iklan layanan publik mingguan",
        publish_at=first.isoformat(),
        recurrence={k: v for k, v in rule.items() if v is not None},
    )


def approve(item: Item, people) -> None:
    """Submit the series and walk it through the chain once."""
    engine.submit(item.id, people.pemohon)
    walk(item, people)


def walk(item: Item, people) -> None:
    for key, who in CHAIN.items():
        assert current_step(item.id).step_key == key
        decide(item.id, getattr(people, who))


def occurrence_pubs(item_id: int) -> list[Publication]:
    return sorted(publications(item_id), key=lambda p: p.occurrence)


def test_a_weekly_series_of_four_approved_once_publishes_four_times_once_each(app, svc, people, flow):
    first = (utcnow() - 3 * WEEK - dt.timedelta(hours=1)).replace(microsecond=0)
    item = series_item(people, first)
    assert [o.starts_at for o in db.session.scalars(db.select(ItemOccurrence).order_by(ItemOccurrence.number))] == [
        first + n * WEEK for n in range(4)
    ]
    approve(item, people)

    pubs = occurrence_pubs(item.id)
    assert [p.occurrence for p in pubs] == [1, 2, 3, 4]
    assert [p.scheduled_at for p in pubs] == [first + n * WEEK for n in range(4)]
    assert len({p.idempotency_key for p in pubs}) == 4
    decisions = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "item.decision", AuditEntry.actor_id.isnot(None))
    ).all()
    assert len(decisions) == len(CHAIN)  # the chain was passed once, not per occurrence

    drive(app, lambda: all(p.status == PublicationStatus.PUBLISHED.value for p in publications(item.id)))
    for pub in occurrence_pubs(item.id):
        assert svc.count(pub.idempotency_key) == 1  # exactly once each
        assert pub.published_at >= pub.scheduled_at  # never before its time
    assert len(svc.posts) == 4
    drive(app, lambda: current_step(item.id) is None)  # the publish step closed after the last occurrence


def test_cancelling_occurrence_three_leaves_three_publications(app, svc, people, flow):
    from hub.items.series import cancel_occurrence, move_occurrence

    first = (utcnow() - 3 * WEEK - dt.timedelta(hours=1)).replace(microsecond=0)
    item = series_item(people, first)
    approve(item, people)
    cancel_occurrence(db.session.get(Item, item.id), 3, people.pemohon)

    drive(
        app,
        lambda: all(
            p.status == (PublicationStatus.CANCELLED if p.occurrence == 3 else PublicationStatus.PUBLISHED).value
            for p in publications(item.id)
        ),
    )
    pubs = occurrence_pubs(item.id)
    assert len(svc.posts) == 3
    assert [svc.count(p.idempotency_key) for p in pubs] == [1, 1, 0, 1]
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "item.occurrence_cancelled")).all()
    assert entry.details["occurrence"] == 3 and entry.actor_id == people.pemohon.id
    assert (
        db.session.scalar(
            db.select(ItemOccurrence.status).where(ItemOccurrence.item_id == item.id, ItemOccurrence.number == 3)
        )
        == "cancelled"
    )
    with pytest.raises(DecisionConflict):  # an occurrence that has gone out is history
        cancel_occurrence(db.session.get(Item, item.id), 2, people.pemohon)
    with pytest.raises(DecisionConflict):
        move_occurrence(db.session.get(Item, item.id), 4, utcnow(), people.pemohon)


def test_future_occurrences_wait_for_their_own_times_and_one_can_be_moved(app, svc, people, flow):
    from hub.dispatch.scheduler import take_over_if_dead
    from hub.items.series import move_occurrence
    from hub.jobs import run_worker
    from hub.queue import get_queue

    first = (utcnow() + dt.timedelta(days=1)).replace(microsecond=0)
    item = series_item(people, first)
    approve(item, people)
    queue = get_queue()
    scheduled = queue.connection.zrange(queue.scheduled_job_registry.key, 0, -1, withscores=True)
    times = sorted(int(score) for job, score in scheduled if job.decode().startswith("hub-pub-"))
    assert times == [int((first + n * WEEK).timestamp()) for n in range(4)]
    take_over_if_dead("test-driver")
    if queue.count:
        run_worker(app, burst=True, with_scheduler=False, maintenance=False)
    assert svc.posts == {}  # nothing is due yet

    # occurrence 2 is moved to now: it alone goes out, at its new time
    move_occurrence(db.session.get(Item, item.id), 2, utcnow() - dt.timedelta(seconds=1), people.pemohon)
    drive(app, lambda: any(p.status == PublicationStatus.PUBLISHED.value for p in publications(item.id)))
    pubs = occurrence_pubs(item.id)
    assert [p.status for p in pubs] == ["queued", "published", "queued", "queued"]
    assert len(svc.posts) == 1 and svc.count(pubs[1].idempotency_key) == 1
    occ = db.session.scalar(db.select(ItemOccurrence).where(ItemOccurrence.number == 2))
    assert occ.status == "changed" and occ.rule_starts_at == first + WEEK
    assert db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action == "item.occurrence_moved")).all()


def test_changing_the_rule_after_approval_is_a_revision_through_the_chain(app, svc, people, flow):
    from hub.items.series import open_revision
    from hub.items.service import update_item
    from hub.workflow.errors import NotAllowed

    first = (utcnow() + dt.timedelta(days=1)).replace(microsecond=0)
    item = series_item(people, first)
    approve(item, people)
    with pytest.raises(NotAllowed):  # an approved series is not edited in place
        update_item(db.session.get(Item, item.id), people.pemohon, {"recurrence": {"freq": "weekly", "count": 2}})
    db.session.rollback()

    open_revision(item.id, people.pemohon)
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "returned"
    assert {p.status for p in publications(item.id)} == {"cancelled"}  # nothing goes out meanwhile
    update_item(db.session.get(Item, item.id), people.pemohon, {"recurrence": {"freq": "weekly", "count": 2}})
    engine.submit(item.id, people.pemohon)
    walk(item, people)  # every step again
    pubs = occurrence_pubs(item.id)
    assert [(p.occurrence, p.status) for p in pubs] == [
        (1, "queued"),
        (2, "queued"),
        (3, "cancelled"),  # no longer in the rule
        (4, "cancelled"),
    ]
    assert [p.scheduled_at for p in pubs[:2]] == [first, first + WEEK]


def test_bad_rules_get_clear_errors(app, people, flow):
    start = utcnow() + dt.timedelta(days=1)
    cases = [
        ({"freq": "weekly", "count": 53}, "recurrence.count", "1 to 52"),
        ({"freq": "weekly", "until": (start + 60 * WEEK).date().isoformat()}, "recurrence.until", "more than 52"),
        ({"freq": "weekly", "until": (start - WEEK).date().isoformat()}, "recurrence.until", "ends before"),
        ({"freq": "daily", "count": 3}, "recurrence.freq", "weekly or monthly"),
        ({"freq": "weekly", "count": None}, "recurrence.count", "number of times"),
    ]
    for rule, field, words in cases:
        with pytest.raises(InvalidRequest) as caught:
            series_item(people, start, **rule)
        assert caught.value.details["field"] == field and words in caught.value.message("en"), (rule, caught.value)
        db.session.rollback()
    with pytest.raises(InvalidRequest) as caught:
        new_item(people.pemohon, channels=["stub"], recurrence={"freq": "monthly", "count": 3})
    assert caught.value.details["field"] == "publish_at"
    assert db.session.scalar(db.select(db.func.count(Item.id))) == 0  # nothing half-written


def test_monthly_keeps_the_day_and_the_office_time(app, people, flow):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(app.config["TIMEZONE"])
    first = dt.datetime(2027, 1, 15, 9, 30, tzinfo=tz)
    item = series_item(people, first, freq="monthly", count=3)
    times = [o.starts_at.astimezone(tz) for o in db.session.scalars(db.select(ItemOccurrence).order_by("number"))]
    assert [(t.month, t.day, t.hour, t.minute) for t in times] == [(1, 15, 9, 30), (2, 15, 9, 30), (3, 15, 9, 30)]
    assert item.recurrence == {"freq": "monthly", "interval": 1, "count": 3}


def test_the_calendar_and_the_item_page_show_each_occurrence_in_constant_queries(app, client, login, people, flow):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(app.config["TIMEZONE"])
    first = dt.datetime(2027, 3, 1, 8, 0, tzinfo=tz)
    login(client, people.pemohon)
    counts = {}
    for n in (4, 16):
        item = new_item(
            people.pemohon,
            channels=[{"channel": "stub", "options": {"accounts": ["pemprov"]}}],
            title=f"Rapat koordinasi {n}",
            publish_at=first.isoformat(),
            recurrence={"freq": "weekly", "count": n},
        )
        approve(item, people)
        client.get("/calendar?month=2027-03")
        with count_statements() as seen:
            response = client.get("/calendar?month=2027-03")
        html = response.get_data(as_text=True)
        assert html.count(f"Rapat koordinasi {n}") == min(n, 5)  # each Monday of March 2027 the series has
        calendar = len(seen)
        client.get(f"/items/{item.id}")
        with count_statements() as seen:
            page = client.get(f"/items/{item.id}").get_data(as_text=True)
        assert page.count("data-occurrence=") == n
        counts[n] = (calendar, len(seen))
    assert counts[4] == counts[16], counts  # the calendar and the item page cost the same with 4 or 16


def test_the_form_makes_a_series_and_the_item_page_cancels_one_occurrence(app, client, login, people, flow):
    login(client, people.pemohon)
    form = client.get("/items/new").get_data(as_text=True)
    assert 'name="repeat_freq"' in form and "Tidak berulang" in form
    base = {
        "title": "Rapat koordinasi Senin",
        "kind": "video",
        "body": "Rapat koordinasi mingguan.",
        "priority": "3",
        "channel": ["stub"],
        "publish_at": "2027-03-01T08:00",
        "repeat_freq": "weekly",
        "repeat_interval": "1",
    }
    bad = client.post("/items/new", data={**base, "repeat_count": "60"})
    assert bad.status_code == 422 and "Jumlah kali 1 sampai 52." in bad.get_data(as_text=True)
    assert 'value="Rapat koordinasi Senin"' in bad.get_data(as_text=True)  # nothing the person typed is lost
    resp = client.post("/items/new", data={**base, "repeat_count": "3"})
    assert resp.status_code == 302
    item = db.session.scalars(db.select(Item)).one()
    assert item.recurrence == {"freq": "weekly", "interval": 1, "count": 3}
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert page.count("data-occurrence=") == 3 and "Jadwal seri" in page
    resp = client.post(f"/items/{item.id}/occurrences/2/cancel")
    assert resp.status_code == 302
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'data-occurrence="2" data-status="cancelled"' in page


def test_the_api_reads_and_changes_occurrences(app, client, people, flow, api_headers):
    headers = api_headers(people.pemohon)
    resp = client.post(
        "/api/v1/items",
        json={
            "title": "Pembaruan informasi PPID",
            "kind": "video",
            "channels": ["stub"],
            "publish_at": "2027-01-31T10:00",
            "recurrence": {"freq": "monthly", "until": "2027-06-30"},
        },
        headers=headers,
    )
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    item_id = data["id"]
    assert data["recurrence"] == {"freq": "monthly", "interval": 1, "until": "2027-06-30"}
    got = client.get(f"/api/v1/items/{item_id}", headers=headers).get_json()
    # the 31st: months without one are skipped (January, March, May)
    assert [o["starts_at"][:10] for o in got["occurrences"]] == ["2027-01-31", "2027-03-31", "2027-05-31"]
    moved = client.post(
        f"/api/v1/items/{item_id}/occurrences/2/move", json={"starts_at": "2027-03-30T10:00"}, headers=headers
    )
    assert moved.status_code == 200 and moved.get_json()["status"] == "changed"
    assert client.post(f"/api/v1/items/{item_id}/occurrences/9/cancel", headers=headers).status_code == 422
    other = client.post(f"/api/v1/items/{item_id}/occurrences/3/cancel", headers=api_headers(people.verifikator))
    assert other.status_code in (403, 404)  # neither its creator nor a channel admin
    resp = client.patch(f"/api/v1/items/{item_id}", json={"recurrence": {"freq": "none"}}, headers=headers)
    assert resp.get_json()["recurrence"] is None and "occurrences" not in resp.get_json()
    assert db.session.scalar(db.select(db.func.count(ItemOccurrence.id))) == 0


class FreshPlugin:
    """A channel whose plugin wants every occurrence of a series approved on its own."""

    @hookimpl
    def register_channels(self):
        return [
            Channel(
                name="fresh",
                label_id="Kanal persetujuan per jadwal",
                label_en="Per-occurrence approval channel",
                approval_per_occurrence=True,
            )
        ]


def test_a_channel_that_approves_each_occurrence_gets_one_draft_per_occurrence(make_app, svc, people):
    from hub.items.series import cancel_occurrence

    app = make_app(EXTRA_PLUGINS=[stub_channel, FreshPlugin()], STUB_CHANNEL_URL=svc.url, **FAST)
    with app.app_context():
        assign("videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"])
        first = (utcnow() + dt.timedelta(days=1)).replace(microsecond=0)
        item = new_item(
            people.pemohon,
            channels=[{"channel": "stub", "options": {"accounts": ["pemprov"]}}, {"channel": "fresh", "text": "Segar"}],
            title="Iklan layanan publik mingguan",
            publish_at=first.isoformat(),
            recurrence={"freq": "weekly", "count": 3},
        )
        approve(item, people)
        pubs = occurrence_pubs(item.id)
        assert [(p.channel, p.occurrence) for p in pubs] == [("stub", 1), ("stub", 2), ("stub", 3)]
        drafts = db.session.scalars(db.select(Item).where(Item.id != item.id).order_by(Item.id)).all()
        assert [(d.status, d.channel_names, d.publish_at) for d in drafts] == [
            ("draft", ["fresh"], first + n * WEEK) for n in range(3)
        ]
        assert [d.extra["series"] for d in drafts] == [{"item_id": item.id, "occurrence": n} for n in (1, 2, 3)]
        assert drafts[0].text_for("fresh") == "Segar"

        engine.submit(drafts[0].id, people.pemohon)  # each occurrence goes through the chain itself
        assert current_step(drafts[0].id).step_key == "receive"

        cancel_occurrence(db.session.get(Item, item.id), 1, people.pemohon)  # in the chain: withdrawn
        cancel_occurrence(db.session.get(Item, item.id), 2, people.pemohon)  # a draft: deleted
        db.session.expire_all()
        assert db.session.get(Item, drafts[0].id).status == "withdrawn"
        assert db.session.get(Item, drafts[1].id) is None
        assert db.session.get(Item, drafts[2].id).status == "draft"
        assert [p.status for p in occurrence_pubs(item.id)] == ["cancelled", "cancelled", "queued"]
