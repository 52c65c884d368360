"""End to end: approved items go out through the real publish job and a real (forking) RQ worker."""

from __future__ import annotations

import pytest

from hub.dispatch import create_publications, kick
from hub.dispatch.admin import unpublish
from hub.extensions import db
from tests.dispatch_support import FAST, drive, publications
from tests.website_support import add_site, image_asset, make_item, ppid_item, wordpress_stub  # noqa: F401


@pytest.fixture
def dapp(make_app):
    app = make_app(**FAST)
    with app.app_context():
        yield app


@pytest.fixture
def admin(dapp, make_user):
    return make_user("wina", roles=["admin_website"])


def _approve(item) -> None:
    """What the final approval does: the publication rows in the approval's transaction, then the relay."""
    create_publications(item)
    db.session.commit()
    kick([item.id])


def test_an_article_goes_out_once_even_when_the_first_answer_is_lost(dapp, wp, admin, tmp_path):
    site = add_site(wp, default_categories=["Berita"])
    item = make_item(admin, assets=[(image_asset(tmp_path), "featured")])
    wp.lose_next_answer("POST", "/posts")

    _approve(item)
    drive(dapp, lambda: publications(item.id)[0].status == "published")

    [pub] = publications(item.id)
    assert pub.target == str(site.id) and pub.attempts == 2
    [post] = wp.posts.values()
    assert pub.remote_id == str(post["id"]) and pub.remote_url.endswith(f"/{post['slug']}/")
    assert len(wp.media) == 1 and post["featured_media"] == next(iter(wp.media))
    assert pub.state["post_id"] == post["id"]

    unpublish(pub.id, actor=admin)
    drive(dapp, lambda: publications(item.id)[0].status == "unpublished")
    assert wp.posts[post["id"]]["status"] == "trash"


def test_a_wrong_password_fails_with_wordpress_words_for_the_admin(dapp, wp, admin):
    add_site(wp, password="wxyz wxyz wxyz wxyz wxyz wxyz")
    item = make_item(admin)

    _approve(item)
    drive(dapp, lambda: publications(item.id)[0].status == "failed")

    [pub] = publications(item.id)
    assert pub.attempts == 1, "a refused password is not retried"
    assert "The provided password is an invalid application password." in pub.last_error
    assert "Application Password" in pub.last_error and not wp.posts


def test_ppid_documents_through_the_worker_excluded_ones_never(dapp, wp, admin, tmp_path):
    add_site(wp, "ppid")
    public = ppid_item(admin, tmp_path, title="Rencana Strategis Dinas 2025-2029")
    secret = ppid_item(admin, tmp_path, info_class="dikecualikan", title="Dokumen Rahasia Penyidikan")

    _approve(public)
    _approve(secret)
    drive(dapp, lambda: {p.status for p in publications()} == {"published", "failed"})

    done = publications(public.id)[0]
    refused = publications(secret.id)[0]
    assert done.status == "published" and refused.status == "failed"
    assert "dikecualikan" in refused.last_error
    assert [p["title"] for p in wp.posts.values()] == ["Rencana Strategis Dinas 2025-2029"]
    html = dapp.test_client().get("/ppid/dip").get_data(as_text=True)
    assert "Rencana Strategis Dinas 2025-2029" in html and "Dokumen Rahasia" not in html
