"""PPID documents: checks, never publishing excluded ones, the public DIP page and its export."""

from __future__ import annotations

import html
import io

import pytest
from hub_website import ppid
from hub_website.models import DipEntry
from openpyxl import load_workbook

from hub.exceptions import PermanentPublishError
from hub.extensions import db
from hub.models import Item
from hub.plugins import plugins
from tests import media_factory
from tests.website_support import (  # noqa: F401 - wordpress_stub is a fixture
    add_site,
    call,
    image_asset,
    pdf_asset,
    ppid_item,
    publication,
    store_asset,
    wordpress_stub,
)


@pytest.fixture
def officer(make_user):
    return make_user("pia", roles=["admin_website"])


def _problems(item, channel: str, phase: str = "approve") -> list:
    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels[channel], phase=phase)
    return [p for result in results for p in result]


def test_an_excluded_document_cannot_be_published_anywhere(app, wp, officer, tmp_path):
    add_site(wp, "ppid")
    add_site(wp, "website")
    item = ppid_item(officer, tmp_path, info_class="dikecualikan", channels=("ppid", "website", "videotron"))

    for channel in ("ppid", "website", "videotron", "x"):
        rules = [p.rule for p in _problems(item, channel) if p.severity == "error"]
        assert "ppid.excluded" in rules, channel

    # even if someone bypasses the checks, no channel's publish goes through
    for channel in ("ppid", "website", "videotron"):
        with pytest.raises(PermanentPublishError, match="dikecualikan"):
            call("publish", publication(item, channel), item, channel)
    assert wp.requests == [], "nothing was sent to WordPress"
    assert db.session.execute(db.select(DipEntry)).scalars().all() == []
    assert "Laporan Keuangan" not in app.test_client().get("/ppid/dip").get_data(as_text=True)


def test_a_berkala_document_appears_on_the_public_dip_page_and_in_the_export(app, wp, officer, tmp_path):
    add_site(wp, "ppid")
    item = ppid_item(officer, tmp_path, unit="Bidang Informasi Publik", responsible="Sekretaris Dinas", place="Padang")
    other = ppid_item(
        officer,
        tmp_path,
        info_class="serta-merta",
        title="Peringatan Dini Banjir Padang",
        unit="Sekretariat",
        summary="Informasi peringatan dini bencana banjir.",
        year=2026,
    )
    assert [p for p in _problems(item, "ppid") if p.severity == "error"] == []

    result = call("publish", publication(item, "ppid"), item)
    call("publish", publication(other, "ppid"), other)

    # on the PPID WordPress site: the PDF, then a post in the DIP category linking it
    post = wp.posts[int(result.remote_id)]
    dip_category = next(t for t in wp.state.terms.values() if t["name"] == "Daftar Informasi Publik")
    assert dip_category["id"] in post["categories"]
    pdf = next(m for m in wp.media.values() if m["source_url"] in post["content"])
    assert pdf["mime_type"] == "application/pdf" and pdf["bytes"] == (tmp_path / "laporan.pdf").read_bytes()
    assert "Informasi Berkala" in post["content"] and "Bidang Informasi Publik" in post["content"]
    assert "Sekretaris Dinas" in post["content"] and "Padang" in post["content"]

    # the hub's public page, without logging in: grouped by class, then unit
    client = app.test_client()
    page = client.get("/ppid/dip")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    html = html.split('role="search"', 1)[1].split("</form>", 1)[1]  # the list, after the filter form
    assert "Laporan Keuangan Dinas 2025" in html and "Peringatan Dini Banjir Padang" in html
    assert "2 dokumen" in html and "Unduh daftar (XLSX)" in html  # Bahasa Indonesia first
    assert html.index("Informasi Berkala") < html.index("Bidang Informasi Publik") < html.index("Laporan Keuangan")
    assert html.index("Laporan Keuangan") < html.index("Informasi Serta Merta") < html.index("Peringatan Dini")

    found = client.get("/ppid/dip?q=banjir").get_data(as_text=True)
    assert "Peringatan Dini Banjir Padang" in found and "Laporan Keuangan Dinas" not in found
    assert "Laporan Keuangan" in client.get("/ppid/dip?class=berkala&year=2025").get_data(as_text=True)
    assert "Laporan Keuangan" not in client.get("/ppid/dip?q=tidakada").get_data(as_text=True)

    entry = db.session.execute(db.select(DipEntry).filter_by(item_id=item.id)).scalar_one()
    download = client.get(f"/ppid/dip/{entry.id}/file")
    assert download.status_code == 200 and download.data == (tmp_path / "laporan.pdf").read_bytes()
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    sheet = load_workbook(io.BytesIO(client.get("/ppid/dip.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    # the elements every DIP must have (Perki 1/2010 Pasal 13), then the class and the link
    assert rows[0] == (
        "No.",
        "Judul Informasi / Information title",
        "Ringkasan Isi Informasi / Summary",
        "Pejabat/Unit yang Menguasai Informasi / Unit holding the information",
        "Penanggung Jawab Pembuatan atau Penerbitan / Made or issued by",
        "Waktu dan Tempat Pembuatan / Time and place made",
        "Bentuk Informasi yang Tersedia / Form available",
        "Jangka Waktu Penyimpanan / Retention",
        "Klasifikasi / Class",
        "Tautan / Link",
    )
    assert rows[1] == (
        1,
        "Laporan Keuangan Dinas 2025",
        "Laporan realisasi anggaran dinas tahun 2025.",
        "Bidang Informasi Publik",
        "Sekretaris Dinas",
        "2025, Padang",
        "Softcopy (PDF)",
        "5 tahun",
        "Informasi Berkala",
        result.remote_url,
    )
    # no one named as maker: the unit made and issued it; no place: the year alone
    assert rows[2][1] == "Peringatan Dini Banjir Padang" and rows[2][8] == "Informasi Serta Merta"
    assert rows[2][3:6] == ("Sekretariat", "Sekretariat", "2026")
    assert len(rows) == 3


def test_unpublishing_takes_the_document_off_the_dip_and_the_ppid_site(app, wp, officer, tmp_path):
    add_site(wp, "ppid")
    item = ppid_item(officer, tmp_path)
    pub = publication(item, "ppid")
    result = call("publish", pub, item)
    entry = db.session.execute(db.select(DipEntry).filter_by(item_id=item.id)).scalar_one()
    assert len(wp.media) == 1

    assert call("unpublish", pub, item) is True

    assert wp.posts[int(result.remote_id)]["status"] == "trash"
    assert wp.media == {}, "the PDF is deleted from the PPID site, not left reachable"
    client = app.test_client()
    assert "Laporan Keuangan" not in client.get("/ppid/dip").get_data(as_text=True)
    assert client.get(f"/ppid/dip/{entry.id}/file").status_code == 404


def test_without_a_ppid_site_the_document_is_listed_on_the_hub_only(app, officer, tmp_path):
    item = ppid_item(officer, tmp_path, info_class="setiap saat")
    result = call("publish", publication(item, "ppid"), item)

    assert result.remote_id.startswith("dip-") and "/ppid/dip#doc-" in result.remote_url
    html = app.test_client().get("/ppid/dip").get_data(as_text=True)
    assert "Informasi Tersedia Setiap Saat" in html and "Laporan Keuangan Dinas 2025" in html


def test_the_pdf_must_really_be_a_pdf_and_the_ppid_fields_are_required(app, officer, tmp_path):
    jpeg = media_factory.make_image(tmp_path, 64, 64, "JPEG", name="scan.pdf")
    fake = store_asset(jpeg, "application/pdf", "document")
    truncated = store_asset(media_factory.truncated_pdf(tmp_path), "application/pdf", "document")
    for doc in (fake, truncated):
        item = ppid_item(officer, tmp_path, document=doc)
        assert [p.rule for p in _problems(item, "ppid")] == ["ppid.pdf_invalid"]

    item = ppid_item(officer, tmp_path, info_class="", unit="", year=None, summary="")
    rules = {p.rule for p in _problems(item, "ppid")}
    assert {"ppid.class", "ppid.unit", "ppid.year", "ppid.summary"} <= rules
    with pytest.raises(PermanentPublishError, match="Klasifikasi informasi"):
        call("publish", publication(item, "ppid"), item)


def test_class_names_are_normalised():
    assert ppid.normalise_class("Serta Merta") == "serta-merta"
    assert ppid.normalise_class("setiap_saat") == "setiap-saat"
    assert ppid.normalise_class(" Dikecualikan ") == "dikecualikan"
    assert ppid.class_label("berkala", "en") == "Periodic information"


def _local_site(name="Situs website"):
    from hub_website.sites import add_site as add

    site = add("website", name, "http://127.0.0.1:9", "editor", "abcd" * 6)
    db.session.commit()
    return site


def test_a_website_item_with_no_wordpress_site_is_refused_at_submission(app, officer):
    from tests.website_support import make_item

    item = make_item(officer, channels=[("website", {"sites": ["Situs lama"]})])
    for phase in ("submit", "approve"):
        problems = _problems(item, "website", phase)
        assert [(p.rule, p.severity) for p in problems] == [("wordpress.no_site", "error")]
        assert "Belum ada situs WordPress aktif" in problems[0].message_id
        assert "no active WordPress site" in problems[0].message_en
    _local_site()
    problems = _problems(item, "website")
    assert [(p.rule, p.severity) for p in problems] == [("wordpress.site_unknown", "error")]
    assert "Situs lama" in problems[0].message_en
    _local_site("Situs lama")
    assert _problems(item, "website") == []


def test_website_checks_title_body_and_image_limits(app, officer, tmp_path):
    from tests.website_support import make_item

    big = image_asset(tmp_path, "PNG", 1200, 1200)
    big.size = 3 * 1024 * 1024
    not_image = pdf_asset(tmp_path)
    item = make_item(officer, title="", body=" ", assets=[(not_image, "featured"), (big, "gallery")])
    _local_site()
    rules = [p.rule for p in _problems(item, "website")]
    assert rules == ["website.title", "website.body", "website.featured_image", "wordpress.upload_size"]
    assert [p.field for p in _problems(item, "website")][-1] == "media"


def test_ppid_fields_may_come_from_the_channel_options_and_any_excluded_mark_wins(app, officer, tmp_path):
    from tests.website_support import make_item

    options = {"class": "setiap saat", "unit": "Bidang Statistik", "year": 2024, "retention": "Permanen"}
    item = make_item(
        officer,
        kind=ppid.KIND,
        channels=[("ppid", options)],
        assets=[(pdf_asset(tmp_path), "document")],
        body="Data statistik sektoral.",
    )
    got = ppid.info(item)
    assert (got.info_class, got.unit, got.year, got.summary) == (
        "setiap-saat",
        "Bidang Statistik",
        2024,
        "Data statistik sektoral.",
    )
    assert [p for p in _problems(item, "ppid") if p.severity == "error"] == []

    item.extra = {"ppid": {"class": "berkala"}}
    assert ppid.info(item).info_class == "berkala"
    item.channels[0].options = {**options, "class": "Dikecualikan"}
    assert ppid.is_excluded(item)
    with pytest.raises(PermanentPublishError, match="dikecualikan"):
        call("publish", publication(item, "ppid"), item)


def test_the_item_form_asks_for_the_ppid_fields_and_the_checks_name_them(
    app, client, login, make_user, officer, tmp_path
):
    """The creator picks the class and types unit, year… in fields of the PPID channel, not in JSON."""
    creator = make_user("suko", roles=["pembuat_konten"])
    login(client, creator)
    page = html.unescape(client.get("/items/new").get_data(as_text=True))
    assert '<select id="opt_ppid_class" name="opt_ppid_class">' in page
    assert 'value="dikecualikan"' in page and "Informasi Dikecualikan" in page
    for name in ("unit", "year", "retention", "responsible", "place", "summary"):
        assert f'name="opt_ppid_{name}"' in page, name
    assert 'name="opt_x_thread"' in page and 'name="opt_facebook_link"' in page
    assert 'name="opt_website_video_url"' in page and 'name="opt_website_categories"' in page

    answer = client.post(
        "/items/new",
        data={
            "title": "LKjIP Diskominfotik 2026",
            "body": "Laporan kinerja tahun 2026.",
            "kind": "ppid_document",
            "channel": "ppid",
            "optfields_ppid": "1",
            "opt_ppid_class": "berkala",
            "opt_ppid_unit": "Sekretariat",
            "opt_ppid_year": "2026",
            "opt_ppid_retention": "5 tahun",
            "opt_ppid_place": "Padang",
        },
    )
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:500]
    item = db.session.execute(db.select(Item).filter_by(title="LKjIP Diskominfotik 2026")).scalar_one()
    info = ppid.info(item)
    assert (info.info_class, info.unit, info.year, info.retention, info.place, info.summary) == (
        "berkala",
        "Sekretariat",
        2026,
        "5 tahun",
        "Padang",
        "Laporan kinerja tahun 2026.",
    )
    # only the PDF is missing now, and at submission that is a warning (SOP 002: it comes at "receive")
    results = plugins().hook.validate_item(item=item, channel=plugins().channels["ppid"], phase="submit")
    assert [(p.rule, p.severity) for r in results for p in r] == [("ppid.pdf_missing", "warning")]

    bare = ppid_item(officer, tmp_path, info_class="", unit="", year=None, summary="")
    messages = {p.rule: (p.message_id, p.message_en) for p in _problems(bare, "ppid")}
    for rule, id_, en in (
        ("ppid.class", "“Klasifikasi informasi” pada kanal PPID", "“Information class” of the PPID channel"),
        ("ppid.unit", "“Unit penanggung jawab” pada kanal PPID", "“Responsible unit” of the PPID channel"),
        ("ppid.year", "“Tahun informasi” pada kanal PPID", "“Year of the information” of the PPID channel"),
    ):
        assert id_ in messages[rule][0] and en in messages[rule][1], rule
