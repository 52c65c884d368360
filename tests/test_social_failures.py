"""Failures of the social channels: rate limits waited out, bad credentials at once, never a double post."""

from __future__ import annotations

import time

import pytest

from hub.exceptions import PermanentPublishError, PublishOutcomeUnknown, TransientPublishError
from hub.extensions import db
from tests import social_support as social

#: the fixtures (x_stub, graph_stub, x_account, fb_account, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]


def retry(pub):
    """What the dispatcher does before the next attempt: the row is re-read and its attempts counted."""
    db.session.expire_all()
    pub.attempts += 1
    db.session.commit()
    return pub


def test_x_rate_limit_is_waited_out_then_the_post_goes_out_once(app, make_social_item, x_account, x_stub):
    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    x_stub.rate_limit_next("POST", "/2/tweets", reset_in=2)
    with pytest.raises(TransientPublishError) as caught:
        social.call_publish(pub, item)
    assert 1 <= caught.value.retry_after <= 2.5
    assert "Batas permintaan X" in str(caught.value) and "rate limit" in caught.value.message_en
    assert x_stub.live_tweets() == {}

    time.sleep(caught.value.retry_after)
    # a 429 is a definite no: nothing was posted, so the retry posts without a look-up (which
    # would fail here, for an account without read access, and stop at needs_attention)
    x_stub.unauthorized_next("GET", "/2/users/")
    result = social.call_publish(retry(pub), item)
    assert list(x_stub.live_tweets()) == [result.remote_id]
    assert x_stub.tweets[result.remote_id]["text"] == item.body
    assert not [r for r in x_stub.requests if r[0] == "GET" and r[1].endswith("/tweets")]


def test_bad_x_credentials_fail_at_once_and_tell_the_admin_to_reconnect(app, make_social_item, x_account, x_stub):
    from hub_social.accounts import set_secrets
    from hub_social.health import warnings

    set_secrets(x_account, {"access_token_secret": "a-secret-that-was-revoked"})  # the signature no longer verifies
    db.session.commit()
    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    with pytest.raises(PermanentPublishError) as caught:
        social.call_publish(pub, item)
    message = str(caught.value)
    assert "401" in message and "Hubungkan ulang akun" in message and "Reconnect the account" in caught.value.message_en
    assert " / " not in message  # one language per message: the English is apart
    assert x_stub.live_tweets() == {}
    assert x_stub.requests.count(("POST", "/2/tweets")) == 1  # no retry behind the admin's back
    db.session.refresh(x_account)
    assert x_account.config["needs_reconnect"] is True
    assert any("hubungkan ulang" in w.message_id for w in warnings())
    # a new token clears the flag
    set_secrets(x_account, {"access_token_secret": "ats-also-secret"})
    assert x_account.config["needs_reconnect"] is False


def test_x_401_from_the_platform_is_permanent(app, make_social_item, x_account, x_stub):
    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    x_stub.unauthorized_next("POST", "/2/tweets")
    with pytest.raises(PermanentPublishError, match="Hubungkan ulang") as caught:
        social.call_publish(pub, item)
    assert "Reconnect" in caught.value.message_en


@pytest.mark.parametrize("channel", ["x", "facebook"])
def test_a_lost_answer_after_the_platform_accepted_does_not_post_twice(
    app, make_social_item, x_account, fb_account, x_stub, graph_stub, channel
):
    item = make_social_item(channels={channel: {}}, text="Jadwal vaksinasi keliling pekan ini.")
    account = x_account if channel == "x" else fb_account
    pub = social.publication_for(item, channel, str(account.id))
    if channel == "x":
        x_stub.lose_next_answer("POST", "/2/tweets")
    else:
        graph_stub.lose_next_answer("POST", f"/v21.0/{social.PAGE_ID}/feed")
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    created = x_stub.live_tweets() if channel == "x" else graph_stub.live_posts()
    assert len(created) == 1  # the platform has it; the hub did not hear so
    db.session.refresh(pub)
    assert pub.state["accounts"][str(account.id)]["pending"]["index"] == 0

    result = social.call_publish(retry(pub), item)
    after = x_stub.live_tweets() if channel == "x" else graph_stub.live_posts()
    assert list(after) == list(created) == [result.remote_id]
    db.session.refresh(pub)
    assert "pending" not in pub.state["accounts"][str(account.id)]
    assert pub.state["accounts"][str(account.id)]["posts"][0]["found"] is True


def test_when_the_earlier_copy_cannot_be_looked_for_a_person_decides(app, make_social_item, x_account, x_stub):
    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    x_stub.lose_next_answer("POST", "/2/tweets")
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    x_stub.unauthorized_next("GET", "/2/users/")
    with pytest.raises(PublishOutcomeUnknown, match="Tidak dapat dipastikan apakah X sudah memuat") as caught:
        social.call_publish(retry(pub), item)
    assert "Cannot tell whether X already has the post" in caught.value.message_en
    assert len(x_stub.live_tweets()) == 1


def test_x_server_error_on_create_is_retried_after_looking(app, make_social_item, x_account, x_stub):
    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    x_stub.server_error_next("POST", "/2/tweets")
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    assert x_stub.live_tweets() == {}
    result = social.call_publish(retry(pub), item)
    assert list(x_stub.live_tweets()) == [result.remote_id]


def test_duplicate_content_fails_with_the_platforms_message(app, make_social_item, x_account, x_stub):
    first, second = make_social_item(), make_social_item()
    social.call_publish(social.publication_for(first, "x", str(x_account.id)), first)
    with pytest.raises(PermanentPublishError) as caught:
        social.call_publish(social.publication_for(second, "x", str(x_account.id)), second)
    assert "duplicate content" in str(caught.value) and "Konten yang sama" in str(caught.value)
    assert len(x_stub.live_tweets()) == 1


def test_a_rejected_video_fails_with_the_platforms_message(
    app, make_social_item, x_account, x_stub, sample_media, tmp_path
):
    item = make_social_item(video=True)
    # corrupt the stored file: X accepts the upload, then its processing fails
    path = app.config["MEDIA_DIR"] + "/" + item.media("main")[0].stored_name
    with open(path, "r+b") as fh:
        fh.write(b"\0" * 16)
    with pytest.raises(PermanentPublishError, match="Unsupported video format"):
        social.call_publish(social.publication_for(item, "x", str(x_account.id)), item)
    assert x_stub.live_tweets() == {}


def test_facebook_throttling_and_expired_token(app, make_social_item, fb_account, graph_stub):
    item = make_social_item(channels={"facebook": {}})
    pub = social.publication_for(item, "facebook", str(fb_account.id))
    graph_stub.rate_limit_next("POST", f"/v21.0/{social.PAGE_ID}/feed", minutes=2)
    with pytest.raises(TransientPublishError) as caught:
        social.call_publish(pub, item)
    assert caught.value.retry_after == 120  # estimated_time_to_regain_access, in seconds
    result = social.call_publish(retry(pub), item)
    assert list(graph_stub.live_posts()) == [result.remote_id]

    other = make_social_item(channels={"facebook": {}}, text="Pengumuman kedua.")
    graph_stub.expire_token(fb_account_token := "EAAB-page-token-diskominfo")
    assert fb_account_token
    with pytest.raises(PermanentPublishError) as caught:
        social.call_publish(social.publication_for(other, "facebook", str(fb_account.id)), other)
    assert "#190" in str(caught.value) and "Hubungkan ulang" in str(caught.value)


def test_unpublish_deletes_every_post_of_the_publication(
    app, make_social_item, x_account, fb_account, x_stub, graph_stub
):
    item = make_social_item(channels={"x": {}, "facebook": {}}, image=True, video=True)
    x_pub = social.publication_for(item, "x", str(x_account.id))
    fb_pub = social.publication_for(item, "facebook", str(fb_account.id))
    social.call_publish(x_pub, item)
    social.call_publish(fb_pub, item)
    assert len(x_stub.live_tweets()) == 2 and len(graph_stub.live_posts()) == 1 and len(graph_stub.videos) == 1

    assert social.call_unpublish(x_pub, item) is True
    assert social.call_unpublish(fb_pub, item) is True
    assert x_stub.live_tweets() == {} and graph_stub.live_posts() == {}
    assert all(v["deleted"] for v in graph_stub.videos.values())
    # a second unpublish has nothing left to do: no more DELETE requests
    deletes = len([r for r in x_stub.requests if r[0] == "DELETE"])
    assert social.call_unpublish(x_pub, item) is True
    assert deletes == 2 == len([r for r in x_stub.requests if r[0] == "DELETE"])


def test_a_media_post_is_found_again_by_its_media_not_confused_with_another(app, make_social_item, x_account, x_stub):
    """Two posts with only an image look alike on the timeline (no text); the look-up compares their media."""
    earlier = make_social_item(text="", image=True)
    social.call_publish(social.publication_for(earlier, "x", str(x_account.id)), earlier)
    [other_post] = x_stub.live_tweets()

    item = make_social_item(text="", image=True)
    pub = social.publication_for(item, "x", str(x_account.id))
    x_stub.server_error_next("POST", "/2/tweets")  # refused: nothing created, the hub cannot know
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    result = social.call_publish(retry(pub), item)
    assert result.remote_id != other_post, "the other item's post was adopted and this one never went out"
    assert len(x_stub.live_tweets()) == 2
    uploaded = pub.state["accounts"][str(x_account.id)]["media"]
    assert x_stub.tweets[result.remote_id]["media_ids"] == [m["id"] for m in uploaded.values()]

    lost = make_social_item(text="", image=True)
    lost_pub = social.publication_for(lost, "x", str(x_account.id))
    x_stub.lose_next_answer("POST", "/2/tweets")  # created, the answer lost: found by its image
    with pytest.raises(TransientPublishError):
        social.call_publish(lost_pub, lost)
    found = social.call_publish(retry(lost_pub), lost)
    assert len(x_stub.live_tweets()) == 3
    assert lost_pub.state["accounts"][str(x_account.id)]["posts"][0]["found"] is True
    assert x_stub.tweets[found.remote_id]["media_ids"] == [
        m["id"] for m in lost_pub.state["accounts"][str(x_account.id)]["media"].values()
    ]


def test_a_text_x_finds_too_long_fails_at_once_in_xs_words(app, make_social_item, x_account, x_stub):
    """Checks normally stop it at submission; if a text gets through anyway, X's own refusal reaches the admin."""
    item = make_social_item(text="Pengumuman " * 30)  # 330 characters, no thread
    pub = social.publication_for(item, "x", str(x_account.id))
    with pytest.raises(PermanentPublishError) as caught:
        social.call_publish(pub, item)
    assert "Your Tweet text is too long" in str(caught.value) and "400" in str(caught.value)
    assert x_stub.live_tweets() == {} and x_stub.requests.count(("POST", "/2/tweets")) == 1
    db.session.refresh(pub)
    assert "pending" not in pub.state["accounts"][str(x_account.id)], "a definite no leaves nothing to look for"


def test_post_anyway_after_the_admin_checked_sends_without_a_look_up(app, make_social_item, x_account, x_stub):
    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    x_stub.server_error_next("POST", "/2/tweets")  # nothing posted, but the hub cannot know
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    x_stub.unauthorized_next("GET", "/2/users/")
    with pytest.raises(PublishOutcomeUnknown) as unknown:
        social.call_publish(retry(pub), item)
    assert "Record the post" in unknown.value.message_en and "Post anyway" in unknown.value.message_en
    assert "Catat kiriman" in str(unknown.value) and "mark it published" not in unknown.value.message_en
    looked = len([r for r in x_stub.requests if r[0] == "GET" and r[1].endswith("/tweets")])

    # the channel admin checked the account and chose "Post anyway" (hub.dispatch.admin.post_anyway)
    pub.state = {**pub.state, "confirmed_absent": True}
    db.session.commit()
    result = social.call_publish(retry(pub), item)
    assert list(x_stub.live_tweets()) == [result.remote_id]
    assert len([r for r in x_stub.requests if r[0] == "GET" and r[1].endswith("/tweets")]) == looked
    assert "confirmed_absent" not in pub.state


def test_alt_text_x_refuses_does_not_lose_the_post_and_is_noted(app, make_social_item, x_account, x_stub):
    from tests.stubs.x_api import problem

    item = make_social_item(image=True)
    x_stub.fail_next("POST", "/2/media/metadata", lambda: problem(400, "Invalid Request", "alt text refused"))
    pub = social.publication_for(item, "x", str(x_account.id))
    result = social.call_publish(pub, item)
    tweet = x_stub.live_tweets()[result.remote_id]
    assert tweet["media_ids"] and x_stub.media[tweet["media_ids"][0]]["alt_text"] is None
    note = result.details["note"]
    assert "tanpa teks alternatif" in note and "posted without alt text" in note and "alt text refused" in note


def test_a_look_up_never_adopts_a_post_made_before_the_attempt_began(app, make_social_item, x_account, x_stub):
    """Another hub (or a person) posted the same text on the account earlier: not ours, never taken over."""
    import datetime as dt

    item = make_social_item()
    pub = social.publication_for(item, "x", str(x_account.id))
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    user_id = next(user["id"] for _secret, user in x_stub.tokens.values())
    x_stub.tweets["999"] = {
        "id": "999",
        "text": item.body,
        "media_ids": [],
        "reply_to": None,
        "user": user_id,
        "created_at": earlier,
        "deleted": False,
    }
    x_stub.server_error_next("POST", "/2/tweets")  # the answer is lost: the retry looks
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    with pytest.raises(PermanentPublishError, match="duplicate"):
        social.call_publish(retry(pub), item)  # X itself refuses the same text again
    assert pub.state["accounts"][str(x_account.id)].get("posts") == []
    assert pub.remote_id is None
