"""Uploads: one-shot and resumable, type from content, limits, names, duplicates; every refusal
leaves no file and no row."""

from __future__ import annotations

import hashlib

import pytest

from hub.extensions import db
from hub.models import Asset
from tests import media_factory as mf
from tests.media_support import (
    assert_refused,
    asset_rows,
    creator_fixture,  # noqa: F401 - fixture
    media_files,
    send_chunk,
    start_upload,
    upload_once,
    upload_resumable,
)


@pytest.fixture
def headers(creator, api_headers):
    return api_headers(creator)


@pytest.mark.parametrize("raw", [False, True], ids=["multipart", "raw"])
def test_one_shot_upload_stores_the_video_under_a_generated_name(app, client, headers, creator, tmp_path, raw):
    video = mf.hd_720p(tmp_path / "src", name="Kegiatan Bupati.MOV")
    resp = upload_once(client, headers, video, raw=raw)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["kind"] == "video" and body["mime"] == "video/mp4"  # from the bytes, not the .MOV name
    assert body["name"] == "Kegiatan Bupati.MOV"
    assert body["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()
    assert body["status"] == "probing" and body["duplicate"] is False
    assert (body["width"], body["height"], body["orientation"]) == (1280, 720, "landscape")
    asset = db.session.get(Asset, body["id"])
    assert asset.uploaded_by_id == creator.id and asset.organisation_id == creator.organisation_id
    assert asset.stored_name.endswith(".mp4") and "Kegiatan" not in asset.stored_name
    assert media_files(app) == [(tmp_path / "media" / asset.stored_name)]
    assert (tmp_path / "media" / asset.stored_name).read_bytes() == video.read_bytes()


def test_resumable_upload_in_chunks_with_a_dropped_connection(app, client, headers, tmp_path):
    video = mf.landscape_1080p(tmp_path / "src")
    data = video.read_bytes()
    resp = start_upload(client, headers, "video.mp4", len(data))
    assert resp.status_code == 201
    upload_id = resp.get_json()["id"]
    assert resp.headers["Upload-Offset"] == "0"

    first = 50_000
    resp = send_chunk(client, headers, upload_id, 0, data[:first])
    assert resp.status_code == 204 and resp.headers["Upload-Offset"] == str(first)
    # the connection "drops": the client asks where to resume
    head = client.head(f"/api/v1/uploads/{upload_id}", headers=headers)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(first)
    assert head.headers["Upload-Length"] == str(len(data))
    # a chunk at the wrong offset is refused with the right one, and the upload goes on
    resp = send_chunk(client, headers, upload_id, 0, data[:1000])
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["code"] == "offset_mismatch" and resp.get_json()["offset"] == first
    # Content-Range works as well as Upload-Offset
    second = 100_000
    resp = client.patch(
        f"/api/v1/uploads/{upload_id}",
        data=data[first:second],
        headers={**headers, "Content-Range": f"bytes {first}-{second - 1}/{len(data)}"},
    )
    assert resp.status_code == 204 and resp.headers["Upload-Offset"] == str(second)
    resp = send_chunk(client, headers, upload_id, second, data[second:])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["width"], body["height"], body["duration"]) == (1920, 1080, 2.0)
    # the session is gone, only the stored file remains
    assert client.head(f"/api/v1/uploads/{upload_id}", headers=headers).status_code == 404
    assert len(media_files(app)) == 1


def test_a_resumed_upload_in_another_process_still_gets_the_right_hash(app, client, headers, tmp_path):
    from hub.media import uploads

    data = mf.sd_480p(tmp_path / "src").read_bytes()
    upload_id = start_upload(client, headers, "v.mp4", len(data)).get_json()["id"]
    assert send_chunk(client, headers, upload_id, 0, data[:20_000]).status_code == 204
    uploads._HASHERS.clear()  # as if the next chunk reached another web process
    resp = send_chunk(client, headers, upload_id, 20_000, data[20_000:])
    assert resp.status_code == 201
    assert resp.get_json()["sha256"] == hashlib.sha256(data).hexdigest()


def test_uploads_belong_to_their_uploader(app, client, headers, make_user, api_headers, creator):
    other = make_user("dodi", roles=["pembuat_konten"], org=creator.organisation)
    upload_id = start_upload(client, headers, "v.mp4", 1000).get_json()["id"]
    other_headers = api_headers(other)
    assert client.head(f"/api/v1/uploads/{upload_id}", headers=other_headers).status_code == 404
    assert send_chunk(client, other_headers, upload_id, 0, b"x" * 10).status_code == 404
    assert client.delete(f"/api/v1/uploads/{upload_id}", headers=headers).status_code == 204
    assert media_files(app) == []


def test_the_same_file_twice_is_recognised_and_stored_once(app, client, headers, tmp_path):
    image = mf.make_image(tmp_path / "src", 300, 200, "JPEG")
    first = upload_once(client, headers, image, name="foto.jpg")
    assert first.status_code == 201
    second = upload_resumable(client, headers, image, name="foto-lagi.jpg")
    assert second.status_code == 200, second.get_json()
    body = second.get_json()
    assert body["duplicate"] is True and body["id"] == first.get_json()["id"]
    assert "foto.jpg" in body["message_id"] and "foto.jpg" in body["message_en"]
    assert asset_rows() == 1 and len(media_files(app)) == 1


def test_images_and_pdfs_are_accepted_by_their_content(app, client, headers, tmp_path):
    for path, kind, mime in [
        (mf.make_image(tmp_path, 64, 48, "PNG"), "image", "image/png"),
        (mf.make_image(tmp_path, 64, 48, "WEBP"), "image", "image/webp"),
        (mf.make_image(tmp_path, 64, 48, "GIF"), "image", "image/gif"),
        (mf.make_pdf(tmp_path, pages=2), "document", "application/pdf"),
        (mf.make_video(tmp_path, codec="vp9", container="webm"), "video", "video/webm"),
    ]:
        resp = upload_once(client, headers, path, name="berkas.bin")
        assert resp.status_code == 201, (path, resp.get_json())
        assert (resp.get_json()["kind"], resp.get_json()["mime"]) == (kind, mime)


# --- refusals: a clear message, no file, no row ---------------------------------------------------


@pytest.mark.parametrize("raw", [False, True], ids=["multipart", "raw"])
def test_an_html_file_renamed_mp4_is_refused(app, client, headers, tmp_path, raw):
    page = mf.html_renamed(tmp_path, "video-bupati.mp4")
    assert_refused(upload_once(client, headers, page, raw=raw), app, code="html_refused", words=("HTML",))
    assert_refused(upload_resumable(client, headers, page), app, code="html_refused")


@pytest.mark.parametrize(
    "make",
    [
        lambda d: mf.truncated_mp4(d),
        lambda d: mf.truncated_mp4(d, faststart=True),
        lambda d: mf.corrupt_mp4(d),
    ],
    ids=["index-lost", "frames-lost", "garbage"],
)
def test_a_truncated_or_corrupt_mp4_is_refused(app, client, headers, tmp_path, make):
    path = make(tmp_path)
    body = assert_refused(upload_once(client, headers, path), app, code="corrupt_video")
    assert "rusak" in body["detail"] and body["lang"] == "id"
    english = assert_refused(upload_once(client, {**headers, "Accept-Language": "en"}, path), app, code="corrupt_video")
    assert "damaged" in english["detail"] and english["lang"] == "en"
    assert_refused(upload_resumable(client, headers, path, chunk=4096), app, code="corrupt_video")


def test_an_svg_with_a_script_is_refused(app, client, headers, tmp_path):
    svg = mf.svg_with_script(tmp_path)
    body = assert_refused(upload_once(client, headers, svg), app, code="svg_refused", words=("SVG", "PNG"))
    assert body["detected"] == "image/svg+xml"
    # renamed to .png it is still an SVG
    assert_refused(upload_once(client, headers, svg, name="logo.png"), app, code="svg_refused")


@pytest.mark.parametrize("raw", [False, True], ids=["multipart", "raw"])
def test_one_byte_over_the_limit_is_refused_and_at_the_limit_accepted(make_app, make_user, api_headers, tmp_path, raw):
    app = make_app(MEDIA_MAX_IMAGE_BYTES=20_000)
    with app.app_context():
        user = make_user_in(app, make_user)
        headers = api_headers(user)
        client = app.test_client()
        image = mf.make_image(tmp_path / "src", 40, 40, "PNG")
        at_limit = tmp_path / "at-limit.png"
        at_limit.write_bytes(image.read_bytes().ljust(20_000, b"\0"))
        over = tmp_path / "over.png"
        over.write_bytes(image.read_bytes().ljust(20_001, b"\0"))

        body = assert_refused(upload_once(client, headers, over, raw=raw), app, code="too_large", status=413)
        assert body["limit"] == 20_000 and body["size"] >= 20_001
        assert "20.000" in body["detail"]
        english = {**headers, "Accept-Language": "en"}
        body = assert_refused(upload_once(client, english, over, raw=raw), app, code="too_large", status=413)
        assert "20,000" in body["detail"]
        assert_refused(upload_resumable(client, headers, over), app, code="too_large", status=413)
        resp = upload_once(client, headers, at_limit, raw=raw)
        assert resp.status_code == 201, resp.get_json()
        assert resp.get_json()["size"] == 20_000


def make_user_in(app, make_user):
    from hub.models import Organisation

    org = Organisation(name="Dinas Kesehatan", kind="requester")
    db.session.add(org)
    db.session.commit()
    return make_user("eka", roles=["pembuat_konten"], org=org)


def test_a_resumable_upload_larger_than_any_limit_is_refused_before_any_byte(make_app, make_user, api_headers):
    app = make_app(MEDIA_MAX_VIDEO_BYTES=1000, MEDIA_MAX_IMAGE_BYTES=1000, MEDIA_MAX_DOCUMENT_BYTES=1000)
    with app.app_context():
        headers = api_headers(make_user_in(app, make_user))
        resp = start_upload(app.test_client(), headers, "v.mp4", 1001)
        assert_refused(resp, app, code="too_large", status=413)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.mp4", "..\\video.mp4", "video/../../x.mp4", "video\x00.mp4", "vi\ndeo.mp4", "a\u202egnp.exe"],
    ids=["dotdot", "backslash", "inner-dotdot", "nul", "newline", "bidi"],
)
def test_a_name_with_a_path_or_control_characters_is_refused(app, client, headers, tmp_path, name):
    image = mf.make_image(tmp_path, 32, 32, "PNG")
    body = assert_refused(upload_once(client, headers, image, name=name, raw=True), app, code="bad_name")
    assert "nama berkas" in body["detail"].lower()
    english = {**headers, "Accept-Language": "en"}
    body = assert_refused(upload_once(client, english, image, name=name, raw=True), app, code="bad_name")
    assert "file name" in body["detail"].lower()
    if "\x00" in name:  # in a JSON body a NUL is refused by the shared JSON reader, before the name is read
        assert_refused(start_upload(client, headers, name, 100), app, code="invalid_json", status=400)
    else:
        assert_refused(start_upload(client, headers, name, 100), app, code="bad_name")


def test_an_image_over_the_pixel_cap_is_refused(make_app, make_user, api_headers, tmp_path):
    app = make_app(MEDIA_MAX_IMAGE_PIXELS=10_000)
    with app.app_context():
        headers = api_headers(make_user_in(app, make_user))
        client = app.test_client()
        body = assert_refused(
            upload_once(client, headers, mf.make_image(tmp_path, 101, 100, "JPEG")), app, code="too_many_pixels"
        )
        assert body["limit"] == 10_000 and body["pixels"] == 10_100
        assert upload_once(client, headers, mf.make_image(tmp_path, 100, 100, "JPEG")).status_code == 201


def test_other_refusals_name_what_to_do(app, client, headers, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert_refused(upload_once(client, headers, tmp_path / "notes.txt"), app, code="unsupported_type")
    zipped = tmp_path / "archive.mp4"
    zipped.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    body = assert_refused(upload_once(client, headers, zipped), app, code="unsupported_type")
    assert body["detected"] == "application/zip"
    assert_refused(upload_once(client, headers, mf.truncated_pdf(tmp_path)), app, code="corrupt_pdf")
    audio = mf.make_video(tmp_path, codec="vp8", container="mkv")
    assert upload_once(client, headers, audio).status_code == 201  # a real MKV is fine


def test_uploading_needs_the_permission(app, client, make_user, api_headers, tmp_path):
    viewer = make_user("vera", roles=["verifikator"])  # approvers may upload too
    assert upload_once(client, api_headers(viewer), mf.make_image(tmp_path, 20, 20)).status_code == 201
    tech = make_user("teknisi1", roles=["system_admin"])
    resp = upload_once(client, api_headers(tech), mf.make_image(tmp_path, 21, 21))
    assert resp.status_code == 403
    assert client.post("/api/v1/uploads", json={"name": "a.mp4", "size": 10}).status_code == 401


def test_browser_sessions_must_send_the_csrf_header_on_streaming_uploads(make_app, make_user, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user_in(app, make_user)
        client = app.test_client()
        _login_with_csrf(client, user)
        image = mf.make_image(tmp_path, 30, 30)
        resp = upload_once(client, {}, image, raw=True)
        assert resp.status_code == 400 and resp.get_json()["code"] == "csrf_failed"
        assert media_files(app) == []
        token = _csrf_token(client, "/")
        resp = upload_once(client, {"X-CSRFToken": "wrong"}, image)
        assert resp.status_code == 400 and resp.get_json()["code"] == "csrf_failed"
        resp = upload_once(client, {"X-CSRFToken": token}, image)
        assert resp.status_code == 201, resp.get_json()


def _csrf_token(client, page_url: str = "/login") -> str:
    import re

    page = client.get(page_url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login_with_csrf(client, user) -> None:
    from tests.conftest import current_totp_code

    token = _csrf_token(client)
    resp = client.post("/login", data={"username": user.username, "password": user.test_password, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    token = _csrf_token(client)
    resp = client.post("/login/code", data={"code": current_totp_code(user), "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
