"""Publishing articles to WordPress (against the local WordPress REST API stub)."""

from __future__ import annotations

import pytest
import requests

from hub.exceptions import PermanentPublishError, TransientPublishError
from hub.extensions import db
from hub.models import Publication
from tests.website_support import (  # noqa: F401 - wordpress_stub is a fixture
    APP_PASSWORD,
    add_site,
    call,
    image_asset,
    make_item,
    pdf_asset,
    publication,
    store_asset,
    wordpress_stub,
)


@pytest.fixture
def editor(make_user):
    return make_user("wina", roles=["admin_website"])


def test_approved_article_with_featured_image_becomes_one_post_with_its_media(app, wp, editor, tmp_path):
    add_site(wp, default_categories=["Berita"])
    featured = image_asset(tmp_path, "JPEG", name="utama.jpg")
    extra = image_asset(tmp_path, "PNG", name="galeri.png")
    item = make_item(
        editor,
        channels=[("website", {"tags": ["Pariwisata"]})],
        assets=[(featured, "featured"), (extra, "gallery")],
        body="Festival dibuka di Padang.\n\nPengunjung <b>ramai</b> & antusias.",
    )
    pub = publication(item, "website")

    result = call("publish", pub, item)

    assert len(wp.posts) == 1
    post = next(iter(wp.posts.values()))
    assert post["status"] == "publish" and post["title"] == item.title
    assert result.remote_id == str(post["id"]) and result.remote_url.endswith(f"/{post['slug']}/")
    assert post["slug"] == pub.state["slug"] and post["slug"].startswith(f"hub-{item.id}-")
    # the media went first, each once, as the raw body with its own type and a file name
    assert len(wp.media) == 2
    uploads = {m["id"]: m for m in wp.media.values()}
    top = uploads[post["featured_media"]]
    assert top["mime_type"] == "image/jpeg" and top["content_type_header"] == "image/jpeg"
    assert top["bytes"] == (tmp_path / "utama.jpg").read_bytes() and top["filename"].endswith(".jpg")
    assert top["alt_text"] == "Gambar 0"
    gallery = next(m for m in wp.media.values() if m["id"] != top["id"])
    assert gallery["mime_type"] == "image/png" and f"wp-image-{gallery['id']}" in post["content"]
    media_calls = [i for i, r in enumerate(wp.requests) if r["method"] == "POST" and r["route"] == "/media"]
    post_calls = [i for i, r in enumerate(wp.requests) if r["method"] == "POST" and r["route"] == "/posts"]
    assert len(post_calls) == 1 and max(media_calls) < post_calls[0]
    # categories and tags by id; the body is text, escaped, in paragraphs
    berita = next(t for t in wp.state.terms.values() if t["name"] == "Berita")
    assert post["categories"] == [berita["id"]]
    assert [wp.state.terms[t]["name"] for t in post["tags"]] == ["Pariwisata"]
    assert "<p>Pengunjung &lt;b&gt;ramai&lt;/b&gt; &amp; antusias.</p>" in post["content"]
    assert "<b>" not in post["content"]
    assert post["excerpt"].startswith("Festival dibuka di Padang.")
    # every write was made as the editor, with the application password
    assert {r["user"] for r in wp.requests if r["method"] != "GET"} == {"editor"}
    assert pub.state["post_id"] == post["id"] and len(pub.state["media"]) == 2


def test_retry_after_the_answer_was_lost_does_not_create_a_second_post(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(editor, assets=[(image_asset(tmp_path), "featured")])
    pub = publication(item, "website")
    wp.lose_next_answer("POST", "/posts")

    with pytest.raises(TransientPublishError) as first:
        call("publish", pub, item)

    assert "connection" in first.value.details["code"]
    assert len(wp.posts) == 1, "the stub did create the post; only the answer was lost"
    assert "post_id" not in pub.state and len(pub.state["media"]) == 1

    pub.attempts = 2
    result = call("publish", pub, item)

    assert len(wp.posts) == 1 and len(wp.media) == 1
    assert result.remote_id == str(next(iter(wp.posts)))
    assert len(wp.calls("POST", "/media")) == 1, "the media id was kept: no second upload"
    assert len([r for r in wp.calls("POST", "/posts") if r["route"] == "/posts"]) == 1
    looked_up = [r for r in wp.calls("GET", "/posts") if r["query"].get("status") == "any"]
    assert looked_up and looked_up[-1]["query"]["slug"] == pub.state["slug"] and looked_up[-1]["user"] == "editor"


def test_a_lost_upload_answer_is_found_by_its_slug_not_uploaded_again(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(editor, assets=[(image_asset(tmp_path), "featured")])
    pub = publication(item, "website")
    wp.lose_next_answer("POST", "/media")

    with pytest.raises(TransientPublishError):
        call("publish", pub, item)
    assert len(wp.media) == 1 and not wp.posts and not pub.state.get("media")

    pub.attempts = 2
    call("publish", pub, item)

    assert len(wp.media) == 1 and len(wp.calls("POST", "/media")) == 1
    post = next(iter(wp.posts.values()))
    assert post["featured_media"] == next(iter(wp.media))


def test_a_republished_revision_updates_the_same_post(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(editor, assets=[(image_asset(tmp_path), "featured")])
    pub = publication(item, "website")
    first = call("publish", pub, item)

    item.title = "Festival Budaya Minangkabau 2026 (jadwal baru)"
    item.body = "Jadwal berubah: festival dimulai pukul 19.00."
    second = call("publish", pub, item)

    assert second.remote_id == first.remote_id and len(wp.posts) == 1
    post = wp.posts[int(first.remote_id)]
    assert post["title"] == item.title and "pukul 19.00" in post["content"]
    assert wp.calls("POST", f"/posts/{first.remote_id}"), "updated with POST /posts/<id>"
    assert len(wp.media) == 1, "the unchanged image is not uploaded again"


def test_unpublish_moves_the_post_to_the_trash(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(editor)
    pub = publication(item, "website")
    result = call("publish", pub, item)
    pub.remote_id = result.remote_id

    assert call("unpublish", pub, item) is True

    post = wp.posts[int(result.remote_id)]
    assert post["status"] == "trash" and not wp.live_posts()
    assert wp.calls("DELETE", f"/posts/{result.remote_id}")[0]["query"].get("force") is None
    # publishing again later makes a fresh post; the trashed one stays in WordPress's trash
    again = call("publish", pub, item)
    assert again.remote_id != result.remote_id and len(wp.live_posts()) == 1


def test_a_wrong_application_password_reaches_the_admin_in_wordpress_words(app, wp, editor):
    add_site(wp, password="zzzz zzzz zzzz zzzz zzzz zzzz")
    item = make_item(editor)
    pub = publication(item, "website")

    with pytest.raises(PermanentPublishError) as err:
        call("publish", pub, item)

    message = str(err.value)
    assert "The provided password is an invalid application password." in message
    assert "incorrect_password" in message and "HTTP 401" in message
    indonesian, english = message, err.value.message_en  # one language each, never joined
    assert " / " not in indonesian and "incorrect_password" in english
    assert "Periksa nama pengguna WordPress dan Application Password" in indonesian
    assert "Check the WordPress user name and Application Password" in english
    assert not wp.posts and not wp.media


def test_an_unknown_category_is_an_error_and_is_not_created(app, wp, editor):
    add_site(wp)
    item = make_item(editor, channels=[("website", {"categories": ["Berita", "Kategori Tidak Ada"]})])
    pub = publication(item, "website")
    terms_before = dict(wp.state.terms)

    with pytest.raises(PermanentPublishError, match="Kategori Tidak Ada") as err:
        call("publish", pub, item)

    assert "create it in WordPress" in err.value.message_en and "buat kategorinya" in str(err.value)
    assert not wp.posts and wp.state.terms == terms_before


def test_a_file_over_the_site_limit_is_refused_for_good_with_the_limit(app, wp, editor, tmp_path):
    wp.state.max_upload_bytes = 1024
    add_site(wp, max_upload_mb=0.5)
    image = image_asset(tmp_path, "JPEG", 640, 480)
    assert image.size > 1024
    item = make_item(editor, assets=[(image, "featured")])
    pub = publication(item, "website")

    with pytest.raises(PermanentPublishError) as err:
        call("publish", pub, item)

    assert "This file is too big. Files must be less than 1 KB in size." in str(err.value)
    assert "0.5 MB" in str(err.value) and err.value.details["status"] == 413
    assert not wp.posts


def test_a_file_that_is_not_what_it_claims_is_refused_for_good(app, wp, editor, tmp_path):
    add_site(wp)
    fake = image_asset(tmp_path, "PNG")
    fake.mime = "image/jpeg"  # says JPEG, is PNG: WordPress checks the bytes
    item = make_item(editor, assets=[(fake, "featured")])
    pub = publication(item, "website")

    with pytest.raises(PermanentPublishError) as err:
        call("publish", pub, item)

    assert "Sorry, you are not allowed to upload this file type." in str(err.value)
    assert "rest_upload_sideload_error" in str(err.value), "a 500 with rest_upload_* is not retried"


def test_server_errors_are_retried_and_retry_after_is_honoured(app, wp, editor):
    add_site(wp)
    item = make_item(editor)
    pub = publication(item, "website")
    wp.fail_next("POST", "/posts", 503, "http_503", "Service Unavailable")
    with pytest.raises(TransientPublishError) as err:
        call("publish", pub, item)
    assert err.value.retry_after is None and err.value.details["status"] == 503

    wp.fail_next("POST", "/posts", 429, "rest_too_many_requests", "Too many requests.", {"Retry-After": "120"})
    with pytest.raises(TransientPublishError) as err:
        call("publish", pub, item)
    assert err.value.retry_after == 120

    call("publish", pub, item)
    assert len(wp.posts) == 1


def test_documents_and_a_video_link_are_in_the_post(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(
        editor,
        channels=[("website", {"video_url": "https://www.youtube.com/watch?v=abc123"})],
        assets=[(pdf_asset(tmp_path, "undangan.pdf"), "main")],
    )
    call("publish", publication(item, "website"), item)

    post = next(iter(wp.posts.values()))
    pdf = next(iter(wp.media.values()))
    assert pdf["mime_type"] == "application/pdf" and pdf["source_url"] in post["content"]
    assert "wp:embed" in post["content"] and "https://www.youtube.com/watch?v=abc123" in post["content"]
    assert post["featured_media"] == 0


def test_no_site_configured_is_a_clear_error(app, editor):
    item = make_item(editor)
    with pytest.raises(PermanentPublishError, match="hub website add-site"):
        call("publish", publication(item, "website"), item)


@pytest.mark.parametrize("with_image", [True, False])
def test_wordpress_61_treats_a_wrong_password_as_no_login_and_the_advice_still_fits(
    app, wp, editor, tmp_path, with_image
):
    """Stock WordPress 6.1 answers a wrong password as if none was given (seen on the real one)."""
    wp.state.wrong_password_is_anonymous = True
    add_site(wp, password="zzzz zzzz zzzz zzzz zzzz zzzz")
    item = make_item(editor, assets=[(image_asset(tmp_path), "featured")] if with_image else [])

    with pytest.raises(PermanentPublishError) as err:
        call("publish", publication(item, "website"), item)

    said = "Sorry, you are not allowed to create posts as this user." if with_image else "Status is forbidden."
    assert said in str(err.value)
    assert "Check the WordPress user name and Application Password" in err.value.message_en
    assert not wp.posts and not wp.media


def test_an_unknown_user_is_named_without_wordpress_html(app, wp, editor):
    from hub_website.sites import add_site as add
    from hub_website.sites import check_connection

    check = check_connection(add("website", "Web", wp.url, "tidakada", "abcd abcd abcd abcd abcd abcd"))
    assert "“Error: Unknown username. Check again or try your email address.” [invalid_username" in check.message_en
    assert "<strong>" not in check.message_en


def test_a_media_file_gone_from_the_hub_fails_with_what_to_do(app, wp, editor, tmp_path):
    add_site(wp)
    image = image_asset(tmp_path, name="hilang.jpg")
    item = make_item(editor, assets=[(image, "featured")])
    image.status = "deleted"  # removed by retention after approval

    with pytest.raises(PermanentPublishError, match="hilang.jpg.*unggah ulang"):
        call("publish", publication(item, "website"), item)
    assert not wp.media and not wp.posts


def test_a_featured_image_deleted_in_wordpress_is_uploaded_again_on_republish(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(editor, assets=[(image_asset(tmp_path), "featured")])
    pub = publication(item, "website")
    first = call("publish", pub, item)
    [old_media] = list(wp.media)
    del wp.media[old_media]  # an editor cleaned the media library in WordPress

    second = call("publish", pub, item)

    assert second.remote_id == first.remote_id and len(wp.posts) == 1
    [new_media] = list(wp.media)
    assert new_media != old_media and wp.posts[int(second.remote_id)]["featured_media"] == new_media


def test_a_video_over_the_upload_limit_can_be_embedded_by_its_link_instead(app, wp, editor, tmp_path):
    """Most videos are over WordPress's 2 MB default: the check says to give a link, and with it the file stays home."""
    from hub.plugins import plugins

    clip = tmp_path / "pawai.mp4"
    clip.write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * (3 * 1024 * 1024))
    video = store_asset(clip, "video/mp4", "video")
    add_site(wp)
    item = make_item(editor, assets=[(image_asset(tmp_path), "featured"), (video, "main")])
    registry = plugins()

    def problems():
        return [
            p
            for result in registry.hook.validate_item(item=item, channel=registry.channels["website"], phase="approve")
            for p in result
        ]

    [too_big] = [p for p in problems() if p.rule == "wordpress.upload_size"]
    assert "“Tautan video (YouTube)”" in too_big.message_id and "“Video link (YouTube)”" in too_big.message_en

    item.target("website").options = {"video_url": "https://www.youtube.com/watch?v=pawai2026"}
    db.session.commit()
    assert [p.rule for p in problems() if p.severity == "error"] == []
    call("publish", publication(item, "website"), item)
    post = next(iter(wp.posts.values()))
    assert [m["mime_type"] for m in wp.media.values()] == ["image/jpeg"], "the video file was not sent"
    assert "wp:embed" in post["content"] and "pawai2026" in post["content"] and "wp:video" not in post["content"]


XSS_TITLE = "Festival <script>alert(1)</script>"
XSS_BODY = "<img src=x onerror=alert(2)> Festival dibuka di Padang."


def _rendered_fields(wp):
    """Every ``*.rendered`` the stub serves, rendered as WordPress does for an editor (raw HTML kept)."""
    for store in (wp.state.posts, wp.state.media):
        for obj in store.values():
            for key, value in wp.state.render(obj, {"context": "view"}).items():
                if isinstance(value, dict) and "rendered" in value:
                    yield f"{obj['id']}.{key}", value["rendered"]


def _assert_no_hub_tag(wp, *tags):
    fields = dict(_rendered_fields(wp))
    assert fields
    for name, rendered in fields.items():
        for tag in tags:
            assert tag not in rendered, f"{tag!r} reached {name}.rendered: {rendered!r}"


def test_no_html_written_in_the_hub_reaches_the_site_title_excerpt_or_media(app, wp, editor, tmp_path):
    add_site(wp)
    item = make_item(
        editor,
        title=XSS_TITLE,
        body=XSS_BODY,
        channels=[("website", {"video_url": 'https://youtu.be/x"--><script>alert(3)</script>'})],
        assets=[(image_asset(tmp_path), "featured")],
    )
    call("publish", publication(item, "website"), item)
    _assert_no_hub_tag(wp, "<script", "<img src=x", "--><")
    post = next(iter(wp.posts.values()))
    assert post["title"] == "Festival &lt;script&gt;alert(1)&lt;/script&gt;"
    assert post["excerpt"].startswith("&lt;img src=x onerror=alert(2)&gt; Festival")

    own = make_item(editor, title="Ringkas", channels=[("website", {"excerpt": "<b onmouseover=x>Ringkas</b>"})])
    call("publish", publication(own, "website"), own)
    _assert_no_hub_tag(wp, "<script", "<img src=x", "<b onmouseover")


def test_no_html_written_in_the_hub_reaches_a_ppid_post(app, wp, editor, tmp_path):
    from tests.website_support import ppid_item

    add_site(wp, "ppid")
    item = ppid_item(editor, tmp_path, title=XSS_TITLE, summary=XSS_BODY, unit="<i>Sekretariat</i>")
    call("publish", publication(item, "ppid"), item)
    _assert_no_hub_tag(wp, "<script", "<img src=x", "<i>")


def test_two_hubs_with_their_own_databases_publish_their_item_1_as_two_posts(make_app, wp, make_user, tmp_path):
    """Production and a staging copy (or a reinstall) share the agency's WordPress: neither takes the other's post."""
    from hub_website import content

    from hub import migrate
    from hub.installation import installation_id

    add_site(wp)
    hubs = []
    for n in (1, 2):
        hub = make_app(DATABASE_URL=f"sqlite:///{tmp_path / f'hub{n}.sqlite3'}", MEDIA_DIR=str(tmp_path / f"m{n}"))
        migrate.upgrade(hub)  # makes the installation id
        with hub.app_context():
            add_site(wp)
            item = make_item(
                make_user("wina", roles=["admin_website"]),
                title=f"Berita hub {n}",
                assets=[(image_asset(tmp_path / f"m{n}", name=f"hub{n}.jpg"), "featured")],
            )
            assert item.id == 1
            pub = publication(item, "website")
            result = call("publish", pub, item)
            hubs.append((hub, installation_id(), int(result.remote_id), pub.id))

    assert hubs[0][1] != hubs[1][1] and len(hubs[0][1]) == 16
    assert len(wp.posts) == 2 and len(wp.media) == 2
    for _hub, installation, post_id, _pub in hubs:
        assert content.marker(installation) in wp.posts[post_id]["content"]
    first_post = dict(wp.posts[hubs[0][2]])
    assert first_post["title"] == "Berita hub 1"

    # hub 2 lost its answer and forgot what it knew: the retry finds its own post, never hub 1's
    hub, _installation, post_id, pub_id = hubs[1]
    with hub.app_context():
        pub = db.session.get(Publication, pub_id)
        pub.state, pub.attempts = {}, 2
        again = call("publish", pub, pub.item)
        assert int(again.remote_id) == post_id
        pub.state, pub.remote_id = {"site_id": pub.state["site_id"]}, None  # found again by its slug
        call("unpublish", pub, pub.item)
    assert len(wp.posts) == 2 and wp.posts[hubs[0][2]] == first_post
    assert wp.posts[post_id]["status"] == "trash"


def test_a_post_with_the_hubs_slug_but_without_its_marker_is_never_taken_over(app, wp, editor):
    from hub_website.publisher import post_slug

    add_site(wp)
    item = make_item(editor)
    pub = publication(item, "website")
    fields = {"title": "Bukan milik hub", "slug": post_slug(pub, item), "content": "<p>lain</p>", "status": "publish"}
    stranger = requests.post(
        wp.url + "/wp-json/wp/v2/posts", json=fields, auth=("editor", APP_PASSWORD), timeout=5
    ).json()
    result = call("publish", pub, item)
    assert int(result.remote_id) != stranger["id"]
    assert wp.posts[stranger["id"]]["title"] == "Bukan milik hub" and len(wp.posts) == 2
