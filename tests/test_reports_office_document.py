"""A report PDF is an office document: letterhead with the logo, page n of m, who printed it,
and the signature blocks with names and NIP. Rendered to pixels and read back, as a reader sees it."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from PIL import Image

from hub.extensions import db
from hub.models import Organisation, User
from tests.web_support import sign_in_factory

NIP_HEAD = "196704071998031007"
NIP_CLERK = "19800115 200501 2 003"


def _png(colour=(200, 20, 30), size=(120, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _pages(data: bytes) -> list[tuple[str, Image.Image, float]]:
    doc = pdfium.PdfDocument(data)
    pages = []
    for page in doc:
        text = page.get_textpage().get_text_range()
        pages.append((text, page.render(scale=2).to_pil().convert("RGB"), page.get_height()))
    return pages


def _today_in_letters() -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from hub.dates import format_day

    return format_day(dt.datetime.now(ZoneInfo("Asia/Makassar")).date(), "id", "letter")  # "7 Desember 2026"


@pytest.fixture
def office(app, make_org, make_user):
    org = make_org("Dinas Komunikasi dan Informatika Provinsi Kalimantan Utara", kind="operator")
    org.address = "Jl. Kolonel Soetadji, Tanjung Selor"
    org.city = "Tanjung Selor"
    org.timezone = "Asia/Makassar"  # Kaltara: WITA
    from hub.admin.logo import clean_logo

    org.logo = clean_logo(_png())
    head = make_user("kadis", roles=["kepala_dinas"], org=org, full_name="Ilham Zain, S.Sos, M.PA")
    head.nip, head.position = NIP_HEAD, "Kepala Dinas Kominfo"
    clerk = make_user("subkoor", roles=["sub_koordinator"], org=org, full_name="Rina Wulandari")
    clerk.nip = NIP_CLERK.replace(" ", "")
    db.session.commit()
    return org, head, clerk


def test_report_pdf_prints_letterhead_pages_and_signatures(app, client, request, office):
    org, head, clerk = office
    sign_in_factory(request, app, client)(clerk)
    resp = client.get("/reports/sla.pdf?start=2026-11-01&end=2026-11-30")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    pages = _pages(resp.data)
    first_text, first_image, height = pages[0]
    last_text = pages[-1][0]
    assert "Dinas Komunikasi dan Informatika Provinsi Kalimantan Utara" in first_text
    assert "Jl. Kolonel Soetadji, Tanjung Selor" in first_text
    assert f"Halaman 1 dari {len(pages)}" in first_text
    # the printed-by line in the Indonesian long form, in the office's zone (WITA)
    assert re.search(r"Dicetak oleh Rina Wulandari pada \w+, \d{1,2} \w+ \d{4} pukul \d\d\.\d\d WITA", first_text)
    # signature blocks: the clerk compiled it, the head of the office acknowledges it
    for words in ("Disusun oleh,", "Mengetahui,", "Rina Wulandari", "NIP. 19800115 200501 2 003",
                  "Kepala Dinas Kominfo", "Ilham Zain, S.Sos, M.PA", "NIP. 19670407 199803 1 007",
                  f"Tanjung Selor, {_today_in_letters()}"):  # fmt: skip
        assert words in last_text, (words, last_text)
    # the logo is printed at the top left (red square), nothing red elsewhere in that band
    mm = first_image.width / 210
    x, y = int(12 * mm), int(14 * mm)
    r, g, b = first_image.getpixel((x, y))
    assert r > 150 and g < 80 and b < 80, (r, g, b)
    assert first_image.getpixel((int(190 * mm), y)) == (255, 255, 255)


def test_english_reader_gets_english_captions_and_one_block_when_the_head_prints(app, client, request, office):
    org, head, _clerk = office
    sign_in_factory(request, app, client)(head)
    client.post("/lang", data={"lang": "en", "next": "/"})
    pages = _pages(client.get("/reports/sla.pdf?start=2026-11-01&end=2026-11-30").data)
    text = pages[-1][0]
    assert f"Page 1 of {len(pages)}" in pages[0][0]
    assert re.search(r"Printed by Ilham Zain, S\.Sos, M\.PA on \w+, \d{1,2} \w+ \d{4} at \d\d:\d\d WITA", pages[0][0])
    assert "Compiled by," in text and "Acknowledged by" not in text
    assert "NIP. 19670407 199803 1 007" in text


def test_a_missing_head_leaves_a_line_to_sign_by_hand(app, client, request, make_org, make_user):
    org = make_org("Dinas Pariwisata", kind="operator")
    clerk = make_user("tono", roles=["sub_koordinator"], org=org)
    sign_in_factory(request, app, client)(clerk)
    pages = _pages(client.get("/reports/sla.pdf?start=2026-11-01&end=2026-11-30").data)
    text = pages[-1][0]
    assert "Mengetahui," in text and "NIP. ......" in text


def test_nip_is_checked_and_kept_as_digits(app, client, request, make_user):
    admin = make_user("sysadmin", roles=["system_admin"])
    clerk = make_user("rina", roles=["sub_koordinator"])
    sign_in_factory(request, app, client)(admin)
    form = {"full_name": "Rina", "email": "", "organisation_id": clerk.organisation_id, "language": "id",
            "roles": ["sub_koordinator"], "position": "Sub Koordinator"}  # fmt: skip
    bad = client.post(f"/admin/users/{clerk.id}", data={**form, "nip": "1980 0115 2005"})
    assert bad.status_code == 422
    assert "NIP harus 18 angka" in bad.get_data(as_text=True)
    assert db.session.get(User, clerk.id).nip == ""
    assert client.post(f"/admin/users/{clerk.id}", data={**form, "nip": "19801301 200501 2 003"}).status_code == 422
    ok = client.post(f"/admin/users/{clerk.id}", data={**form, "nip": NIP_CLERK})
    assert ok.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, clerk.id)
    assert saved.nip == "198001152005012003" and saved.nip_display == NIP_CLERK
    assert saved.position == "Sub Koordinator"


def test_logo_upload_is_checked_and_reencoded(app, client, request, make_user, make_org):
    admin = make_user("sysadmin", roles=["system_admin"])
    org = make_org("Dinas Kesehatan", kind="requester")
    sign_in_factory(request, app, client)(admin)
    form = {"name": org.name, "short_name": "Dinkes", "kind": "requester", "timezone": "Asia/Makassar",
            "address": "Jl. Sudirman 1", "city": "Tarakan"}  # fmt: skip
    bad = client.post(
        f"/admin/organisations/{org.id}",
        data={**form, "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "Logo bukan gambar" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).logo is None
    jpeg = io.BytesIO()
    Image.new("RGB", (1600, 400), (0, 90, 160)).save(jpeg, format="JPEG")
    ok = client.post(
        f"/admin/organisations/{org.id}",
        data={**form, "logo": (io.BytesIO(jpeg.getvalue()), "logo.jpg")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Organisation, org.id)
    assert saved.city == "Tarakan" and saved.address == "Jl. Sudirman 1"
    with Image.open(io.BytesIO(saved.logo)) as image:
        assert image.format == "PNG" and max(image.size) == 600
    page = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page
    client.post(f"/admin/organisations/{org.id}", data={**form, "remove_logo": "1"})
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).logo is None
