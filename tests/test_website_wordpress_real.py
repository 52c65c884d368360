"""The same publishing tests against a real WordPress 6.1 (Debian's package) served on 127.0.0.1.

Skipped, saying why, when PHP, WordPress or MariaDB is not there (``.ci/wordpress.sh``
installs them; ``.ci/run`` calls it).
"""

from __future__ import annotations

import pytest
import requests
from hub_website.sites import add_site, check_connection

from hub.exceptions import PermanentPublishError
from hub.extensions import db
from tests import wordpress_real
from tests.website_support import call, image_asset, make_item, ppid_item, publication

REASON = wordpress_real.missing()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(REASON is not None, reason=f"real WordPress: {REASON}")]


@pytest.fixture(scope="module")
def real_wp(tmp_path_factory):
    site = wordpress_real.start(tmp_path_factory.mktemp("real-wordpress"))
    try:
        yield site
    finally:
        wordpress_real.stop(site)


@pytest.fixture
def editor(make_user):
    return make_user("wina", roles=["admin_website"])


def _site(real_wp, channel="website", password=None, **config):
    site = add_site(
        channel, f"WordPress {channel}", real_wp.url, real_wp.username, password or real_wp.app_password, config=config
    )
    db.session.commit()
    return site


def test_real_wordpress_article_with_featured_image_retry_and_trash(app, real_wp, editor, tmp_path):
    site = _site(real_wp, default_categories=["Berita"])
    assert check_connection(site).ok
    featured = image_asset(tmp_path, "JPEG", name="utama.jpg")
    gallery = image_asset(tmp_path, "PNG", name="galeri.png")
    item = make_item(
        editor, channels=[("website", {"tags": ["Pariwisata"]})], assets=[(featured, "featured"), (gallery, "gallery")]
    )
    pub = publication(item, "website")

    result = call("publish", pub, item)

    post = real_wp.get(f"/posts/{result.remote_id}", context="edit").json()
    assert post["status"] == "publish" and post["title"]["raw"] == item.title
    assert post["slug"] == pub.state["slug"] and result.remote_url == post["link"]
    berita = real_wp.get("/categories", slug="berita").json()[0]
    assert post["categories"] == [berita["id"]]
    media = real_wp.get(f"/media/{post['featured_media']}").json()
    assert media["mime_type"] == "image/jpeg"
    served = requests.get(media["source_url"], timeout=30)
    assert served.status_code == 200 and served.content == (tmp_path / "utama.jpg").read_bytes()
    assert (
        f"wp-image-{[m for m in pub.state['media'].values() if m['id'] != media['id']][0]['id']}"
        in (post["content"]["raw"])
    )
    media_total = int(real_wp.get("/media").headers["X-WP-Total"])

    # the answer to the post (and to the uploads) was lost: the retry finds them by their slugs
    pub.state = {"slug": pub.state["slug"], "site_id": site.id}
    pub.attempts = 2
    again = call("publish", pub, item)
    assert again.remote_id == result.remote_id
    listed = real_wp.get("/posts", slug=pub.state["slug"], status="any").json()
    assert [p["id"] for p in listed] == [int(result.remote_id)]
    assert int(real_wp.get("/media").headers["X-WP-Total"]) == media_total

    pub.remote_id = result.remote_id
    assert call("unpublish", pub, item) is True
    assert real_wp.get(f"/posts/{result.remote_id}", context="edit").json()["status"] == "trash"


def test_real_wordpress_refuses_a_wrong_password_in_its_own_words(app, real_wp, editor):
    site = _site(real_wp, password="wxyz wxyz wxyz wxyz wxyz wxyz")
    check = check_connection(site)
    assert not check.ok and "You are not currently logged in." in check.message_en
    item = make_item(editor)
    with pytest.raises(PermanentPublishError) as err:
        call("publish", publication(item, "website"), item)
    message = str(err.value)
    assert "HTTP 401" in message or "HTTP 400" in message
    assert "Check the WordPress user name and Application Password" in err.value.message_en


def test_real_wordpress_unknown_category_is_an_error(app, real_wp, editor):
    _site(real_wp)
    item = make_item(editor, channels=[("website", {"categories": ["Tidak Ada Kategori"]})])
    with pytest.raises(PermanentPublishError, match="Tidak Ada Kategori"):
        call("publish", publication(item, "website"), item)
    assert real_wp.get("/categories", search="Tidak Ada").json() == []


def test_real_wordpress_ppid_document_in_the_dip_category(app, real_wp, editor, tmp_path):
    _site(real_wp, "ppid")
    item = ppid_item(editor, tmp_path)
    result = call("publish", publication(item, "ppid"), item)

    post = real_wp.get(f"/posts/{result.remote_id}", context="edit").json()
    dip = real_wp.get("/categories", search="Daftar Informasi Publik").json()[0]
    assert dip["id"] in post["categories"]
    pdf = requests.get(result.details["pdf_url"], timeout=30)
    assert pdf.status_code == 200 and pdf.content == (tmp_path / "laporan.pdf").read_bytes()
    assert "Laporan Keuangan Dinas 2025" in app.test_client().get("/ppid/dip").get_data(as_text=True)


def _rendered(value, path=""):
    """Every ``*.rendered`` string in a WordPress REST answer, with where it was."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "rendered" and isinstance(inner, str):
                yield path, inner
            else:
                yield from _rendered(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _rendered(inner, f"{path}[{n}]")


def test_real_wordpress_renders_no_tag_written_in_the_hub(app, real_wp, editor, tmp_path):
    _site(real_wp)
    _site(real_wp, "ppid")
    evil = "Festival <script>alert(1)</script>"
    body = "<img src=x onerror=alert(2)> Festival dibuka."
    article = make_item(editor, title=evil, body=body, assets=[(image_asset(tmp_path), "featured")])
    document = ppid_item(editor, tmp_path, title=evil, summary=body)
    answers = []
    for item, channel in ((article, "website"), (document, "ppid")):
        result = call("publish", publication(item, channel), item)
        answers.append(real_wp.get(f"/posts/{result.remote_id}").json())
        assert result.details["media"]
        answers += [real_wp.get(f"/media/{media}").json() for media in result.details["media"]]
    found = [(where, text) for answer in answers for where, text in _rendered(answer)]
    assert any(".title" in where for where, _text in found)
    for where, text in found:
        assert "<script" not in text and "<img src=x" not in text, (where, text)


def test_real_wordpress_two_hubs_publish_their_item_1_as_two_posts(make_app, real_wp, make_user, tmp_path):
    """A second hub with its own database (staging, a reinstall) never takes over the first hub's post."""
    from hub import migrate

    posts = []
    for n in (1, 2):
        hub = make_app(DATABASE_URL=f"sqlite:///{tmp_path / f'hub{n}.sqlite3'}", MEDIA_DIR=str(tmp_path / f"m{n}"))
        migrate.upgrade(hub)
        with hub.app_context():
            _site(real_wp)
            item = make_item(make_user("wina", roles=["admin_website"]), title=f"Berita hub {n}")
            assert item.id == 1
            posts.append(int(call("publish", publication(item, "website"), item).remote_id))
    assert posts[0] != posts[1]
    first = real_wp.get(f"/posts/{posts[0]}", context="edit").json()
    assert first["title"]["raw"] == "Berita hub 1" and first["status"] == "publish"
