"""Serving files: permissions like the item's, Range requests, Content-Disposition, nosniff."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Asset
from tests import media_factory as mf
from tests.media_support import attach, creator_fixture, make_item, upload_once  # noqa: F401 - fixture


@pytest.fixture
def video_asset(app, client, creator, api_headers, tmp_path):
    path = mf.sd_480p(tmp_path / "src", name="Pawai Budaya.mp4")
    resp = upload_once(client, api_headers(creator), path)
    assert resp.status_code == 201
    return db.session.get(Asset, resp.get_json()["id"]), path.read_bytes()


def test_range_requests_get_partial_content(app, client, creator, login, video_asset):
    asset, data = video_asset
    login(client, creator)
    full = client.get(f"/media/{asset.id}/original")
    assert full.status_code == 200 and full.data == data
    assert full.headers["Accept-Ranges"] == "bytes" and full.mimetype == "video/mp4"
    part = client.get(f"/media/{asset.id}/original", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == data[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    tail = client.get(f"/media/{asset.id}/original", headers={"Range": f"bytes={len(data) - 10}-"})
    assert tail.status_code == 206 and tail.data == data[-10:]
    beyond = client.get(f"/media/{asset.id}/original", headers={"Range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416


def test_headers_keep_the_browser_from_guessing(app, client, creator, login, api_headers, video_asset, tmp_path):
    asset, _data = video_asset
    pdf = upload_once(client, api_headers(creator), mf.make_pdf(tmp_path), name="Laporan 2026.pdf").get_json()
    login(client, creator)
    video = client.get(f"/media/{asset.id}/original")
    assert video.headers["X-Content-Type-Options"] == "nosniff"
    assert video.headers["Content-Disposition"].startswith("inline;")
    assert "Pawai Budaya.mp4" in video.headers["Content-Disposition"]
    assert "sandbox" in video.headers["Content-Security-Policy"]
    doc = client.get(f"/media/{pdf['id']}/original")
    assert doc.mimetype == "application/pdf" and doc.headers["X-Content-Type-Options"] == "nosniff"
    assert doc.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/media/{asset.id}/poster").status_code == 404  # not made yet
    assert client.get(f"/media/{asset.id}/../../etc/passwd").status_code == 404


def test_only_people_who_may_see_the_item_get_the_file(app, client, creator, make_user, make_org, login, video_asset):
    asset, _data = video_asset
    url = f"/media/{asset.id}/original"
    assert client.get(url).status_code == 302  # not logged in: to the login page
    colleague = make_user("dewi", roles=["pembuat_konten"], org=creator.organisation)
    stranger = make_user("sari", roles=["pembuat_konten"], org=make_org("Dinas Perhubungan", kind="requester"))
    verifier = make_user("vera", roles=["verifikator"])  # sees every office's items
    for user, expected in [(colleague, 200), (stranger, 404), (verifier, 200)]:
        c = app.test_client()
        login(c, user)
        assert c.get(url).status_code == expected, user.username

    # attached to an item: the item's rules
    item = make_item(creator)
    attach(item, asset.id)
    c = app.test_client()
    login(c, stranger)
    assert c.get(url).status_code == 404
    c = app.test_client()
    login(c, colleague)
    assert c.get(url).status_code == 200


def test_a_deleted_file_is_gone(app, client, creator, login, api_headers, video_asset):
    asset, _data = video_asset
    headers = api_headers(creator)
    assert client.delete(f"/api/v1/media/{asset.id}", headers=headers).status_code == 204
    db.session.expire_all()
    assert asset.status == "deleted"
    login(client, creator)
    resp = client.get(f"/media/{asset.id}/original")
    assert resp.status_code == 410 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["code"] == "file_gone"
    resp = client.get(f"/api/v1/media/{asset.id}/files/original", headers=headers)
    assert resp.status_code == 410 and resp.get_json()["code"] == "file_gone"


def test_an_asset_in_use_cannot_be_deleted_by_its_uploader(app, client, creator, api_headers, video_asset):
    asset, _data = video_asset
    attach(make_item(creator), asset.id)
    resp = client.delete(f"/api/v1/media/{asset.id}", headers={**api_headers(creator), "Accept-Language": "en"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "in_use"
    assert "Remove it from the item first" in resp.get_json()["detail"]


def test_api_clients_get_the_file_with_range_and_conditional_requests(app, client, creator, api_headers, video_asset):
    """The /api/ route answers like the page's (200, 206, 304), each answer checked against the document."""
    asset, data = video_asset
    headers = api_headers(creator)
    url = f"/api/v1/media/{asset.id}/files/original"
    full = client.get(url, headers=headers)
    assert full.status_code == 200 and full.data == data and full.mimetype == "video/mp4"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    part = client.get(url, headers={**headers, "Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == data[:100]
    same = client.get(url, headers={**headers, "If-None-Match": full.headers["ETag"]})
    assert same.status_code == 304 and same.data == b""
    missing = client.get(f"/api/v1/media/{asset.id}/files/poster", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert client.get(url).status_code == 401


def test_the_upload_bodies_are_declared_but_streamed(app, client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    chunk = paths["/api/v1/uploads/{upload_id}"]["patch"]
    assert "application/offset+octet-stream" in chunk["requestBody"]["content"]
    assert {"201", "204", "409", "413", "507"} <= set(chunk["responses"])
    once = paths["/api/v1/media"]["post"]
    assert {"multipart/form-data", "application/octet-stream"} <= set(once["requestBody"]["content"])
    assert once["responses"]["413"]["content"]["application/problem+json"]
    files = paths["/api/v1/media/{asset_id}/files/{variant}"]["get"]
    assert {"200", "206", "304", "410"} <= set(files["responses"])
