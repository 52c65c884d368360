"""Plugins declare what they bring (issue 16): roles, permissions, item kinds and fields, workflow
templates; a channel nobody could decide stops start-up; the data of the old core columns survives
the upgrade; the core names no bundled plugin."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub import hookimpl
from hub.channels import Channel
from hub.declarations import CHANNEL_ADMIN_PERMISSIONS, ItemField, ItemKind, Permission, Role
from hub.exceptions import PluginError
from hub.extensions import db

ROOT = Path(__file__).resolve().parents[1]


# --- admin_role: unknown, or unable to decide, stops start-up ------------------------------------------

ACME = """
from hub import hookimpl
from hub.channels import Channel


@hookimpl
def register_channels():
    return [Channel(name="acme", label_id="Acme", label_en="Acme", admin_role={role!r})]
"""


def _hub(tmp_path, *args, role: str) -> subprocess.CompletedProcess:
    """Run ``python -m hub ARGS`` with an outside plugin module ``acme`` whose channel has ``role``."""
    (tmp_path / "acme.py").write_text(ACME.format(role=role))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_INSTANCE_DIR=str(tmp_path / "instance"),
        HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        HUB_MEDIA_DIR=str(tmp_path / "media"),
        HUB_EXTRA_PLUGINS='["acme"]',
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT), env.get("PYTHONPATH", "")]),
    )
    return subprocess.run(
        [sys.executable, "-m", "hub", *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


def test_a_channel_whose_admin_role_is_no_role_stops_hub_up_with_one_line(tmp_path):
    run = _hub(tmp_path, "up", "--port", "0", role="nonsense")
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr  # one line, no traceback
    line = lines[0]
    assert 'Plugin "acme"' in line and 'admin_role "nonsense"' in line and 'channel "acme"' in line
    assert "which is not a role (known:" in line and "admin_channel" in line and "kepala_dinas" in line
    assert "yang bukan peran" in line  # Bahasa Indonesia first, for the operator
    assert not (tmp_path / "hub.sqlite3").exists() or "Traceback" not in run.stderr


@pytest.mark.parametrize("role", ["pemohon", "system_admin"])
def test_a_channel_whose_admin_role_cannot_decide_stops_create_app(make_app, role):
    class Acme:
        @hookimpl
        def register_channels(self):
            return [Channel(name="acme", label_id="Acme", label_en="Acme", admin_role=role)]

    with pytest.raises(PluginError) as error:
        make_app(EXTRA_PLUGINS=[Acme()])
    message = str(error.value)
    assert "\n" not in message
    assert f'admin_role "{role}"' in message and "cannot decide" in message and "item.decide" in message


def test_the_default_admin_role_is_a_channel_admin_who_can_decide_and_publish():
    from hub.permissions import ROLE_PERMISSIONS

    channel = Channel(name="radio", label_id="Radio", label_en="Radio")
    assert channel.admin_role == "admin_channel"
    assert set(CHANNEL_ADMIN_PERMISSIONS) <= ROLE_PERMISSIONS["admin_channel"]
    assert "item.decide" not in ROLE_PERMISSIONS["system_admin"]  # still approves nothing


# --- a plugin's role, permission, kind and field ---------------------------------------------------------


class RadioPlugin:
    """An outside plugin bringing its own admin role, permission, item kind and item field."""

    @hookimpl
    def register_channels(self):
        return [Channel(name="radio", label_id="Radio", label_en="Radio", admin_role="admin_radio")]

    @hookimpl
    def register_roles(self):
        return [Role("admin_radio", "Admin Radio", "Radio Admin", permissions=CHANNEL_ADMIN_PERMISSIONS)]

    @hookimpl
    def register_permissions(self):
        return [Permission("radio.tune", "Menyetel radio", "Tune the radio", roles=("admin_radio", "teknisi"))]

    @hookimpl
    def register_item_kinds(self):
        return [ItemKind("jingle", "Jingle radio", "Radio jingle")]

    @hookimpl
    def register_item_fields(self):
        return [
            ItemField("airtime_seconds", "Durasi siaran (detik)", "Airtime (seconds)", type="int"),
            ItemField(
                "slot",
                "Slot siaran",
                "Slot",
                type="choice",
                choices=(("pagi", "Pagi", "Morning"), ("sore", "Sore", "Evening")),
            ),
            ItemField("on_air_now", "Siaran langsung", "On air now", type="bool", creator_sets=False),
        ]


def test_a_plugin_role_holds_its_permissions_and_decides_its_channel(make_app, make_user, make_org):
    from hub.permissions import has_permission
    from hub.roles import ROLES, role_label
    from hub.workflow.access import channel_admin_roles

    app = make_app(EXTRA_PLUGINS=[RadioPlugin()])
    with app.app_context():
        assert ROLES["admin_radio"].plugin.endswith("RadioPlugin") or ROLES["admin_radio"].plugin
        assert role_label("admin_radio", "en", own_titles=False) == "Radio Admin"
        admin = make_user("rudi", roles=["admin_radio"])
        tech = make_user("tono", roles=["teknisi"])
        assert has_permission(admin, "item.decide", "publication.manage", "radio.tune")
        assert has_permission(tech, "radio.tune") and not has_permission(tech, "publication.manage")
        from hub.models import Item, ItemChannel

        item = Item(organisation_id=admin.organisation_id, created_by_id=admin.id, extra={})
        item.channels = [ItemChannel(channel="radio")]
        assert channel_admin_roles(item) == {"admin_radio"}


def test_a_plugin_declaring_a_core_role_or_an_unknown_permission_stops_start_up(make_app):
    class Clash:
        @hookimpl
        def register_roles(self):
            return [Role("kepala_dinas", "Kepala", "Head")]

    class Unknown:
        @hookimpl
        def register_roles(self):
            return [Role("admin_tv", "Admin TV", "TV Admin", permissions=("tv.nothing",))]

    with pytest.raises(PluginError, match='role "kepala_dinas" is the core'):
        make_app(EXTRA_PLUGINS=[Clash()])
    with pytest.raises(PluginError, match=r"role \"admin_tv\" has unknown permission\(s\) \['tv.nothing'\]"):
        make_app(EXTRA_PLUGINS=[Unknown()])


def test_item_kinds_and_fields_of_a_plugin_are_offered_stored_and_validated(make_app, make_user, login):
    app = make_app(EXTRA_PLUGINS=[RadioPlugin()])
    client = app.test_client()
    creator = make_user("kiki", roles=["pembuat_konten"])
    login(client, creator)
    page = client.get("/items/new").get_data(as_text=True)
    assert 'value="jingle"' in page and "Jingle radio" in page
    assert 'name="extra_airtime_seconds"' in page and 'name="extra_slot"' in page
    assert 'name="extra_on_air_now"' not in page  # not the creator's to set
    assert 'name="extra_difficulty"' in page  # the videotron plugin's field, from its own folder

    def post(**extra):
        return client.post(
            "/items/new",
            data={"title": "Jingle HUT", "kind": "jingle", "extra_fields": "1", **extra},
            follow_redirects=False,
        )

    bad = post(extra_airtime_seconds="lama", extra_slot="pagi")
    assert bad.status_code == 422
    assert "Durasi siaran (detik): harus berupa angka." in bad.get_data(as_text=True)
    assert post(extra_airtime_seconds="30", extra_slot="pagi", extra_difficulty="hard").status_code == 302
    from hub.models import Item

    with app.app_context():
        item = db.session.scalar(db.select(Item).where(Item.title == "Jingle HUT"))
        assert item.kind == "jingle"
        assert item.extra == {"airtime_seconds": 30, "slot": "pagi", "difficulty": "hard"}


def test_the_api_refuses_a_bad_field_value_and_an_approvers_mark(make_app, make_user, api_headers):
    app = make_app(EXTRA_PLUGINS=[RadioPlugin()])
    client = app.test_client()
    headers = api_headers(make_user("kiki", roles=["pembuat_konten"]))
    bad = client.post("/api/v1/items", json={"title": "a", "extra": {"slot": "malam"}}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["field"] == "extra.slot"
    mark = client.post("/api/v1/items", json={"title": "a", "extra": {"urgent": True}}, headers=headers)
    assert mark.status_code == 422 and mark.get_json()["field"] == "extra.urgent"
    good = client.post(
        "/api/v1/items", json={"title": "a", "kind": "jingle", "extra": {"slot": "sore", "note": "x"}}, headers=headers
    )
    assert good.status_code == 201, good.get_json()
    assert good.get_json()["extra"] == {"slot": "sore", "note": "x"}  # undeclared keys are kept as given


# --- the upgrade keeps every value ----------------------------------------------------------------------


@pytest.fixture
def scratch_db_url(base_config, tmp_path):
    """A database of its own (the session's is migrated already): a SQLite file, or a new PostgreSQL database."""
    url = base_config["DATABASE_URL"]
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1) if "+" not in url.split("://")[0] else url)
    name = f"{base.database}_upg_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrading_an_old_database_keeps_the_marks_difficulty_and_content_plans(base_config, tmp_path, scratch_db_url):
    from alembic import command
    from alembic.script import ScriptDirectory
    from hub_videotron.records import ContentPlan, ContentPlanEntry

    from hub.app import create_app
    from hub.migrate import alembic_config, upgrade
    from hub.models import Item, User

    app = create_app({**base_config, "DATABASE_URL": scratch_db_url, "MEDIA_DIR": str(tmp_path / "media")})
    cfg = alembic_config(app)
    script = ScriptDirectory.from_config(cfg)
    new = script.get_revision("0012_plugin_fields")
    # the heads that do not contain 0012_plugin_fields (a later core migration builds on it), then its parents
    old_heads = [
        h for h in script.get_heads() if new.revision not in {r.revision for r in script.iterate_revisions(h, "base")}
    ] + list(new._versioned_down_revisions)
    with app.app_context():
        for head in old_heads:  # the database as the previous release left it
            command.upgrade(cfg, head)
        item_columns = {c["name"] for c in sa.inspect(db.engine).get_columns("item")}
        assert {"urgent", "public_need_exception"} <= item_columns

        # rows written through the old tables: today's models have columns that later migrations add
        conn = db.session.connection()
        old = {name: sa.Table(name, sa.MetaData(), autoload_with=conn) for name in ("organisation", "user_account")}
        org_id = conn.execute(
            sa.insert(old["organisation"]).values(
                name="Diskominfotik",
                short_name="Diskominfotik",
                kind="operator",
                role_titles={},
                created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            )
        ).inserted_primary_key[0]
        vito_id = conn.execute(
            sa.insert(old["user_account"]).values(
                username="vito", full_name="Vito", email="vito@example.go.id", organisation_id=org_id, language="id",
                is_active=True, must_change_password=False, created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(sa.insert(sa.Table("user_role", sa.MetaData(), autoload_with=conn)).values(
            user_id=vito_id, role="admin_videotron"))  # fmt: skip
        now = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
        common = {
            "organisation_id": org_id,
            "created_by_id": vito_id,
            "kind": "video",
            "body": "",
            "event_place": "",
            "priority": 3,
            "status": "approved",
            "created_at": now,
            "updated_at": now,
        }
        old_item = sa.Table("item", sa.MetaData(), autoload_with=db.session.connection())
        rows = {
            "both": {"urgent": True, "public_need_exception": True, "extra": {"difficulty": "hard"}},
            "urgent": {"urgent": True, "public_need_exception": False, "extra": {"difficulty": "medium", "note": "x"}},
            "none": {"urgent": False, "public_need_exception": False, "extra": {"difficulty": "simple"}},
            "plain": {"urgent": False, "public_need_exception": False, "extra": {}},
        }
        for title, values in rows.items():
            db.session.execute(sa.insert(old_item).values(title=title, **common, **values))
        plan = ContentPlan(year=2027, quarter=2, notes="Triwulan II", prepared_by_id=vito_id, signed_by_id=vito_id)
        plan.entries = [
            ContentPlanEntry(
                planned_date=dt.date(2027, 4, 21), title="Hari Kartini", content_type="video", difficulty="medium"
            ),
            ContentPlanEntry(
                planned_date=dt.date(2027, 5, 20), title="Harkitnas", content_type="design", difficulty="hard"
            ),
        ]
        db.session.add(plan)
        db.session.commit()
        db.session.remove()

    upgrade(app)  # what `hub db upgrade` runs

    with app.app_context():
        assert not {"urgent", "public_need_exception"} & {c["name"] for c in sa.inspect(db.engine).get_columns("item")}
        extras = {i.title: i.extra for i in db.session.scalars(db.select(Item))}
        assert extras == {
            "both": {"difficulty": "hard", "urgent": True, "public_need_exception": True},
            "urgent": {"difficulty": "medium", "note": "x", "urgent": True},
            "none": {"difficulty": "simple"},
            "plain": {},
        }
        from hub_videotron.declarations import public_need_exception, urgent

        both = db.session.scalar(db.select(Item).where(Item.title == "both"))
        assert urgent(both) and public_need_exception(both)
        plan = db.session.scalar(db.select(ContentPlan))
        assert (plan.year, plan.quarter, plan.notes, plan.signed_by_id) == (2027, 2, "Triwulan II", vito_id)
        assert [(e.title, e.content_type, e.difficulty) for e in plan.entries] == [
            ("Hari Kartini", "video", "medium"),
            ("Harkitnas", "design", "hard"),
        ]
        holder = db.session.scalar(db.select(User).where(User.username == "vito"))
        from hub.permissions import has_permission

        assert holder.role_codes == {"admin_videotron"} and has_permission(holder, "screen.manage", "item.decide")
        # the SOP templates now come from the plugins' folders and are all there
        from hub.workflow.models import Workflow

        codes = set(db.session.scalars(db.select(Workflow.code)))
        assert {"videotron_request", "videotron_inhouse", "website_social", "ppid_dip", "vidcon_booking"} <= codes
        db.session.remove()
        db.engine.dispose()


# --- the core names no bundled plugin --------------------------------------------------------------------

#: Words that name a bundled plugin, its package, channels, roles, permissions or item fields.
#: Matched case-insensitively as whole words. Judgement calls:
#: - "website", "social", "x", "dip" are also plain words (the website of an office, a social
#:   account, "x" as a variable): caught only as quoted codes ("website", 'x');
#: - "screen" alone is the core's word too (a screen reader, a player screen): only the permission
#:   codes ``screen.monitor``/``screen.manage`` are caught;
#: - "content_plan" alone is the code of the core's generic report "content plan" (every channel
#:   adds sections to it through ``report_sections``): only ``content_plan.manage``/``.sign``, the
#:   videotron's permissions, are caught;
#: - "teknisi" (Technician) stays a core role: the vidcon channel and the screens both use it.
BUNDLED_NAMES = (
    r"videotron",
    r"vidcon",
    r"ppid",
    r"wordpress",
    r"facebook",
    r"hub_(videotron|website|social|vidcon)",
    r"admin_(videotron|website|social)",
    r"screen\.(monitor|manage)",
    r"content_plan\.(manage|sign)",
    r"difficulty",
    r"""["'](website|social|x|dip)["']""",
)
PATTERN = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(BUNDLED_NAMES) + r")(?![A-Za-z0-9_])", re.IGNORECASE)
#: files of hub/ not scanned, each with the reason
NOT_SCANNED = {
    # gettext catalogues: translations of the messages the code holds (scanned there), plus history
    "translations": lambda p: "translations" in p.parts,
    # a list of breached passwords (words people used, not the core's knowledge)
    "common-passwords": lambda p: p.name == "common-passwords.txt",
    # compiled or binary files
    "binary": lambda p: p.suffix in {".pyc", ".mo", ".png", ".ico", ".woff", ".woff2", ".jpg", ".svg"},
}


def test_no_file_in_the_core_names_a_bundled_plugin():
    found = []
    for path in sorted((ROOT / "hub").rglob("*")):
        rel = path.relative_to(ROOT)
        if not path.is_file() or "__pycache__" in path.parts or any(skip(rel) for skip in NOT_SCANNED.values()):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for match in PATTERN.finditer(line):
                found.append(f"{rel}:{number}: {match.group(0)!r} in {line.strip()[:100]}")
    assert not found, "the core names a bundled plugin (declare it in the plugin instead):\n" + "\n".join(found)


def test_the_name_check_catches_what_it_should():
    assert PATTERN.search('ROLE_PERMISSIONS["admin_videotron"]')
    assert PATTERN.search('require("screen.manage")') and PATTERN.search("content_plan.sign")
    assert PATTERN.search('channels=["website"]') and PATTERN.search("import hub_social")
    assert not PATTERN.search("a screen reader, the website of the office, social distancing")
