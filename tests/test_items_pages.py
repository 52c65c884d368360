"""The server-rendered pages: item form, item page (timeline, decision form with the checklist),
inbox, notifications, and the workflow pages for administrators — in Bahasa Indonesia by default."""

from __future__ import annotations

import re

import pytest

from hub import hookimpl
from hub.channels import Channel, OptionField
from hub.extensions import db
from hub.models import Item
from hub.workflow.models import Decision, WorkflowVersion
from tests import workflow_support
from tests.workflow_support import CheckedPlugin, assign, current_step, new_item

people = workflow_support.people  # the fixture


SCREENS = [("s1", "Layar Padang", "Padang screen"), ("s2", "Layar Solok", "Solok screen")]


class OptionsPlugin:
    """A channel that asks for its options as form fields (screens, a thread box, tags, a category)."""

    @hookimpl
    def register_channels(self):
        return [
            Channel(
                name="poster",
                label_id="Papan poster",
                label_en="Poster board",
                option_fields=(
                    OptionField("screens", "Layar tujuan", "Target screens", "choices", lambda: SCREENS),
                    OptionField("thread", "Jadikan utas", "Make a thread", "bool"),
                    OptionField(
                        "tags", "Tag", "Tags", "list", help_id="Pisahkan dengan koma.", help_en="Comma-separated."
                    ),
                    OptionField("category", "Kategori", "Category", "choice", (("news", "Berita", "News"),)),
                ),
            )
        ]


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin(), OptionsPlugin()])
    with app.app_context():
        yield app


@pytest.fixture
def flow(people):
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )


def test_create_submit_and_decide_through_the_pages(client, people, login, flow):
    login(client, people.pemohon)
    form = client.get("/items/new")
    assert form.status_code == 200 and 'name="channel" value="checked"' in form.get_data(as_text=True)
    assert re.search(r'<option value="article"[^>]*>Artikel</option>', form.get_data(as_text=True))  # kinds in words
    resp = client.post(
        "/items/new",
        data={
            "title": "Pekan Budaya",
            "kind": "video",
            "body": "Festival",
            "priority": "2",
            "channel": ["checked"],
            "text_checked": "x" * 50,
            "options_checked": "",
            "event_place": "Padang",
        },
    )
    assert resp.status_code == 302
    item = db.session.execute(db.select(Item)).scalar_one()
    assert item.priority == 2 and item.target("checked").text == "x" * 50

    before = client.get(f"/items/{item.id}").get_data(as_text=True)
    checks = before.split('id="checks"')[1].split("</section>")[0]  # the checks, before pressing submit
    assert 'data-rule="checked.text_length"' in checks and "Teks maksimal 40 karakter" in checks
    preview = before.split('data-channel="checked"')[1].split("</article>")[0]  # no plugin preview: the default
    assert "Kanal periksa" in preview and "Pekan Budaya" in preview and "x" * 50 in preview

    refused = client.post(f"/items/{item.id}/submit")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'data-field="variant_text"' in page and "checked.text_length" in page
    assert "Teks maksimal 40 karakter" in page  # Indonesian first

    client.post(
        f"/items/{item.id}/edit",
        data={
            "title": "Pekan Budaya",
            "kind": "video",
            "channel": ["checked"],
            "text_checked": "Pendek.",
            "priority": "2",
        },
    )
    checks = client.get(f"/items/{item.id}").get_data(as_text=True).split('id="checks"')[1].split("</section>")[0]
    assert "data-rule" not in checks and "Semua kanal tujuan menerima konten ini" in checks
    assert client.post(f"/items/{item.id}/submit").status_code == 302
    assert db.session.get(Item, item.id).status == "in_review"

    login(client, people.verifikator)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f'data-item="{item.id}"' in inbox and "Menerima surat permintaan" in inbox
    show = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'name="decision" value="approve"' in show
    step_id = current_step(item.id).id
    client.post(f"/items/{item.id}/decide", data={"decision": "approve", "step_id": step_id})
    show = client.get(f"/items/{item.id}").get_data(as_text=True)
    boxes = re.findall(r'name="checklist" value="([a-z_]+)"', show)
    assert boxes == ["no_sara", "no_pornography", "no_violence", "no_politics", "no_brand_promotion", "scale"]
    step_id = current_step(item.id).id
    half = client.post(
        f"/items/{item.id}/decide", data={"decision": "approve", "step_id": step_id, "checklist": boxes[:3]}
    )
    assert half.status_code == 422 and current_step(item.id).id == step_id  # not decided
    client.post(f"/items/{item.id}/decide", data={"decision": "approve", "step_id": step_id, "checklist": boxes})
    assert current_step(item.id).step_key == "verify_2"
    show = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert show.count('data-step="') == 4 and "Vera Verifikator" in show

    login(client, people.pemohon)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'name="decision"' not in page  # the creator never gets the decision form
    assert client.post(f"/items/{item.id}/decide", data={"decision": "approve"}).status_code == 403
    assert db.session.execute(db.select(db.func.count(Decision.id))).scalar_one() == 2


def test_a_requester_sees_only_their_offices_items(client, people, login, make_user):
    mine = new_item(people.pemohon, channels=["checked"], title="Milik Dispar")
    theirs = new_item(people.creator, channels=["checked"], title="Milik Diskominfo")
    login(client, people.pemohon)
    listing = client.get("/items").get_data(as_text=True)
    assert "Milik Dispar" in listing and "Milik Diskominfo" not in listing
    assert client.get(f"/items/{theirs.id}").status_code == 404
    assert client.get(f"/items/{mine.id}").status_code == 200
    colleague = make_user("rekan", roles=["pemohon"], org=people.requester)
    login(client, colleague)
    assert client.get(f"/items/{mine.id}").status_code == 200  # same office
    assert client.get(f"/items/{mine.id}/edit").status_code == 403  # but only the creator edits a draft


def test_workflow_pages_for_administrators(client, people, login):
    from hub.workflow import store

    login(client, people.creator)
    assert client.get("/admin/workflows").status_code == 403
    login(client, people.sysadmin)
    listing = client.get("/admin/workflows").get_data(as_text=True)
    assert "videotron_request" in listing and "kalbar_website_social" in listing
    page = client.get("/admin/workflows/vidcon_booking").get_data(as_text=True)
    assert "Disposisi Kepala Dinas" in page and "60 menit" in page
    yaml_text = client.get("/admin/workflows/vidcon_booking/yaml").get_data(as_text=True)
    edited = yaml_text.replace("limit: 150m", "limit: 120m")
    assert edited != yaml_text

    def yaml_form(html: str) -> str:
        return html.split('<textarea name="yaml"')[0].rsplit("<form", 1)[1]

    assert 'name="version" value="1"' in yaml_form(page)
    data = {"yaml": edited, "note": "uji", "version": "1"}
    assert client.post("/admin/workflows/vidcon_booking", data=data).status_code == 302
    versions = db.session.execute(db.select(WorkflowVersion.number).order_by(WorkflowVersion.id.desc())).scalars()
    assert next(iter(versions)) == 2
    stale = client.post("/admin/workflows/vidcon_booking", data={**data, "yaml": yaml_text})  # edited from v1 again
    assert stale.status_code == 409 and "versi 2" in stale.get_data(as_text=True)
    old = client.get("/admin/workflows/vidcon_booking?version=1").get_data(as_text=True)
    assert 'name="version"' not in yaml_form(old)  # an older version's YAML is saved (restored) on purpose, unchecked
    assert client.post("/admin/workflows/vidcon_booking", data={"yaml": yaml_text}).status_code == 302
    assert store.get_workflow("vidcon_booking").latest_version == 3
    broken = client.post("/admin/workflows/vidcon_booking", data={"yaml": "steps: [", "note": ""})
    assert broken.status_code == 422 and "YAML" in broken.get_data(as_text=True)
    imported = client.post("/admin/workflows", data={"yaml": edited.replace("code: vidcon_booking", "code: rapat")})
    assert imported.status_code == 302 and imported.headers["Location"].endswith("/admin/workflows/rapat")
    assert (
        client.post("/admin/workflows/rapat/assignments", data={"kinds": "post", "channels": ["checked"]}).status_code
        == 302
    )
    assert "post" in client.get("/admin/workflows/rapat").get_data(as_text=True)


def test_notifications_page_in_both_languages(client, people, login, flow):
    from hub.workflow import engine

    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    login(client, people.verifikator)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Menunggu tindakan Anda" in page
    client.post("/lang", data={"lang": "en", "next": "/notifications"})
    page = client.get("/notifications").get_data(as_text=True)
    assert "Waiting for you" in page and "My notifications" in page
    client.post("/notifications/read", data={})
    assert "badge-pending" not in client.get("/notifications").get_data(as_text=True)


def test_media_attached_shown_and_removed_on_the_item_page(client, people, login):
    from hub.models import Asset, ItemAsset

    item = new_item(people.pemohon, channels=["checked"])
    asset = Asset(
        organisation_id=people.requester.id,
        uploaded_by_id=people.pemohon.id,
        original_name="pekan.mp4",
        stored_name="x/pekan.mp4",
        kind="video",
        mime="video/mp4",
        size=10,
        status="ready",
    )
    foreign = Asset(
        organisation_id=people.operator.id,
        uploaded_by_id=people.creator.id,
        original_name="lain.mp4",
        kind="video",
        mime="video/mp4",
        size=10,
        status="ready",
    )
    db.session.add_all([asset, foreign])
    db.session.commit()
    login(client, people.pemohon)
    attached = client.post(f"/api/v1/items/{item.id}/assets", json={"asset_id": asset.id, "role": "main"})
    assert attached.status_code == 201
    refused = client.post(f"/api/v1/items/{item.id}/assets", json={"asset_id": foreign.id})
    assert refused.status_code == 422 and refused.get_json()["field"] == "asset_id"  # not theirs to use
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f'data-asset="{asset.id}"' in page and "pekan.mp4" in page and "data-hub-upload" in page
    link = db.session.execute(db.select(ItemAsset)).scalar_one()
    assert client.post(f"/items/{item.id}/assets/{link.id}/remove").status_code == 302
    assert db.session.execute(db.select(ItemAsset)).first() is None
    assert db.session.get(Asset, asset.id) is not None  # the upload stays


def test_reviewers_see_the_channels_checks_and_the_final_approver_the_approve_phase(client, people, login, flow):
    from hub.workflow import engine
    from tests.workflow_support import decide

    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])  # no event place
    engine.submit(item.id, people.pemohon)

    def checks_of(user) -> str:
        login(client, user)
        page = client.get(f"/items/{item.id}").get_data(as_text=True)
        assert 'name="decision" value="approve"' in page
        return page.split('id="checks"')[1].split("</section>")[0]

    first = checks_of(people.verifikator)  # a review step: the submission's checks pass
    assert "Pemeriksaan otomatis kanal tujuan" in first and "Semua kanal tujuan menerima konten ini" in first
    for user in (people.verifikator, people.verifikator, people.sub_koordinator, people.kepala_bidang):
        decide(item.id, user)
    assert current_step(item.id).step_key == "approval"
    final = checks_of(people.kepala_dinas)  # the final approval runs the "approve" checks: the place is missing
    assert 'data-field="event_place"' in final and 'data-rule="checked.place_required"' in final
    assert "Isi tempat acara." in final
    login(client, people.pemohon)
    assert 'id="checks"' not in client.get(f"/items/{item.id}").get_data(as_text=True)  # not the creator's to act on


def test_step_editor_changes_roles_and_limits_as_a_new_version(client, people, login):
    from hub.models.audit import AuditEntry
    from hub.workflow import store

    login(client, people.sysadmin)
    page = client.get("/admin/workflows/vidcon_booking").get_data(as_text=True)
    editor = page.split('id="step-editor"')[1].split("</details>")[0]
    keys = re.findall(r'name="step" value="([a-z0-9_]+)"', editor)
    assert keys == ["request", "disposition", "forward", "coordinate", "run_report"]
    assert 'name="version" value="1"' in editor
    first, last = "disposition", "run_report"
    assert f'name="{first}.limit"' in editor and 'value="60m"' in editor  # the SOP's 60 minutes

    saved = client.post(
        "/admin/workflows/vidcon_booking/steps",
        data={
            "version": "1",
            "step": [first, last],
            f"{first}.limit": "2h",
            f"{first}.role": "sekretaris",
            f"{first}.name_id": "Disposisi Sekretaris",
            f"{last}.inputs_id": "Surat permintaan",
            "note": "disposisi lewat sekretaris",
        },
    )
    assert saved.status_code == 302
    workflow = store.get_workflow("vidcon_booking")
    wf = store.parsed(store.get_version(workflow))
    assert workflow.latest_version == 2
    step = wf.steps[1]
    assert (step.role, str(step.limit), step.name_id) == ("sekretaris", "2h", "Disposisi Sekretaris")
    assert wf.steps[1].name_en == store.parsed(store.get_version(workflow, 1)).steps[1].name_en  # not sent: kept
    assert wf.steps[-1].inputs_id == "Surat permintaan"
    old = store.parsed(store.get_version(workflow, 1)).steps
    assert (wf.steps[0], wf.steps[2], wf.steps[3]) == (old[0], old[2], old[3])  # steps not sent are kept
    assert db.session.execute(db.select(AuditEntry).filter_by(action="workflow.version_saved")).scalar_one()
    page = client.get("/admin/workflows/vidcon_booking").get_data(as_text=True)
    assert "2 jam" in page and "Disposisi Sekretaris" in page

    stale = client.post(  # edited from version 1 while version 2 was saved: refused, nothing overwritten
        "/admin/workflows/vidcon_booking/steps", data={"version": "1", "step": [first], f"{first}.limit": "5m"}
    )
    assert stale.status_code == 409 and "versi 2" in stale.get_data(as_text=True)
    bad = client.post(
        "/admin/workflows/vidcon_booking/steps", data={"version": "2", "step": [first], f"{first}.limit": "sebentar"}
    )
    assert bad.status_code == 422 and "steps[1].limit" in bad.get_data(as_text=True)
    assert store.get_workflow("vidcon_booking").latest_version == 2

    login(client, people.creator)
    assert client.post("/admin/workflows/vidcon_booking/steps", data={"version": "2"}).status_code == 403


def test_channel_options_are_form_fields_and_the_rest_stays_json(client, people, login):
    login(client, people.pemohon)
    form = client.get("/items/new").get_data(as_text=True)
    poster = form.split('value="poster"')[1].split('class="channel-variant"')[0]
    assert "Layar tujuan" in poster and "Layar Padang" in poster and "Jadikan utas" in poster
    assert "Pisahkan dengan koma." in poster and "Opsi kanal lainnya (JSON" in poster
    assert 'name="opt_poster_screens" value="s2"' in poster
    base = {"title": "Pekan Budaya", "kind": "video", "channel": ["poster"], "optfields_poster": "1"}
    resp = client.post(
        "/items/new",
        data={
            **base,
            "opt_poster_screens": ["s2", "s9"],  # s9 is no choice: dropped
            "opt_poster_thread": "1",
            "opt_poster_tags": "budaya, padang,",
            "opt_poster_category": "news",
            "options_poster": '{"dayparts": ["pagi"], "thread": false}',  # the field wins over the JSON
        },
    )
    assert resp.status_code == 302
    item = db.session.execute(db.select(Item)).scalar_one()
    assert item.target("poster").options == {
        "dayparts": ["pagi"],
        "thread": True,
        "screens": ["s2"],
        "tags": ["budaya", "padang"],
        "category": "news",
    }
    edit = client.get(f"/items/{item.id}/edit").get_data(as_text=True).split('value="poster"')[1]
    assert 'name="opt_poster_screens" value="s2" checked' in edit and 'value="s1" checked' not in edit
    assert 'name="opt_poster_thread" value="1" checked' in edit and 'value="budaya, padang"' in edit
    assert '<option value="news" selected>' in edit
    assert '>{"dayparts": ["pagi"]}</textarea>' in edit  # the JSON keeps only what has no field
    # unticking and emptying the fields removes those options
    assert (
        client.post(f"/items/{item.id}/edit", data={**base, "options_poster": '{"dayparts": ["pagi"]}'}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Item, item.id).target("poster").options == {"dayparts": ["pagi"]}
    bad = client.post(f"/items/{item.id}/edit", data={**base, "opt_poster_category": "gossip"})
    assert bad.status_code == 422 and "Kategori: pilihan &#39;gossip&#39; tidak tersedia." in bad.get_data(as_text=True)
    array = client.post(f"/items/{item.id}/edit", data={**base, "options_poster": "[1, 2]"})
    assert array.status_code == 422 and "harus berupa objek JSON" in array.get_data(as_text=True)


def test_media_uploaded_on_the_new_item_form_is_attached_when_saved(client, people, login):
    from hub.models import Asset

    def asset(name: str, **fields) -> Asset:
        row = Asset(original_name=name, kind="video", mime="video/mp4", size=10, status="ready", **fields)
        db.session.add(row)
        return row

    mine = asset("pekan.mp4", organisation_id=people.requester.id, uploaded_by_id=people.pemohon.id)
    foreign = asset("lain.mp4", organisation_id=people.operator.id, uploaded_by_id=people.creator.id)
    db.session.commit()
    login(client, people.pemohon)
    form = client.get("/items/new").get_data(as_text=True)
    assert 'id="media"' in form and "data-hub-upload" in form and 'data-field="asset_ids"' in form
    resp = client.post(
        "/items/new",
        data={"title": "Pekan Budaya", "kind": "video", "channel": ["checked"], "asset_ids": [mine.id, foreign.id]},
    )
    assert resp.status_code == 302
    item = db.session.execute(db.select(Item)).scalar_one()
    assert [link.asset_id for link in item.assets] == [mine.id]  # someone else's upload is not taken
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Media tidak ditemukan" in page and f'data-asset="{mine.id}"' in page


def test_each_office_reads_its_own_role_titles_on_the_item_page(client, people, login, flow):
    from hub.workflow import engine

    people.operator.role_titles = {"verifikator": "Verifikator Konten Publik"}
    db.session.commit()
    item = new_item(people.pemohon, channels=[{"channel": "checked", "text": "Pendek."}])
    engine.submit(item.id, people.pemohon)
    login(client, people.verifikator)  # the operating office, which renamed the role
    assert "Verifikator Konten Publik" in client.get(f"/items/{item.id}").get_data(as_text=True)
    login(client, people.pemohon)  # the requesting office kept the standard names
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Verifikator Konten Publik" not in page and "Verifikator" in page
