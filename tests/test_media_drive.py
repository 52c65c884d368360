"""Google Drive links, against a local stub that behaves like Drive (tests/stubs/drive.py)."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.media.drive import parse_link
from hub.media.errors import MediaError
from hub.models import Asset, ItemAsset, Organisation
from tests import media_factory as mf
from tests.media_support import asset_rows, make_item, media_files
from tests.stubs.drive import DriveStub


@pytest.fixture
def drive():
    stub = DriveStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def drive_app(make_app, drive):
    app = make_app(DRIVE_BASE_URL=drive.base_url, DRIVE_DOWNLOAD_URL=drive.download_url)
    with app.app_context():
        yield app


@pytest.fixture
def person(drive_app, make_user):
    org = Organisation(name="Dinas Pariwisata", kind="requester")
    db.session.add(org)
    db.session.commit()
    return make_user("citra", roles=["pembuat_konten"], org=org)


def _submit(app, headers, url, **extra):
    return app.test_client().post("/api/v1/media/drive", json={"url": url, **extra}, headers=headers)


def _status(app, headers, import_id):
    resp = app.test_client().get(f"/api/v1/media/drive/{import_id}", headers=headers)
    assert resp.status_code == 200
    return resp.get_json()


def _run(drive_app, run_jobs):
    from hub.jobs import run_worker

    run_worker(drive_app, burst=True, with_scheduler=False)


@pytest.mark.parametrize(
    "link",
    [
        "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view?usp=sharing",
        "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "https://drive.google.com/uc?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345&export=download",
        "https://drive.usercontent.google.com/download?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345&export=download",
        "  https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view  ",
    ],
)
def test_share_link_forms(app, link):
    assert parse_link(link) == "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"


@pytest.mark.parametrize(
    "link, code",
    [
        ("https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQrStUvWxYz012345", "drive_folder_link"),
        ("https://evil.example/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view", "drive_bad_link"),
        ("https://drive.google.com/file/d/short/view", "drive_bad_link"),
        ("file:///etc/passwd", "drive_bad_link"),
        ("", "drive_bad_link"),
    ],
)
def test_links_that_are_not_drive_files_are_refused_at_once(app, link, code):
    with pytest.raises(MediaError) as err:
        parse_link(link)
    assert err.value.code == code and "Drive" in err.value.message_id and "Drive" in err.value.message_en


def test_a_drive_link_ends_stored_probed_and_attached_to_the_item(drive_app, drive, person, api_headers, tmp_path):
    headers = api_headers(person)
    video = mf.hd_720p(tmp_path, name="Festival Pesona.mp4").read_bytes()
    file_id = drive.add(video, "Festival Pesona.mp4", mime="video/mp4")
    item = make_item(person, kind="video")
    resp = _submit(drive_app, headers, drive.share_link(file_id), item_id=item.id)
    assert resp.status_code == 202, resp.get_json()
    import_id = resp.get_json()["id"]
    assert _status(drive_app, headers, import_id)["status"] == "queued"
    _run(drive_app, None)
    status = _status(drive_app, headers, import_id)
    assert status["status"] == "done", status
    assert status["received"] == status["total"] == len(video)
    asset = db.session.get(Asset, status["asset_id"])
    assert asset.status == "ready" and asset.source == drive.share_link(file_id)
    assert (asset.width, asset.height, asset.orientation, asset.duration) == (1280, 720, "landscape", 2.0)
    assert asset.original_name == "Festival Pesona.mp4" and asset.uploaded_by_id == person.id
    links = db.session.execute(db.select(ItemAsset).where(ItemAsset.item_id == item.id)).scalars().all()
    assert [(link.asset_id, link.role) for link in links] == [(asset.id, "main")]
    assert (drive_app.config["MEDIA_DIR"] + "/" + asset.stored_name) in [str(p) for p in media_files(drive_app)]
    assert set(asset.derivatives) >= {"poster", "thumbnail"}  # derivatives ran too
    assert status["asset"]["id"] == asset.id


def test_a_large_file_goes_through_the_virus_scan_confirmation(drive_app, drive, person, api_headers, tmp_path):
    headers = api_headers(person)
    video = mf.sd_480p(tmp_path).read_bytes()
    file_id = drive.add(video, "besar.mp4", mime="video/mp4", large=True)
    import_id = _submit(drive_app, headers, f"{drive.base_url}/open?id={file_id}").get_json()["id"]
    _run(drive_app, None)
    status = _status(drive_app, headers, import_id)
    assert status["status"] == "done", status
    confirmed = [q for host, path, q in drive.requests if path == "/download" and q.get("confirm") == "t"]
    assert confirmed and confirmed[0]["uuid"] == drive.files[file_id].uuid
    assert db.session.get(Asset, status["asset_id"]).sha256 is not None


@pytest.mark.parametrize("style", ["login", "denied"])
def test_a_private_file_is_refused_with_what_to_do(drive_app, drive, person, api_headers, tmp_path, style):
    headers = api_headers(person)
    file_id = drive.add(mf.sd_480p(tmp_path).read_bytes(), "rahasia.mp4", public=False, private_style=style)
    import_id = _submit(drive_app, headers, drive.share_link(file_id)).get_json()["id"]
    _run(drive_app, None)
    status = _status(drive_app, headers, import_id)
    assert status["status"] == "failed" and status["error"] == "drive_private"
    assert "Siapa saja yang memiliki link" in status["message_id"] and "Anyone with the link" in status["message_en"]
    assert media_files(drive_app) == [] and asset_rows() == 0
    # the hub never followed the redirect to Google's sign-in page
    assert all(host in ("site", "download") for host, _p, _q in drive.requests)


def test_a_file_that_is_not_a_video_is_refused(drive_app, drive, person, api_headers, tmp_path):
    headers = api_headers(person)
    pdf_id = drive.add(mf.make_pdf(tmp_path).read_bytes(), "surat.pdf", mime="application/pdf")
    page_id = drive.add(mf.html_renamed(tmp_path).read_bytes(), "video.mp4", mime="video/mp4")
    missing = "1" + "x" * 32
    outcomes = {}
    for key, file_id in (("pdf", pdf_id), ("html", page_id), ("missing", missing)):
        outcomes[key] = _submit(drive_app, headers, drive.share_link(file_id)).get_json()["id"]
    _run(drive_app, None)
    pdf = _status(drive_app, headers, outcomes["pdf"])
    assert pdf["error"] == "drive_wrong_kind"
    assert "bukan video" in pdf["message_id"] and "not a video" in pdf["message_en"]
    assert _status(drive_app, headers, outcomes["html"])["error"] == "html_refused"
    assert _status(drive_app, headers, outcomes["missing"])["error"] == "drive_not_found"
    assert media_files(drive_app) == [] and asset_rows() == 0
    # asking for a document accepts the same PDF
    doc = _submit(drive_app, headers, drive.share_link(pdf_id), kind="document").get_json()["id"]
    _run(drive_app, None)
    assert _status(drive_app, headers, doc)["status"] == "done"


def test_the_size_limit_applies_while_downloading(make_app, drive, make_user, api_headers, tmp_path):
    app = make_app(DRIVE_BASE_URL=drive.base_url, DRIVE_DOWNLOAD_URL=drive.download_url, MEDIA_MAX_VIDEO_BYTES=30_000)
    with app.app_context():
        person = make_user("citra", roles=["pembuat_konten"])
        headers = api_headers(person)
        video = mf.sd_480p(tmp_path).read_bytes()
        assert len(video) > 30_000
        link = drive.share_link(drive.add(video, "v.mp4", mime="video/mp4"))
        import_id = _submit(app, headers, link).get_json()["id"]
        _run(app, None)
        status = _status(app, headers, import_id)
        assert status["error"] == "too_large" and "30.000" in status["message_id"]
        assert media_files(app) == [] and asset_rows() == 0


def test_submitting_checks_the_link_and_the_item_at_once(drive_app, drive, person, make_user, make_org, api_headers):
    headers = api_headers(person)
    resp = _submit(drive_app, headers, "https://example.com/video.mp4")
    assert resp.status_code == 422 and resp.get_json()["code"] == "drive_bad_link"
    stranger = make_user("sari", roles=["pembuat_konten"], org=make_org("Dinas Perhubungan", kind="requester"))
    their_item = make_item(stranger)
    link = drive.share_link(drive.add(b"x", "x.mp4"))
    assert _submit(drive_app, headers, link, item_id=their_item.id).status_code == 403
    approved = make_item(person, status="approved")
    assert _submit(drive_app, headers, link, item_id=approved.id).status_code == 403
    # someone else's import is not visible
    import_id = _submit(drive_app, headers, link).get_json()["id"]
    other = drive_app.test_client().get(f"/api/v1/media/drive/{import_id}", headers=api_headers(stranger))
    assert other.status_code == 404


def test_an_import_that_finishes_after_submission_says_it_could_not_attach(
    drive_app, drive, person, api_headers, tmp_path, login
):
    """The file arrives after the item was submitted: the status (API) and the item page say so."""
    headers = api_headers(person)
    video = mf.hd_720p(tmp_path, name="Festival Pesona.mp4").read_bytes()
    file_id = drive.add(video, "Festival Pesona.mp4", mime="video/mp4")
    item = make_item(person, kind="video")
    import_id = _submit(drive_app, headers, drive.share_link(file_id), item_id=item.id).get_json()["id"]
    item.status = "in_review"  # submitted while the download is queued
    db.session.commit()
    _run(drive_app, None)
    status = _status(drive_app, headers, import_id)
    assert status["status"] == "done" and status["attach_error"] == "item_not_editable", status
    assert status["item_id"] == item.id
    assert "Festival" in status["attach_message_en"] and status["attach_message_id"]
    assert db.session.scalar(db.select(ItemAsset).where(ItemAsset.item_id == item.id)) is None
    client = drive_app.test_client()
    login(client, person)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'id="drive-not-attached"' in page and "Festival Pesona.mp4" in page
