"""Workflows as data: the bundled SOP templates, loading (idempotent), versions, YAML, plugins, selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import hookimpl
from hub.extensions import db
from hub.workflow import definition as defs
from hub.workflow import document
from hub.workflow.errors import DefinitionError, NoWorkflow
from hub.workflow.loader import load_templates
from hub.workflow.models import Workflow, WorkflowAssignment, WorkflowVersion
from hub.workflow.store import export_yaml, get_workflow, save_definition
from tests import workflow_support
from tests.workflow_support import assign, new_item

CODES = {
    "videotron_request",
    "videotron_inhouse",
    "website_social",
    "ppid_dip",
    "vidcon_booking",
    "kalbar_website_social",
}

people = workflow_support.people  # the fixture
ROOT = Path(__file__).resolve().parents[1]


def bundled_templates() -> list[dict]:
    """The SOP templates the bundled plugins carry in their own folders (``plugins/*/workflows``)."""
    return [document.from_yaml(p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("plugins/*/workflows/*.yaml"))]


def steps_of(code: str) -> list[tuple[str, str, str, str | None]]:
    wf = defs.parse(next(t for t in bundled_templates() if t["code"] == code))
    return [(s.key, s.kind, s.role, str(s.limit) if s.limit else None) for s in wf.steps]


def test_the_five_seed_sops_are_bundled_with_their_roles_and_limits(app):  # app: the plugins' roles
    assert {t["code"] for t in bundled_templates()} == CODES
    assert steps_of("videotron_request") == [
        ("request", "prepare", "pemohon", None),
        ("receive", "review", "verifikator", "1d"),
        ("verify_1", "review", "verifikator", "10m"),
        ("verify_2", "review", "sub_koordinator", "10m"),
        ("verify_3", "review", "kepala_bidang", "10m"),
        ("approval", "approval", "kepala_dinas", "10m"),
        ("publish", "publish", "channel_admin", "10m"),
    ]
    inhouse = defs.parse(next(t for t in bundled_templates() if t["code"] == "videotron_inhouse"))
    production = inhouse.steps[1]
    assert production.limit_for({"difficulty": "hard"}) == defs.Duration(days=14)
    assert production.limit_for({"difficulty": "medium"}) == defs.Duration(days=7)
    assert production.limit_for({}) == defs.Duration(days=2)
    assert [(k, r, lim) for k, _, r, lim in steps_of("ppid_dip")] == [
        ("memo", "sub_koordinator", "60m"),
        ("initial", "sekretaris", "10m"),
        ("sign", "kepala_dinas", "10m"),
        ("distribute", "sekretaris", "10m"),
        ("receive", "sub_koordinator", "7d"),
        ("check", "admin_website", "1d"),
        ("upload", "channel_admin", "1d"),
    ]
    assert [lim for *_, lim in steps_of("vidcon_booking")] == [None, "60m", "60m", "150m", "180m"]
    assert [(r, lim) for _, _, r, lim in steps_of("kalbar_website_social")] == [
        ("pembuat_konten", "1d"),
        ("pembuat_konten", "6h"),
        ("pejabat_pengawas", "1h"),
        ("pejabat_administrator", "1h"),
        ("pejabat_pengawas", "15m"),
        ("channel_admin", "15m"),
    ]
    kalbar = defs.parse(next(t for t in bundled_templates() if t["code"] == "kalbar_website_social"))
    assert kalbar.steps[2].return_to == ("creator",) and "reject" not in kalbar.steps[2].decisions
    videotron = defs.parse(next(t for t in bundled_templates() if t["code"] == "videotron_request"))
    assert {c.code for c in videotron.checklist} == {
        "no_sara",
        "no_pornography",
        "no_violence",
        "no_politics",
        "no_brand_promotion",
        "scale",
    }


def test_upgrade_loads_the_templates_once_and_keeps_an_administrators_version(app, people):
    from hub.migrate import upgrade

    upgrade(app)
    assert {w.code for w in db.session.execute(db.select(Workflow)).scalars()} == CODES
    versions = db.session.execute(db.select(db.func.count(WorkflowVersion.id))).scalar_one()
    assignments = db.session.execute(db.select(db.func.count(WorkflowAssignment.id))).scalar_one()
    assert load_templates(app) == dict.fromkeys(CODES, "unchanged")
    upgrade(app)
    assert db.session.execute(db.select(db.func.count(WorkflowVersion.id))).scalar_one() == versions
    assert db.session.execute(db.select(db.func.count(WorkflowAssignment.id))).scalar_one() == assignments

    # an administrator shortens a limit: a new version, which a later template load does not override
    data = document.from_yaml(export_yaml(get_workflow("vidcon_booking")))
    data["steps"][1]["limit"] = "30m"
    workflow, version, created = save_definition(data, user=people.sysadmin)
    db.session.commit()
    assert created and version.number == 2 and version.origin == "admin"
    assert load_templates(app)["vidcon_booking"] == "unchanged"
    assert get_workflow("vidcon_booking").latest_version == 2


def test_yaml_export_and_import_round_trip(app):
    load_templates(app)
    text = export_yaml(get_workflow("ppid_dip"))
    assert "Menyiapkan konsep nota permintaan DIP" in text and "limit: 7d" in text
    data = document.from_yaml(text)
    _, version, created = save_definition(data)
    assert not created and version.number == 1  # the same definition adds no version
    data["code"] = "ppid_dip_copy"
    workflow, version, created = save_definition(data)
    db.session.commit()
    assert (
        created
        and workflow.code == "ppid_dip_copy"
        and document.from_yaml(export_yaml(workflow))["steps"] == data["steps"]
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["steps"][1].update(role="lurah"), "steps[1].role"),
        (lambda d: d["steps"][1].update(limit="sebentar"), "steps[1].limit"),
        (lambda d: d["steps"][1].update(kind="approval"), "exactly one approval"),
        (lambda d: d["steps"].append(dict(d["steps"][0])), "prepare steps come first"),
        (lambda d: d["steps"][1].update(decisions=["return"]), "must include approve"),
        (lambda d: d["steps"][6].update(decisions=["approve", "reject"]), "after the final approval"),
        (lambda d: d.update(code="Bad Code"), "code:"),
    ],
)
def test_invalid_definitions_are_refused_with_the_path_of_each_problem(change, expected):
    data = next(t for t in bundled_templates() if t["code"] == "videotron_request")
    change(data)
    with pytest.raises(DefinitionError) as error:
        defs.parse(data)
    assert any(expected in p for p in error.value.problems), error.value.problems


def test_an_item_keeps_the_version_it_started_with(app, people):
    from hub_website.sites import add_site

    from hub.workflow import engine
    from hub.workflow.models import ItemWorkflow, StepInstance

    add_site("website", "Situs Diskominfo", "http://127.0.0.1:9", "editor", "abcd" * 6)  # the check needs a site
    db.session.commit()  # the templates are loaded on their own connection: no write lock held here
    assign("vidcon_booking", people.sysadmin, kinds=["post"], channels=["website"], priority=10)
    first = new_item(people.pemohon, kind="post", channels=["website"], title="Rapat daring")
    engine.submit(first.id, people.pemohon)
    data = document.from_yaml(export_yaml(get_workflow("vidcon_booking")))
    data["steps"][1]["limit"] = "15m"
    save_definition(data, user=people.sysadmin)
    db.session.commit()
    second = new_item(people.pemohon, kind="post", channels=["website"], title="Rapat kedua")
    engine.submit(second.id, people.pemohon)
    v1 = db.session.get(ItemWorkflow, first.id).version
    v2 = db.session.get(ItemWorkflow, second.id).version
    assert (v1.number, v2.number) == (1, 2)
    limits = dict(
        db.session.execute(
            db.select(StepInstance.item_id, StepInstance.time_limit).where(StepInstance.kind == "review")
        ).all()
    )
    assert limits == {first.id: "60m", second.id: "15m"}


class TemplatePlugin:
    @hookimpl
    def register_workflow_templates(self):
        data = next(t for t in bundled_templates() if t["code"] == "vidcon_booking")
        return [{**data, "code": "radio_booking", "name": {"id": "Radio", "en": "Radio"}, "applies_to": {}}]


class BrokenTemplatePlugin:
    @hookimpl
    def register_workflow_templates(self):
        return [{"code": "broken", "name": "Rusak", "steps": []}]


def test_plugins_contribute_templates_and_a_broken_one_stops_loading(make_app):
    from hub.exceptions import PluginError

    app = make_app(EXTRA_PLUGINS=[TemplatePlugin()])
    with app.app_context():
        assert load_templates(app)["radio_booking"] == "created"
        assert get_workflow("radio_booking").source.startswith("plugin:")
    broken = make_app(EXTRA_PLUGINS=[BrokenTemplatePlugin()])
    with broken.app_context(), pytest.raises(PluginError, match="broken"):
        load_templates(broken)


def test_selection_by_office_kind_item_kind_and_channel(app, people, make_org):
    from hub.workflow.selection import select_workflow

    load_templates(app)
    request = new_item(people.pemohon, kind="video", channels=["videotron"])
    inhouse = new_item(people.creator, kind="video", channels=["videotron"])
    article = new_item(people.creator, kind="article", channels=["website", "x"])
    ppid = new_item(people.creator, kind="ppid_document", channels=["ppid"])
    assert select_workflow(request).code == "videotron_request"
    assert select_workflow(inhouse).code == "videotron_inhouse"
    assert select_workflow(article).code == "website_social"
    assert select_workflow(ppid).code == "ppid_dip"
    # an office assigned SOP 004 follows it for its articles; others keep SOP 001
    kalbar = make_org("Dishub Kalbar", kind="operator")
    assign("kalbar_website_social", people.sysadmin, organisation_id=kalbar.id)
    from hub.models import User, UserRole

    writer = User(username="dishub", organisation=kalbar, full_name="Dishub", email="d@example.go.id")
    writer.roles = [UserRole(role="pembuat_konten")]
    db.session.add(writer)
    db.session.commit()
    assert select_workflow(new_item(writer, kind="article", channels=["website"])).code == "kalbar_website_social"
    assert select_workflow(article).code == "website_social"
    # nothing for a kind no workflow covers
    get_workflow("website_social").is_active = False
    db.session.commit()
    with pytest.raises(NoWorkflow):
        select_workflow(article)
