"""Due times anchored to an item's own dates (issue 17, part 1) and escalation of overdue steps (part 5).

SOP 004's "upload on schedule" is due 15 minutes after the item's publish_at, not 15 minutes after the
release; no overdue alert goes out before then; moving publish_at moves the due time (and the timeline
says so). A plugin's date (a meeting's start and end) anchors steps the same way, and the overdue sweep
follows a date the plugin moved without saying so. A step overdue by its own time limit again is told
to its supervisor once, and the SLA report counts it. The clock is injected (``engine.utcnow`` and the
``now`` of the sweep); nothing waits on the wall clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hub import hookimpl
from hub.extensions import db
from hub.models import Item
from hub.models.audit import AuditEntry
from hub.notify.models import Notification
from hub.workflow import engine
from hub.workflow.models import StepInstance
from tests import stub_channel
from tests.test_workflow_definitions import bundled_templates
from tests.workflow_support import assign, current_step, decide, new_item

WIB = ZoneInfo("Asia/Pontianak")
#: Tuesday 8 December 2026, 09:00 in Pontianak (inside the default working hours)
T0 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=WIB)
#: the next Monday, 09:00: when the item is to be published
MONDAY_0900 = dt.datetime(2026, 12, 14, 9, 0, tzinfo=WIB)

MEETINGS: dict[int, dict[str, dt.datetime]] = {}

MEETING_WORKFLOW = {
    "format": 1,
    "code": "meeting_test",
    "name": {"id": "Rapat (uji)", "en": "Meeting (test)"},
    "applies_to": {"kinds": ["article"], "channels": ["stub"]},
    "steps": [
        {"key": "request", "kind": "prepare", "role": "pemohon", "name": "Permohonan"},
        {
            "key": "forward",
            "kind": "approval",
            "role": "kepala_bidang",
            "name": "Diteruskan",
            "limit": "60m",
            "decisions": ["approve", "reject"],
        },
        {
            "key": "coordinate",
            "kind": "task",
            "role": "teknisi",
            "name": "Koordinasi dan uji coba",
            "limit": "150m",
            "due": {"anchor": "meeting_start", "before": "0m"},
            "decisions": ["approve"],
        },
        {
            "key": "run_report",
            "kind": "task",
            "role": "teknisi",
            "name": "Pelaksanaan dan laporan",
            "limit": "180m",
            "due": {"anchor": "meeting_end", "after": "180m"},
            "supervisor": "kepala_dinas",
            "decisions": ["approve"],
        },
    ],
}


class MeetingPlugin:
    """A plugin that knows when each item's meeting starts and ends (``item_dates``)."""

    @hookimpl
    def item_dates(self, item):
        return dict(MEETINGS.get(item.id, {}))

    @hookimpl
    def register_workflow_templates(self):
        return [MEETING_WORKFLOW]


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, when: dt.datetime) -> dt.datetime:
        self.now = when.astimezone(dt.UTC)
        return self.now


@pytest.fixture
def svc():
    with stub_channel.StubService() as service:
        yield service


@pytest.fixture
def app(make_app, svc):
    app = make_app(EXTRA_PLUGINS=[stub_channel, MeetingPlugin()], STUB_CHANNEL_URL=svc.url)
    with app.app_context():
        yield app
    MEETINGS.clear()


@pytest.fixture
def clock(monkeypatch):
    from hub.workflow import due

    clock = Clock(T0)
    monkeypatch.setattr(engine, "utcnow", clock)
    monkeypatch.setattr(due, "utcnow", clock)
    return clock


@pytest.fixture
def kalbar(make_org, make_user):
    """The Kalbar transport office running SOP 004 for the stub channel, and its people."""
    office = make_org("Dishub Kalbar", kind="operator", timezone="Asia/Pontianak")
    root = make_user("root", roles=["system_admin"], org=office)
    assign("kalbar_website_social", root, organisation_id=office.id, channels=["stub"])

    class People:
        admin = root
        creator = make_user("citra", roles=["pembuat_konten"], org=office)
        pengawas = make_user("wawan", roles=["pejabat_pengawas"], org=office)
        administrator = make_user("adi", roles=["pejabat_administrator"], org=office)
        site = make_user("sita", roles=["admin_social"], org=office)

    return People


def notes(user, kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        ).scalars()
    )


def sop004_released(kalbar, clock, publish_at: dt.datetime | None) -> Item:
    """A SOP 004 item through verification, final review and the scheduling step (released at T0 + 40 min)."""
    item = new_item(kalbar.creator, kind="article", channels=[{"channel": "stub", "options": {"accounts": ["a"]}}])
    clock.at(T0)
    engine.submit(item.id, kalbar.creator)
    clock.at(T0 + dt.timedelta(minutes=20))
    decide(item.id, kalbar.pengawas)  # verify_facts
    clock.at(T0 + dt.timedelta(minutes=30))
    decide(item.id, kalbar.administrator)  # final_review
    clock.at(T0 + dt.timedelta(minutes=40))
    decide(item.id, kalbar.pengawas, publish_at=publish_at)  # schedule: the release
    return db.session.get(Item, item.id)


def test_upload_on_schedule_is_due_15_minutes_after_publish_at_and_never_flagged_before(app, clock, kalbar):
    from hub.workflow.overdue import check_overdue

    item = sop004_released(kalbar, clock, MONDAY_0900)
    step = current_step(item.id)
    assert step.step_key == "upload" and step.due_anchor == "publish_at"
    assert step.due_at == dt.datetime(2026, 12, 14, 9, 15, tzinfo=WIB)  # Monday 09:15, not Tuesday 09:55

    # the sweep runs all week long: no overdue alert before Monday 09:15
    for moment in (
        T0 + dt.timedelta(minutes=56),  # where a plain 15-minute limit would have put it
        dt.datetime(2026, 12, 9, 9, 0, tzinfo=WIB),
        dt.datetime(2026, 12, 14, 9, 14, tzinfo=WIB),
    ):
        assert check_overdue(moment.astimezone(dt.UTC)) == []
    assert notes(kalbar.site, "overdue") == []

    assert check_overdue(dt.datetime(2026, 12, 14, 9, 16, tzinfo=WIB).astimezone(dt.UTC)) == [step.id]
    (overdue,) = notes(kalbar.site, "overdue")
    assert "09.15" in overdue.body_id and "melewati batas waktu" in overdue.body_id


def test_moving_publish_at_moves_the_due_time_and_the_timeline_says_so(app, clock, kalbar):
    from hub.workflow.due import refresh_due_times
    from hub.workflow.overdue import check_overdue
    from hub.workflow.timeline import timeline

    item = sop004_released(kalbar, clock, MONDAY_0900)
    step = current_step(item.id)
    tuesday = dt.datetime(2026, 12, 15, 10, 0, tzinfo=WIB)
    item.publish_at = tuesday.astimezone(dt.UTC)
    (moved,) = refresh_due_times(item)
    db.session.commit()
    assert moved.id == step.id
    step = current_step(item.id)
    assert step.due_at == dt.datetime(2026, 12, 15, 10, 15, tzinfo=WIB)
    assert check_overdue(dt.datetime(2026, 12, 14, 9, 16, tzinfo=WIB).astimezone(dt.UTC)) == []

    (entry,) = [e for e in timeline(item) if e.get("step") == "upload"]
    (change,) = entry["due_changes"]
    assert dt.datetime.fromisoformat(change["from"]) == dt.datetime(2026, 12, 14, 9, 15, tzinfo=WIB)
    assert dt.datetime.fromisoformat(change["to"]) == dt.datetime(2026, 12, 15, 10, 15, tzinfo=WIB)
    assert change["anchor"] == "publish_at"
    audit = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "step.due_moved")).scalars().all()
    assert [a.details["step"] for a in audit] == ["upload"] and audit[0].target_id == str(item.id)
    assert refresh_due_times(item) == []  # nothing moved twice


def test_the_item_page_shows_the_move(app, clock, kalbar, login):
    from hub.workflow.due import refresh_due_times

    item = sop004_released(kalbar, clock, MONDAY_0900)
    item.publish_at = dt.datetime(2026, 12, 15, 10, 0, tzinfo=WIB).astimezone(dt.UTC)
    refresh_due_times(item)
    db.session.commit()
    client = app.test_client()
    login(client, kalbar.site)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Batas waktu berpindah dari" in page and "15 menit setelah waktu terbit" in page


def test_a_core_edit_of_publish_at_moves_an_open_anchored_step(app, clock, kalbar):
    """The core's item edit calls refresh_due_times: here on an anchored review step, edited while in review."""
    from hub.items.service import update_item
    from hub.workflow.assignments import edit_steps
    from hub.workflow.store import get_workflow

    workflow = get_workflow("kalbar_website_social")
    edit_steps(
        workflow,
        workflow.latest_version,
        {
            "final_review": {
                "due_anchor": "publish_at",
                "due_side": "before",
                "due_offset": "1d",
                "due_calendar": "working",
            }
        },
        kalbar.pengawas,
    )
    item = new_item(
        kalbar.creator,
        kind="article",
        channels=[{"channel": "stub", "options": {"accounts": ["a"]}}],
        publish_at=MONDAY_0900.isoformat(),
    )
    engine.submit(item.id, kalbar.creator)
    clock.at(T0 + dt.timedelta(minutes=10))
    decide(item.id, kalbar.pengawas)
    step = current_step(item.id)
    assert step.step_key == "final_review"
    # one working day before Monday 09:00: Friday 09:00
    assert step.due_at == dt.datetime(2026, 12, 11, 9, 0, tzinfo=WIB)
    item = db.session.get(Item, item.id)
    update_item(item, kalbar.administrator, {"publish_at": "2026-12-16T09:00"})  # the reviewer edits it
    assert current_step(item.id).due_at == dt.datetime(2026, 12, 15, 9, 0, tzinfo=WIB)


def test_without_publish_at_the_plain_limit_counts(app, clock, kalbar):
    item = sop004_released(kalbar, clock, None)
    step = current_step(item.id)
    assert step.due_anchor == "publish_at"
    assert step.due_at == T0 + dt.timedelta(minutes=55)  # 15 working minutes after the release


def test_a_plugins_meeting_dates_anchor_steps_and_the_sweep_follows_a_move(app, clock, make_user):
    from hub.workflow.loader import ensure_templates
    from hub.workflow.overdue import check_overdue

    ensure_templates()
    pemohon = make_user("putri", roles=["pemohon"])
    kabid = make_user("kabid", roles=["kepala_bidang"])
    teknisi = make_user("tekno", roles=["teknisi"])
    item = new_item(pemohon, kind="article", channels=[{"channel": "stub", "options": {"accounts": ["a"]}}])
    start = dt.datetime(2026, 12, 10, 10, 0, tzinfo=WIB)
    MEETINGS[item.id] = {"meeting_start": start.astimezone(dt.UTC), "meeting_end": start + dt.timedelta(hours=2)}
    engine.submit(item.id, pemohon)
    decide(item.id, kabid)
    step = current_step(item.id)
    assert step.step_key == "coordinate" and step.due_at == start  # before: 0m of the meeting's start

    # the meeting is moved a day later; the plugin does not call refresh_due_times
    MEETINGS[item.id] = {
        "meeting_start": start + dt.timedelta(days=1),
        "meeting_end": start + dt.timedelta(days=1, hours=2),
    }
    assert check_overdue((start + dt.timedelta(minutes=5)).astimezone(dt.UTC)) == []  # no false alarm
    assert current_step(item.id).due_at == start + dt.timedelta(days=1)
    assert notes(teknisi, "overdue") == []

    clock.at(start + dt.timedelta(days=1))
    decide(item.id, teknisi)
    report = current_step(item.id)
    # 180 minutes (clock time) after the meeting ends
    assert report.step_key == "run_report" and report.due_at == start + dt.timedelta(days=1, hours=5)


def test_an_overdue_step_escalates_once_to_the_next_approver(app, clock, kalbar, make_user):
    from hub.reports.base import Period
    from hub.reports.builtin import build_sla, sla_rows
    from hub.workflow.overdue import check_overdue

    item = new_item(kalbar.creator, kind="article", channels=[{"channel": "stub", "options": {"accounts": ["a"]}}])
    engine.submit(item.id, kalbar.creator)
    step = current_step(item.id)
    assert step.step_key == "verify_facts" and step.due_at == T0 + dt.timedelta(hours=1)
    # overdue by its own limit (1 h) again: 11:00
    assert step.escalate_at == T0 + dt.timedelta(hours=2)

    assert check_overdue((T0 + dt.timedelta(minutes=90)).astimezone(dt.UTC)) == [step.id]
    assert len(notes(kalbar.pengawas, "overdue")) == 1 and notes(kalbar.administrator, "escalated") == []

    check_overdue((T0 + dt.timedelta(minutes=121)).astimezone(dt.UTC))
    (escalated,) = notes(kalbar.administrator, "escalated")  # the next approver in the chain
    assert escalated.item_id == item.id and "Pejabat Pengawas memverifikasi" in escalated.body_id
    assert notes(kalbar.pengawas, "escalated") == [] and notes(kalbar.creator, "escalated") == []
    check_overdue((T0 + dt.timedelta(hours=5)).astimezone(dt.UTC))
    assert len(notes(kalbar.administrator, "escalated")) == 1  # once
    assert db.session.get(StepInstance, step.id).escalated_at is not None
    assert (
        db.session.execute(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "step.escalated")
        ).scalar_one()
        == 1
    )

    clock.at(T0 + dt.timedelta(hours=6))
    decide(item.id, kalbar.pengawas)
    period = Period(T0.date(), T0.date())
    (row, *_rest) = sla_rows(period)
    assert row["escalated"] == 1 and row["late"] == 1
    assert build_sla(period, None).summary[-1][1] == 1  # escalations


def test_a_step_decided_in_time_never_escalates(app, clock, kalbar):
    from hub.workflow.overdue import check_overdue

    item = new_item(kalbar.creator, kind="article", channels=[{"channel": "stub", "options": {"accounts": ["a"]}}])
    engine.submit(item.id, kalbar.creator)
    clock.at(T0 + dt.timedelta(minutes=30))
    decide(item.id, kalbar.pengawas)
    verified = db.session.execute(
        db.select(StepInstance).where(StepInstance.item_id == item.id, StepInstance.step_key == "verify_facts")
    ).scalar_one()
    check_overdue((T0 + dt.timedelta(hours=8)).astimezone(dt.UTC))  # the next step, final_review, is overdue
    db.session.refresh(verified)
    assert verified.escalated_at is None and verified.overdue_notified_at is None
    assert notes(kalbar.administrator, "escalated") == []


def test_who_a_step_escalates_to():
    from hub.workflow.definition import parse

    kalbar = parse(next(t for t in bundled_templates() if t["code"] == "kalbar_website_social"))
    roles = {s.key: kalbar.supervisor_of(i) for i, s in enumerate(kalbar.steps)}
    assert roles == {
        "gather": "pejabat_pengawas",  # a returned item waiting on its creator: the first reviewer
        "design": "pejabat_pengawas",
        "verify_facts": "pejabat_administrator",  # the next approver
        "final_review": "pejabat_pengawas",  # the scheduling (approval) step's role
        "schedule": "",  # the final approval: nobody above it unless the workflow names a supervisor
        "upload": "pejabat_pengawas",  # after the approval: the one who released it
    }
    meeting = parse(MEETING_WORKFLOW)
    assert meeting.supervisor_of(3) == "kepala_dinas"  # named by the workflow


def test_the_bundled_templates_anchor_where_the_sop_says():
    from hub.workflow.definition import parse

    found = {}
    for template in bundled_templates():
        wf = parse(template)
        for s in wf.steps:
            if s.due is not None:
                found[(wf.code, s.key)] = s.due.as_dict()
    assert found[("kalbar_website_social", "upload")] == {"anchor": "publish_at", "after": "15m", "calendar": "wall"}
    assert found[("ppid_dip", "upload")] == {"anchor": "publish_at", "after": "1d", "calendar": "working"}
    assert found[("vidcon_booking", "coordinate")] == {"anchor": "meeting_start", "before": "0m", "calendar": "wall"}
    assert found[("vidcon_booking", "run_report")] == {"anchor": "meeting_end", "after": "180m", "calendar": "wall"}


def test_bad_due_rules_are_refused_with_their_path():
    from hub.workflow.definition import parse
    from hub.workflow.errors import DefinitionError

    bad = {**MEETING_WORKFLOW, "steps": [dict(s) for s in MEETING_WORKFLOW["steps"]]}
    bad["steps"][2]["due"] = {"anchor": "Meeting Start", "after": "15m", "before": "0m", "calendar": "moon", "x": 1}
    bad["steps"][3]["due"] = {"anchor": "meeting_end", "after": "soon"}
    bad["steps"][1]["supervisor"] = "nobody"
    bad["steps"][1]["due"] = "publish_at"
    with pytest.raises(DefinitionError) as err:
        parse(bad)
    problems = "\n".join(err.value.problems)
    assert "steps[2].due.x: kunci tidak dikenal" in problems
    assert "steps[2].due.anchor: 'Meeting Start'" in problems
    assert "steps[2].due: isi tepat satu dari after atau before" in problems
    assert "steps[3].due.after: 'soon' bukan durasi" in problems
    assert "steps[1].supervisor: peran tidak dikenal" in problems
    assert "steps[1].due: harus berupa objek" in problems


def test_the_working_calendar_counts_back():
    from hub.workflow.calendar import DEFAULT_HOURS, WorkCalendar, parse_hours
    from hub.workflow.duration import parse_duration

    cal = WorkCalendar(tz=WIB, hours=parse_hours(DEFAULT_HOURS))
    monday = dt.datetime(2026, 12, 14, 9, 0, tzinfo=WIB)
    # 90 working minutes before Monday 09:00: 60 on Monday from 08:00, 30 before Friday's 16:30 close
    assert cal.subtract(monday, parse_duration("90m")) == dt.datetime(2026, 12, 11, 16, 0, tzinfo=WIB)
    assert cal.subtract(monday, parse_duration("30m")) == dt.datetime(2026, 12, 14, 8, 30, tzinfo=WIB)
    assert cal.subtract(monday, parse_duration("1d")) == dt.datetime(2026, 12, 11, 9, 0, tzinfo=WIB)
    assert cal.subtract(monday, parse_duration("0m")) == monday


def test_the_step_editor_sets_and_clears_an_anchor(app, kalbar, login):
    from hub.workflow.loader import ensure_templates
    from hub.workflow.store import get_version, get_workflow, parsed

    ensure_templates()
    client = app.test_client()
    login(client, kalbar.admin)
    page = client.get("/admin/workflows/kalbar_website_social").get_data(as_text=True)
    assert 'name="upload.due_anchor"' in page and '<option value="publish_at" selected>' in page
    assert "meeting_start" in page  # a date another workflow anchors to is offered too
    workflow = get_workflow("kalbar_website_social")
    form = {
        "version": str(workflow.latest_version),
        "step": ["verify_facts", "upload"],
        "verify_facts.due_anchor": "publish_at",
        "verify_facts.due_side": "before",
        "verify_facts.due_offset": "2h",
        "verify_facts.due_calendar": "working",
        "verify_facts.supervisor": "kepala_dinas",
        "upload.due_anchor": "",
    }
    page = client.post("/admin/workflows/kalbar_website_social/steps", data=form, follow_redirects=True)
    assert page.status_code == 200
    db.session.expire_all()
    wf = parsed(get_version(get_workflow("kalbar_website_social")))
    steps = {s.key: s for s in wf.steps}
    assert steps["verify_facts"].due.as_dict() == {"anchor": "publish_at", "before": "2h", "calendar": "working"}
    assert steps["verify_facts"].supervisor == "kepala_dinas"
    assert steps["upload"].due is None

    bad = {**form, "version": str(get_workflow("kalbar_website_social").latest_version)}
    bad["verify_facts.due_offset"] = "soon"
    page = client.post("/admin/workflows/kalbar_website_social/steps", data=bad)
    assert page.status_code in (400, 422) and "steps[2].due.before" in page.get_data(as_text=True)


def test_the_api_tells_the_current_steps_due_time_its_anchor_and_its_escalation(
    app, clock, kalbar, client, api_headers
):
    from hub.workflow.overdue import check_overdue

    item = sop004_released(kalbar, clock, MONDAY_0900)
    headers = api_headers(kalbar.creator)
    current = client.get(f"/api/v1/items/{item.id}", headers=headers).get_json()["workflow"]["current_step"]
    assert current["key"] == "upload" and current["escalated_at"] is None
    assert dt.datetime.fromisoformat(current["due_at"]) == dt.datetime(2026, 12, 14, 9, 15, tzinfo=WIB)
    rule = current["due_rule"]
    assert rule["anchor"] == "publish_at" and "after" in rule and rule["calendar"] in ("wall", "working")
    assert rule["label"]["en"].endswith("after the publish time") and "setelah" in rule["label"]["id"]

    plain = new_item(kalbar.creator, kind="article", channels=[{"channel": "stub", "options": {"accounts": ["a"]}}])
    clock.at(T0)
    engine.submit(plain.id, kalbar.creator)
    check_overdue((T0 + dt.timedelta(minutes=121)).astimezone(dt.UTC))  # overdue by its limit again: escalated
    current = client.get(f"/api/v1/items/{plain.id}/timeline", headers=headers).get_json()["workflow"]["current_step"]
    assert current["key"] == "verify_facts" and current["due_rule"] is None
    assert current["escalated_at"] is not None
