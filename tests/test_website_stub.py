"""The WordPress stub answers like WordPress 6.1 (each behaviour below was checked on the real one)."""

from __future__ import annotations

import requests

from tests.website_support import APP_PASSWORD, wordpress_stub  # noqa: F401 - wp fixture

COMPACT = APP_PASSWORD.replace(" ", "")


def _api(wp) -> str:
    return wp.url + "/wp-json/wp/v2"


def test_application_password_with_or_without_spaces_and_wordpress_errors(wp):
    for password in (APP_PASSWORD, COMPACT):
        me = requests.get(_api(wp) + "/users/me", params={"context": "edit"}, auth=("editor", password), timeout=5)
        assert me.status_code == 200 and me.json()["roles"] == ["editor"]
    anonymous = requests.get(_api(wp) + "/users/me", timeout=5)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "rest_not_logged_in"
    wrong = requests.get(_api(wp) + "/categories", auth=("editor", "x" * 24), timeout=5)
    assert wrong.status_code == 401 and wrong.json()["code"] == "incorrect_password"
    listing = requests.get(_api(wp) + "/posts", params={"status": "any"}, timeout=5).json()
    assert listing["code"] == "rest_invalid_param"
    assert listing["data"]["details"]["status"]["code"] == "rest_forbidden_status"


def test_posts_need_content_get_unique_slugs_and_go_to_the_trash(wp):
    auth = ("editor", COMPACT)
    empty = requests.post(_api(wp) + "/posts", json={"status": "publish"}, auth=auth, timeout=5)
    assert (empty.status_code, empty.json()["code"]) == (400, "empty_content")
    first = requests.post(_api(wp) + "/posts", json={"title": "A", "slug": "hub-1-x"}, auth=auth, timeout=5).json()
    second = requests.post(_api(wp) + "/posts", json={"title": "A", "slug": "hub-1-x"}, auth=auth, timeout=5).json()
    assert (first["slug"], second["slug"]) == ("hub-1-x", "hub-1-x-2")
    trashed = requests.delete(f"{_api(wp)}/posts/{first['id']}", auth=auth, timeout=5).json()
    assert (trashed["status"], trashed["slug"]) == ("trash", "hub-1-x__trashed")
    again = requests.delete(f"{_api(wp)}/posts/{first['id']}", auth=auth, timeout=5)
    assert (again.status_code, again.json()["code"]) == (410, "rest_already_trashed")
    gone = requests.delete(f"{_api(wp)}/posts/{first['id']}", params={"force": "true"}, auth=auth, timeout=5)
    assert gone.json()["deleted"] is True and first["id"] not in wp.posts


def test_uploads_are_checked_by_their_bytes_and_headers(wp):
    auth = ("editor", COMPACT)
    url = _api(wp) + "/media"
    lying = requests.post(
        url,
        data=b"not an image",
        headers={"Content-Type": "image/jpeg", "Content-Disposition": 'attachment; filename="x.jpg"'},
        auth=auth,
        timeout=5,
    )
    assert (lying.status_code, lying.json()["code"]) == (500, "rest_upload_sideload_error")
    nameless = requests.post(url, data=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}, auth=auth, timeout=5)
    assert (nameless.status_code, nameless.json()["code"]) == (400, "rest_upload_no_content_disposition")
    wp.state.max_upload_bytes = 4
    big = requests.post(
        url,
        data=b"%PDF-1.4 and more",
        headers={"Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="a.pdf"'},
        auth=auth,
        timeout=5,
    )
    assert (big.status_code, big.json()["code"]) == (413, "rest_upload_file_too_big")
    tag = requests.post(_api(wp) + "/tags", json={}, auth=auth, timeout=5)
    assert (tag.status_code, tag.json()["code"]) == (400, "rest_missing_callback_param")
