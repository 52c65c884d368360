"""End to end: approved items go to X and Facebook through the real publish job and a forking RQ worker."""

from __future__ import annotations

import pytest

from hub.dispatch import create_publications, kick
from hub.dispatch.admin import unpublish
from hub.extensions import db
from hub.models import ItemStatus
from tests.dispatch_support import FAST, drive, publications

#: the fixtures (x_stub, graph_stub, x_account, fb_account, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]


@pytest.fixture
def app(make_app):
    """The hub with the dispatcher's fast timings (the social fixtures build on this app)."""
    app = make_app(**FAST)
    with app.app_context():
        yield app


def approve(item) -> None:
    """What the final approval does: the publication rows in the approval's transaction, then the relay."""
    item.status = ItemStatus.APPROVED.value
    create_publications(item)
    db.session.commit()
    kick([item.id])


def by_channel(item_id: int) -> dict:
    return {p.channel: p for p in publications(item_id)}


def test_an_approved_item_with_an_image_and_a_video_reaches_x_and_facebook(
    app, make_social_item, x_account, fb_account, x_stub, graph_stub, make_user
):
    item = make_social_item(channels={"x": {}, "facebook": {}}, image=True, video=True)
    approve(item)
    drive(app, lambda: all(p.status == "published" for p in publications(item.id)), timeout=40)

    pubs = by_channel(item.id)
    assert pubs["x"].target == str(x_account.id) and pubs["facebook"].target == str(fb_account.id)
    [main] = [t for t in x_stub.live_tweets().values() if t["reply_to"] is None]
    [reply] = [t for t in x_stub.live_tweets().values() if t["reply_to"] == main["id"]]
    assert pubs["x"].remote_id == main["id"] and main["text"] == item.body
    assert x_stub.media[main["media_ids"][0]]["mime"] == "video/mp4"
    assert x_stub.media[reply["media_ids"][0]]["alt_text"] == "Poster festival"
    [video] = graph_stub.videos.values()
    [photo_post] = graph_stub.live_posts().values()
    assert pubs["facebook"].remote_id == video["id"] and video["description"] == item.body
    assert pubs["facebook"].remote_url == f"https://www.facebook.com/{video['page']}/videos/{video['id']}"
    assert [p["id"] for p in pubs["facebook"].state["accounts"][str(fb_account.id)]["posts"]] == [
        video["id"],
        photo_post["id"],
    ]

    admin = make_user("sosmed", roles=["admin_social"])
    unpublish(pubs["x"].id, actor=admin)
    unpublish(pubs["facebook"].id, actor=admin)
    drive(app, lambda: all(p.status == "unpublished" for p in publications(item.id)))
    assert x_stub.live_tweets() == {} and graph_stub.live_posts() == {}
    assert video["deleted"] is True


def test_a_rate_limit_is_waited_out_and_a_lost_answer_is_not_posted_twice(app, make_social_item, x_account, x_stub):
    x_stub.rate_limit_next("POST", "/2/tweets", reset_in=2)
    x_stub.lose_next_answer("POST", "/2/tweets")
    item = make_social_item()
    approve(item)
    drive(app, lambda: publications(item.id)[0].status == "published")

    [pub] = publications(item.id)
    # 1: 429 (waited out until the reset), 2: accepted but the answer was lost, 3: found the earlier copy
    assert pub.attempts == 3
    posts = [t for m, path, t in x_stub.timeline if (m, path) == ("POST", "/2/tweets")]
    assert len(posts) == 2
    assert posts[1] - posts[0] >= 1.0  # the reset is in whole seconds, 2 s ahead when the 429 was sent
    [tweet] = x_stub.live_tweets().values()
    assert pub.remote_id == tweet["id"]
    assert pub.state["accounts"][str(x_account.id)]["posts"][0]["found"] is True


def test_bad_credentials_fail_at_once_and_tell_the_admin_to_reconnect(app, make_social_item, x_account, x_stub):
    from hub_social.accounts import set_secrets

    set_secrets(x_account, {"consumer_secret": "rotated-by-someone-else"})
    db.session.commit()
    item = make_social_item()
    approve(item)
    drive(app, lambda: publications(item.id)[0].status == "failed")

    [pub] = publications(item.id)
    assert pub.attempts == 1
    assert "Hubungkan ulang akun ini" in pub.last_error and "Reconnect the account" in pub.error_in("en")
    assert "Reconnect" not in pub.last_error
    assert x_stub.live_tweets() == {}
