"""The SLA report's figures match decisions made through the workflow engine with a controlled clock,
and its PDF and XLSX say the same; the dashboard lists the open steps, overdue first."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from hub import hookimpl
from hub.channels import Channel
from tests.web_support import make_item, sign_in_factory

pytest.importorskip("hub.workflow.engine", reason="the workflow area is not in this build")

RADIO_WORKFLOW = {
    "format": 1,
    "code": "radio_test",
    "name": {"id": "Radio (uji)", "en": "Radio (test)"},
    "applies_to": {"organisation_kinds": ["operator"], "kinds": ["article"], "channels": ["radio"]},
    "steps": [
        {"key": "draft", "kind": "prepare", "role": "pembuat_konten", "name": {"id": "Menyusun", "en": "Drafting"}},
        {
            "key": "verify",
            "kind": "review",
            "role": "verifikator",
            "name": {"id": "Verifikasi", "en": "Verification"},
            "limit": "10m",
            "decisions": ["approve", "return", "reject"],
            "return_to": ["creator"],
        },
        {
            "key": "approve",
            "kind": "approval",
            "role": "kepala_dinas",
            "name": {"id": "Persetujuan Kepala Dinas", "en": "Head of agency approval"},
            "limit": "10m",
            "decisions": ["approve", "return", "reject"],
            "return_to": ["creator"],
        },
    ],
}


class RadioPlugin:
    @hookimpl
    def register_channels(self):
        return [Channel(name="radio", label_id="Radio Daerah", label_en="Regional radio", admin_role="admin_social")]

    @hookimpl
    def register_workflow_templates(self):
        return [RADIO_WORKFLOW]


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, when: dt.datetime) -> Clock:
        self.now = when
        return self


# Tuesday 10 November 2026, 09:00 WIB (02:00 UTC): inside the default working hours
T0 = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.fixture
def radio(make_app, make_user, monkeypatch, request):
    from hub.workflow import engine
    from hub.workflow.loader import load_templates

    app = make_app(EXTRA_PLUGINS=[RadioPlugin()])
    clock = Clock(T0)
    monkeypatch.setattr(engine, "utcnow", clock)
    with app.app_context():
        load_templates(app)
        client = app.test_client()
        yield app, client, clock, sign_in_factory(request, app, client)


def _decisions(make_user, clock):
    """Three items through verification and approval: 4 verifier decisions (1 late), 3 head's (2 late)."""
    from hub.workflow import engine

    creator = make_user("citra", roles=["pembuat_konten"])
    vera = make_user("vera", roles=["verifikator"])
    kadis = make_user("kadis", roles=["kepala_dinas"])
    a = make_item(creator, "A", channels=("radio",), status="draft", created_at=minutes(-30))
    b = make_item(creator, "B", channels=("radio",), status="draft", created_at=minutes(-30))
    c = make_item(creator, "C", channels=("radio",), status="draft", created_at=minutes(-30))
    steps = [
        (0, engine.submit, a, creator),
        (5, engine.decide, a, vera, "approve"),  # 5 min, on time
        (40, engine.decide, a, kadis, "approve"),  # 35 min, late
        (60, engine.submit, b, creator),
        (85, engine.decide, b, vera, "approve"),  # 25 min, late
        (90, engine.decide, b, kadis, "approve"),  # 5 min, on time
        (120, engine.submit, c, creator),
        (128, engine.decide, c, vera, "return"),  # 8 min, on time, back to the creator
        (180, engine.submit, c, creator),
        (182, engine.decide, c, vera, "approve"),  # 2 min, on time
        (200, engine.decide, c, kadis, "approve"),  # 18 min, late
    ]
    for at, action, item, user, *decision in steps:
        clock.at(minutes(at))
        if decision == ["return"]:
            action(item.id, user, "return", return_to="creator", comment="Perbaiki judul")
        else:
            action(item.id, user, *decision)
    return creator, vera, kadis


def test_sla_report_matches_the_decisions(radio, make_user):
    app, client, clock, sign_in = radio
    _decisions(make_user, clock)
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/reports/sla?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    # verifier: 4 decided, 3 on time, 1 late, 75 %, mean (5 + 25 + 8 + 2) / 4 = 10 minutes
    assert "<td>Verifikasi</td><td>Verifikator</td><td>4</td><td>3</td><td>1</td><td>75,0</td><td>10,0</td>" in html
    # head of agency: 3 decided, 1 on time, 2 late, 33.3 %, mean (35 + 5 + 18) / 3 = 19.3 minutes
    assert (
        "<td>Persetujuan Kepala Dinas</td><td>Kepala Dinas</td><td>3</td><td>1</td><td>2</td><td>33,3</td><td>19,3</td>"
        in html
    )
    assert '<dd data-figure="0">7</dd>' in html and '<dd data-figure="1">4</dd>' in html
    assert '<dd data-figure="2">57,1</dd>' in html
    # another month has none of them
    other = client.get("/reports/sla?start=2026-10-01&end=2026-10-31").get_data(as_text=True)
    assert '<dd data-figure="0">0</dd>' in other

    pdf = client.get("/reports/sla.pdf?start=2026-11-01&end=2026-11-30")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Kepatuhan batas waktu" in text and "75,0" in text and "33,3" in text and "57,1" in text

    wb = load_workbook(io.BytesIO(client.get("/reports/sla.xlsx?start=2026-11-01&end=2026-11-30").data))
    per_step = wb[wb.sheetnames[1]]
    rows = {r[1]: r[2:7] for r in per_step.iter_rows(min_row=2, max_col=7, values_only=True) if r[0]}
    assert rows["Verifikator"] == (4, 3, 1, 75.0, 10.0)
    assert rows["Kepala Dinas"] == (3, 1, 2, 33.3, 19.3)
    summary = {r[0]: r[1] for r in wb[wb.sheetnames[0]].iter_rows(min_row=3, values_only=True)}
    assert summary["Langkah diputuskan"] == 7 and summary["Tepat waktu"] == 4


def test_evaluation_report_lists_the_late_decisions(radio, make_user):
    app, client, clock, sign_in = radio
    _decisions(make_user, clock)
    sign_in(make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/reports/evaluation?start=2026-07-01&end=2026-12-31").get_data(as_text=True)
    assert "<td>Keputusan persetujuan</td><td>7</td>" in html
    delays = html.split("<h2>Keterlambatan</h2>")[1].split("</section>")[0]
    assert delays.count("<tr>") == 1 + 3  # the header and the three late decisions


def test_dashboard_lists_open_steps_overdue_first(radio, make_user):
    from hub.workflow import engine

    app, client, clock, sign_in = radio
    creator = make_user("citra", roles=["pembuat_konten"])
    vera = make_user("vera", roles=["verifikator"])
    old = make_item(creator, "Lama menunggu", channels=("radio",), status="draft")
    new = make_item(creator, "Baru masuk", channels=("radio",), status="draft")
    clock.at(dt.datetime.now(dt.UTC))
    engine.submit(new.id, creator)  # due 10 working minutes from now: not overdue yet
    clock.at(minutes(0))
    engine.submit(old.id, creator)  # due at T0 + 10 minutes, long past
    sign_in(vera)
    html = client.get("/").get_data(as_text=True)
    tasks = html.split('id="my-tasks"')[1].split("</section>")[0]
    assert tasks.index("Lama menunggu") < tasks.index("Baru masuk")
    rows = tasks.split("<tr")[2:]  # after the header row
    assert 'class="overdue"' in rows[0] and "Lama menunggu" in rows[0]
    assert 'class="overdue"' not in rows[1] and "Baru masuk" in rows[1]
    # the creator has no decision to make on their own items
    sign_in(creator)
    html = client.get("/").get_data(as_text=True)
    mine = html.split('id="my-tasks"')[1].split("</section>")[0]
    assert "Lama menunggu" not in mine
    # but sees where each item is: the step, who acts on it, by when, and whether it is late
    submitted = html.split('id="my-items"')[1].split("</section>")[0]
    rows = {r.split("</a>")[0].rsplit(">", 1)[1]: r for r in submitted.split("<tr>")[2:]}
    assert "Posisi: Verifikasi (Verifikator)" in rows["Lama menunggu"] and "Terlambat" in rows["Lama menunggu"]
    due = (
        'Batas waktu <time datetime="2026-11-10T02:10:00+00:00" title="Selasa, 10 November 2026 pukul 09.10 WIB">'
        "10 Nov 2026 09.10 WIB</time>"
    )
    assert due in rows["Lama menunggu"]
    assert "Posisi: Verifikasi (Verifikator)" in rows["Baru masuk"] and "Terlambat" not in rows["Baru masuk"]
    draft = make_item(creator, "Belum diajukan", channels=("radio",), status="draft")
    html = client.get("/").get_data(as_text=True).split('id="my-items"')[1].split("</section>")[0]
    draft_row = next(r for r in html.split("<tr>") if draft.title in r)
    assert "Posisi:" not in draft_row  # a draft has no workflow step yet
