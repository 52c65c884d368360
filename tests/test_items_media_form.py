"""Media without JavaScript: the item page's plain form uploads a file and adds it to the item."""

from __future__ import annotations

import io

from hub.extensions import db
from hub.models import Asset, Item
from tests.media_factory import make_image
from tests.web_support import make_item


def test_a_plain_form_uploads_a_photo_and_adds_it_to_the_item(app, client, login, make_user, tmp_path):
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Tabuik", status="draft")
    login(client, creator)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f'action="/items/{item.id}/media"' in page and 'enctype="multipart/form-data"' in page
    photo = make_image(tmp_path / "tabuik.png")
    resp = client.post(
        f"/items/{item.id}/media",
        data={"file": (io.BytesIO(photo.read_bytes()), "tabuik.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Berkas diunggah dan ditambahkan ke konten." in resp.get_data(as_text=True)
    db.session.expire_all()
    links = db.session.get(Item, item.id).assets
    assert [link.asset.original_name for link in links] == ["tabuik.png"]


def test_a_wrong_file_says_what_was_wrong_and_keeps_nothing(app, client, login, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Tabuik", status="draft")
    login(client, creator)
    resp = client.post(
        f"/items/{item.id}/media",
        data={"file": (io.BytesIO(b"#!/bin/sh\necho bukan video\n" * 10), "video.mp4")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert 'class="flash flash-error"' in html
    db.session.expire_all()
    assert db.session.get(Item, item.id).assets == []
    assert db.session.execute(db.select(Asset)).scalars().all() == []
    resp = client.post(f"/items/{item.id}/media", data={}, follow_redirects=True)
    assert "Pilih dulu berkas yang akan diunggah." in resp.get_data(as_text=True)


def test_someone_who_may_not_change_the_item_cannot_add_to_it(app, client, login, make_user, tmp_path):
    creator = make_user("citra", roles=["pembuat_konten"])
    other = make_user("dodi", roles=["pembuat_konten"])
    item = make_item(creator, "Festival Tabuik", status="draft")
    login(client, other)
    photo = make_image(tmp_path / "x.png")
    resp = client.post(
        f"/items/{item.id}/media",
        data={"file": (io.BytesIO(photo.read_bytes()), "x.png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Item, item.id).assets == []
