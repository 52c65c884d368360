"""SOP 002 end to end: the DIP request round through the workflow engine, with its due times,
to the PPID site and the public DIP page through a real RQ worker."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.extensions import db
from hub.models import Publication
from tests.website_support import add_site, pdf_asset, wordpress_stub  # noqa: F401 - wp fixture
from tests.workflow_support import current_step, decide

#: Tuesday 10 November 2026, 09:00 WIB: inside the default working hours
T0 = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)
#: SOP 002's steps and time limits (memo 60 min is the creator's preparation, recorded at submission)
LIMITS = {"initial": "10m", "sign": "10m", "distribute": "10m", "receive": "7d", "check": "1d"}


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(app, monkeypatch):
    from hub.workflow import engine

    clock = Clock(T0)
    monkeypatch.setattr(engine, "utcnow", clock)
    return clock


@pytest.fixture
def staff(app, make_org, make_user):
    org = make_org("Diskominfotik Sumbar", kind="operator")
    return {
        "sub_koordinator": make_user("suko", roles=["sub_koordinator"], org=org),
        "sekretaris": make_user("sekre", roles=["sekretaris"], org=org),
        "kepala_dinas": make_user("kadis", roles=["kepala_dinas"], org=org),
        "operator": make_user("opweb", roles=["admin_website"], org=org),
    }


def _round(staff, **options):
    from hub.items.service import create_item

    opts = {"class": "berkala", "unit": "Sekretariat", "year": 2026, "retention": "5 tahun", **options}
    item = create_item(
        staff["sub_koordinator"],
        {
            "title": "Laporan Kinerja Instansi Pemerintah 2026",
            "kind": "ppid_document",
            "body": "LKjIP Diskominfotik tahun 2026.",
            "channels": [{"channel": "ppid", "options": opts}],
        },
    )
    db.session.commit()
    return item


def _attach_pdf(item, user, tmp_path):
    from hub.items.service import attach_asset

    asset = pdf_asset(tmp_path, "lkjip-2026.pdf")
    asset.uploaded_by_id, asset.organisation_id = user.id, user.organisation_id
    attach_asset(item, user, asset.id, "document")
    db.session.commit()


def test_the_dip_round_follows_sop_002_with_its_due_times_to_the_public_dip(app, clock, staff, wp, tmp_path, run_jobs):
    from hub.workflow import engine
    from hub.workflow.state import calendar_for_item, state_of, steps_of

    add_site(wp, "ppid")
    item = _round(staff)
    engine.submit(item.id, staff["sub_koordinator"])  # the memo drafted: no PDF yet, only a warning

    deciders = {
        "initial": staff["sekretaris"],
        "sign": staff["kepala_dinas"],
        "distribute": staff["sekretaris"],
        "receive": staff["sub_koordinator"],
        "check": staff["operator"],
    }
    for key, who in deciders.items():
        step = current_step(item.id)
        assert step.step_key == key and step.time_limit == LIMITS[key]
        if key == "receive":
            clock.advance(days=6)  # the divisions send their PDFs within the 7 days
            _attach_pdf(item, who, tmp_path)
        else:
            clock.advance(minutes=5)
        decide(item.id, who)

    steps = {s.step_key: s for s in steps_of(item.id)}
    cal = calendar_for_item(item, state_of(item).version.workflow)
    for key in ("initial", "sign", "distribute"):
        assert steps[key].due_at == steps[key].started_at + dt.timedelta(minutes=10)
    assert steps["receive"].due_at == cal.add_days(steps["receive"].started_at, 7)
    assert steps["receive"].due_at.date() == dt.date(2026, 11, 19)  # 7 working days after Tuesday the 10th
    assert not any(steps[k].late for k in deciders)

    run_jobs()  # the final approval's publication, through the real publish job
    db.session.expire_all()
    pub = db.session.scalar(db.select(Publication).filter_by(item_id=item.id, channel="ppid"))
    assert pub.status == "published", pub.last_error
    assert [p["title"] for p in wp.live_posts()] == ["Laporan Kinerja Instansi Pemerintah 2026"]
    html = app.test_client().get("/ppid/dip?q=LKjIP").get_data(as_text=True)
    assert "Laporan Kinerja Instansi Pemerintah 2026" in html


def test_the_operator_cannot_release_a_round_without_a_real_pdf(app, clock, staff, tmp_path):
    from hub.items.service import attach_asset
    from hub.workflow import engine
    from hub.workflow.errors import ChecksFailed
    from tests import media_factory
    from tests.website_support import store_asset

    item = _round(staff)
    engine.submit(item.id, staff["sub_koordinator"])
    for who in ("sekretaris", "kepala_dinas", "sekretaris"):
        decide(item.id, staff[who])
    fake = store_asset(
        media_factory.make_image(tmp_path, 64, 64, "JPEG", name="scan.pdf"), "application/pdf", "document"
    )
    fake.uploaded_by_id = staff["sub_koordinator"].id
    attach_asset(item, staff["sub_koordinator"], fake.id, "document")
    db.session.commit()
    decide(item.id, staff["sub_koordinator"])  # "receive" is the creator's own task

    with pytest.raises(ChecksFailed) as blocked:
        decide(item.id, staff["operator"])
    assert [p.rule for p in blocked.value.problems if p.severity == "error"] == ["ppid.pdf_invalid"]
