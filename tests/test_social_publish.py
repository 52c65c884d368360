"""The social plugin publishing with the real tweepy and facebook-sdk code against the X and Graph stubs."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Setting
from tests import social_support as social

#: the fixtures (x_stub, graph_stub, x_account, fb_account, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]


def test_an_item_with_an_image_and_a_video_goes_to_x_and_facebook(
    app, make_social_item, x_account, fb_account, x_stub, graph_stub, sample_media
):
    db.session.add(Setting(namespace="social", key="facebook_resumable_over_bytes", value=1000))
    item = make_social_item(channels={"x": {}, "facebook": {}}, image=True, video=True)
    x_pub = social.publication_for(item, "x", str(x_account.id))
    fb_pub = social.publication_for(item, "facebook", str(fb_account.id))

    x_result = social.call_publish(x_pub, item)
    fb_result = social.call_publish(fb_pub, item)

    # X: the video with the text, the image (with its alt text) in a reply; the video went up in chunks
    tweets = x_stub.live_tweets()
    assert len(tweets) == 2
    main = tweets[x_result.remote_id]
    assert main["text"] == item.body and main["reply_to"] is None
    video = x_stub.media[main["media_ids"][0]]
    assert video["mime"] == "video/mp4" and video["state"] == "succeeded"
    assert video["bytes"] == sample_media["video"].read_bytes()
    assert ("POST", f"/2/media/upload/{video['id']}/append") in x_stub.requests
    reply = next(t for t in tweets.values() if t["reply_to"] == main["id"])
    image = x_stub.media[reply["media_ids"][0]]
    assert image["mime"] == "image/png" and image["alt_text"] == "Poster festival"
    assert x_result.remote_url == f"https://x.com/i/web/status/{main['id']}"

    # Facebook: the video with the text (chunked: 11 kB in 4 kB pieces when over the threshold), then a photo post
    assert set(graph_stub.versions) == {"v21.0"}
    fb_video = graph_stub.videos[fb_result.remote_id]
    assert fb_video["size"] == sample_media["video"].stat().st_size
    assert graph_stub.requests.count(("POST", f"/v21.0/{social.PAGE_ID}/videos")) == 2 + -(-fb_video["size"] // 4096)
    assert fb_video["description"] == item.body and fb_video["page"] == social.PAGE_ID
    photo_posts = [p for p in graph_stub.live_posts().values() if p["kind"] == "photo"]
    assert len(photo_posts) == 1 and photo_posts[0]["message"] == item.title
    assert fb_result.remote_url == f"https://www.facebook.com/{social.PAGE_ID}/videos/{fb_video['id']}"

    # what the hub stored is what the stubs recorded
    db.session.refresh(x_pub)
    db.session.refresh(fb_pub)
    x_posts = x_pub.state["accounts"][str(x_account.id)]["posts"]
    assert [p["id"] for p in x_posts] == [main["id"], reply["id"]]
    assert x_pub.state["remote_id"] == main["id"]
    fb_posts = fb_pub.state["accounts"][str(fb_account.id)]["posts"]
    assert [p["id"] for p in fb_posts] == [fb_video["id"], photo_posts[0]["id"]]


def test_a_long_text_goes_out_as_a_thread_and_a_lost_reply_is_not_doubled(app, make_social_item, x_account, x_stub):
    from hub_social.textcount import split_thread

    from hub.exceptions import TransientPublishError

    long = " ".join(f"Poin {i}: jalan provinsi ruas Padang–Bukittinggi ditutup sementara." for i in range(12))
    item = make_social_item(text=long, channels={"x": {"thread": True}})
    pub = social.publication_for(item, "x", str(x_account.id))
    parts = split_thread(long)
    assert len(parts) == 3

    x_stub.lose_next_answer("POST", "/2/tweets")  # the first post goes through; its answer is lost
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    db.session.expire_all()
    pub.attempts += 1
    db.session.commit()
    result = social.call_publish(pub, item)

    tweets = sorted(x_stub.live_tweets().values(), key=lambda t: t["created_at"])
    assert [t["text"] for t in tweets] == parts
    assert tweets[0]["reply_to"] is None
    assert [t["reply_to"] for t in tweets[1:]] == [tweets[0]["id"], tweets[1]["id"]]
    assert result.remote_id == tweets[0]["id"]
    assert [p["id"] for p in result.details["posts"]] == [t["id"] for t in tweets]


def test_a_publication_without_a_target_goes_to_every_chosen_account(app, make_social_item, x_stub):
    from hub_social.accounts import AccountError, add_account

    first = add_account("x", "Diskominfo", dict(social.X_SECRETS), base_url=x_stub.url)
    x_stub.add_user("ck-gubernur", "cs-gubernur", "at-gubernur", "ats-gubernur", username="programgubernur")
    second = add_account(
        "x",
        "Program Gubernur",
        {"consumer_key": "ck-gubernur", "consumer_secret": "cs-gubernur", "access_token": "at-gubernur",
         "access_token_secret": "ats-gubernur"},
        base_url=x_stub.url,
    )  # fmt: skip
    db.session.commit()
    item = make_social_item(channels={"x": {"accounts": [second.id, first.id]}})
    result = social.call_publish(social.publication_for(item, "x"), item)

    tweets = x_stub.live_tweets()
    assert len(tweets) == 2
    assert {t["user"] for t in tweets.values()} == {u["id"] for _s, u in x_stub.tokens.values()}
    assert [p["account"] for p in result.details["posts"]] == ["Program Gubernur", "Diskominfo"]
    assert x_stub.tweets[result.remote_id]["user"] == x_stub.tokens["at-gubernur"][1]["id"]

    with pytest.raises(AccountError, match="http"):
        add_account("x", "Salah", dict(social.X_SECRETS), base_url="ftp://gateway.internal")


def test_facebook_photos_go_in_one_post_and_a_text_post_carries_its_link(app, make_social_item, fb_account, graph_stub):
    link = "https://diskominfo.sumbarprov.go.id/berita/festival"
    album = make_social_item(channels={"facebook": {"link": link}}, image=2)
    result = social.call_publish(social.publication_for(album, "facebook", str(fb_account.id)), album)
    post = graph_stub.posts[result.remote_id]
    assert post["kind"] == "feed" and post["message"] == f"{album.body}\n\n{link}"
    photos = [graph_stub.photos[p] for p in post["photos"]]
    assert len(photos) == 2 and not any(p["published"] for p in photos)
    assert [p["alt_text"] for p in photos] == ["Poster festival", "Foto 2"]
    assert result.remote_url == f"https://www.facebook.com/{social.PAGE_ID}/posts/{result.remote_id.split('_')[1]}"

    text = make_social_item(channels={"facebook": {"link": link}}, text="Baca selengkapnya di situs kami.")
    result = social.call_publish(social.publication_for(text, "facebook", str(fb_account.id)), text)
    post = graph_stub.posts[result.remote_id]
    assert (post["message"], post["link"], post["photos"]) == ("Baca selengkapnya di situs kami.", link, [])
