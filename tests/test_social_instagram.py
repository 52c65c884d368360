"""Instagram through the Graph stub with the real facebook-sdk: reels by resumable upload, images
fetched by the stub from the hub's signed public links, carousels, the publishing limit, a lost
``media_publish`` answer, and the checks at submission."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import ItemAsset
from tests import media_factory
from tests import social_support as social

#: the fixtures (graph_stub, ig_account, hub_server, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]

PUBLISH = f"/v21.0/{social.IG_USER_ID}/media_publish"


def attach(app, item, path, kind, mime, *, duration=None, width=None, height=None):
    asset = social.add_asset(app, path, kind, mime, duration=duration)
    asset.width, asset.height = width, height
    position = len(item.assets)
    db.session.add(ItemAsset(item_id=item.id, asset_id=asset.id, role="gallery", position=position))
    db.session.commit()
    db.session.refresh(item)
    return asset


def problems(item, phase="submit"):
    from hub.plugins import plugins

    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels["instagram"], phase=phase)
    return [p for result in results for p in result]


def error_rules(item, phase="submit"):
    return sorted(p.rule for p in problems(item, phase) if p.severity == "error")


@pytest.fixture
def square(tmp_path):
    return media_factory.make_image(tmp_path, 640, 640, name="square.png")


def test_a_video_and_an_image_go_out_once_as_a_reel_once_as_an_image_post_and_once_on_youtube(
    app, make_social_item, ig_account, graph_stub, hub_server, square, tmp_path, yt_account, yt_stub
):
    from hub.dispatch import create_publications, kick
    from hub.models import ItemStatus
    from tests.dispatch_support import drive, publications

    video = media_factory.make_video(tmp_path, width=90, height=160, seconds=60, fps=2, name="reel.mp4")
    item = make_social_item(channels={"instagram": {}, "youtube": {}})
    attach(app, item, video, "video", "video/mp4", duration=60.0, width=90, height=160)
    attach(app, item, square, "image", "image/png", width=640, height=640)
    assert error_rules(item) == [] and error_rules(item, "approve") == []

    item.status = ItemStatus.APPROVED.value
    create_publications(item)
    db.session.commit()
    kick([item.id])
    drive(app, lambda: all(p.status in ("published", "failed") for p in publications(item.id)), timeout=60)

    pubs = {p.channel: p for p in publications(item.id)}
    assert {c: p.status for c, p in pubs.items()} == {"instagram": "published", "youtube": "published"}, [
        p.last_error for p in pubs.values()
    ]
    pub = pubs["instagram"]
    assert pub.target == str(ig_account.id)
    media = sorted(graph_stub.ig_media.values(), key=lambda m: m["created"])
    assert [(m["media_type"], m["product"]) for m in media] == [("VIDEO", "REELS"), ("IMAGE", "FEED")]
    reel, image = media
    assert reel["caption"] == item.body and image["caption"] == item.title
    # the reel's bytes went to rupload (no public URL); the image was fetched from the hub's signed link
    reel_container = graph_stub.containers[reel["container"]]
    assert reel_container["bytes"] == video.stat().st_size
    assert ("POST", f"/ig-api-upload/v21.0/{reel['container']}") in graph_stub.requests
    [fetched] = graph_stub.fetched
    assert fetched.startswith(f"{social.PUBLIC_BASE_URL}/social/public/") and fetched.endswith(".jpg")
    # the limit was read from Instagram before each publish; one publish per post
    assert graph_stub.requests.count(("GET", f"/v21.0/{social.IG_USER_ID}/content_publishing_limit")) == 2
    assert graph_stub.requests.count(("POST", PUBLISH)) == 2
    assert pub.remote_id == reel["id"] and pub.remote_url == reel["permalink"]
    assert set(graph_stub.versions) == {"v21.0"}

    # YouTube: one video, its bytes and the image as thumbnail, its link recorded
    [yt_video] = yt_stub.live_videos().values()
    assert yt_video["size"] == video.stat().st_size and yt_video["thumbnail"]
    assert yt_video["snippet"]["title"] == item.title and len(yt_stub.sessions) == 1
    assert pubs["youtube"].remote_url == f"https://www.youtube.com/watch?v={yt_video['id']}"


def test_a_lost_media_publish_answer_gives_exactly_one_post(
    app, make_social_item, ig_account, graph_stub, hub_server, square
):
    from hub.exceptions import TransientPublishError

    item = make_social_item(channels={"instagram": {}})
    attach(app, item, square, "image", "image/png")
    pub = social.publication_for(item, "instagram", str(ig_account.id))

    graph_stub.lose_next_answer("POST", PUBLISH)
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    assert len(graph_stub.ig_media) == 1  # Instagram published it; the hub did not hear the answer
    db.session.expire_all()
    pub.attempts += 1
    db.session.commit()
    result = social.call_publish(pub, item)

    [post] = graph_stub.ig_media.values()
    assert result.remote_id == post["id"] and result.remote_url == post["permalink"]
    assert graph_stub.requests.count(("POST", PUBLISH)) == 1
    assert ("GET", f"/v21.0/{social.IG_USER_ID}/media") in graph_stub.requests
    assert result.details["posts"][0]["found"] is True


def test_a_published_container_whose_post_cannot_be_found_goes_to_a_person(
    app, make_social_item, ig_account, graph_stub, hub_server, square
):
    from hub.exceptions import PublishOutcomeUnknown, TransientPublishError

    item = make_social_item(channels={"instagram": {}})
    attach(app, item, square, "image", "image/png")
    pub = social.publication_for(item, "instagram", str(ig_account.id))
    graph_stub.lose_next_answer("POST", PUBLISH)
    with pytest.raises(TransientPublishError):
        social.call_publish(pub, item)
    [post] = graph_stub.ig_media.values()
    post["caption"] = "diubah di aplikasi"  # the look-up cannot recognise it any more
    db.session.expire_all()
    with pytest.raises(PublishOutcomeUnknown):
        social.call_publish(pub, item)
    assert graph_stub.requests.count(("POST", PUBLISH)) == 1 and len(graph_stub.ig_media) == 1


def test_the_publishing_limit_is_read_from_instagram_and_waited_for(
    app, make_social_item, ig_account, graph_stub, hub_server, square
):
    import time

    from hub.exceptions import TransientPublishError

    graph_stub.quota_total = 2  # what the account's content_publishing_limit says today
    for n in range(2):  # two posts made today by hand
        graph_stub.ig_media[f"9{n}"] = {"id": f"9{n}", "user": social.IG_USER_ID, "created": int(time.time()),
                                       "media_type": "IMAGE", "product": "FEED", "caption": "lain",
                                       "permalink": "https://www.instagram.com/p/x/"}  # fmt: skip
    item = make_social_item(channels={"instagram": {}})
    attach(app, item, square, "image", "image/png")
    pub = social.publication_for(item, "instagram", str(ig_account.id))
    with pytest.raises(TransientPublishError) as caught:
        social.call_publish(pub, item)
    assert caught.value.details["rule"] == "publishing_limit"
    assert "2/2" in str(caught.value) and caught.value.retry_after == 3600
    assert ("POST", PUBLISH) not in graph_stub.requests

    graph_stub.quota_total = 25
    db.session.expire_all()
    result = social.call_publish(pub, item)
    [post] = [m for m in graph_stub.ig_media.values() if m["caption"] == item.body]
    assert result.remote_id == post["id"]
    # the container made by the first attempt was reused
    assert len([c for c in graph_stub.containers.values() if not c["carousel_item"]]) == 1


def test_images_go_out_as_a_carousel_with_children_first(app, make_social_item, ig_account, graph_stub, hub_server):
    item = make_social_item(channels={"instagram": {}}, image=3)
    result = social.call_publish(social.publication_for(item, "instagram", str(ig_account.id)), item)
    [post] = graph_stub.ig_media.values()
    assert post["media_type"] == "CAROUSEL_ALBUM" and len(post["children"]) == 3
    assert all(graph_stub.containers[c]["carousel_item"] for c in post["children"])
    assert len(graph_stub.fetched) == 3 and result.remote_id == post["id"]


def test_a_container_in_error_is_reported_with_its_reason(app, make_social_item, ig_account, graph_stub, tmp_path):
    from hub.exceptions import PermanentPublishError

    video = media_factory.make_video(tmp_path, width=90, height=160, seconds=4, fps=2, name="short.mp4")
    item = make_social_item(channels={"instagram": {}})
    attach(app, item, video, "video", "video/mp4", duration=4.0)
    graph_stub.fail_processing("The video's audio codec is not supported (2207026)")
    with pytest.raises(PermanentPublishError, match="audio codec is not supported"):
        social.call_publish(social.publication_for(item, "instagram", str(ig_account.id)), item)
    assert not graph_stub.ig_media


def test_caption_reel_and_image_rules_are_checked_at_submission(app, make_social_item, tmp_path):
    tags = " ".join(f"#Sumbar{i}" for i in range(31))
    item = make_social_item(channels={"instagram": {}}, text=f"Festival Budaya {tags}")
    tiny = media_factory.make_video(tmp_path, width=90, height=160, seconds=2, fps=2, name="tiny.mp4")
    attach(app, item, tiny, "video", "video/mp4", duration=16 * 60.0, width=90, height=160)  # as the probe said
    tall = media_factory.make_image(tmp_path, 200, 600, name="tall.png")  # 1:3
    attach(app, item, tall, "image", "image/png")  # no stored size: read from the file
    app.config["BASE_URL"] = social.PUBLIC_BASE_URL

    found = {p.rule: p for p in problems(item) if p.severity == "error"}
    assert sorted(found) == ["instagram.hashtags", "instagram.image_aspect", "instagram.reel_duration"]
    assert "Aturan tagar Instagram: paling banyak 30 tagar" in found["instagram.hashtags"].message_id
    assert "31" in found["instagram.hashtags"].message_en
    assert "Instagram reel duration rule: 3 seconds to 15 minutes" in found["instagram.reel_duration"].message_en
    assert "16:00" in found["instagram.reel_duration"].message_id
    aspect = found["instagram.image_aspect"]
    assert "4:5" in aspect.message_id and "200×600" in aspect.message_en

    mentions = " ".join(f"@dinas{i}" for i in range(21))
    item2 = make_social_item(channels={"instagram": {}}, text="x" * 2200 + " @dinas0")
    attach(app, item2, tall, "image", "image/png", width=640, height=640)
    assert error_rules(item2) == ["instagram.caption_length"]
    item3 = make_social_item(channels={"instagram": {}}, text=mentions)
    assert error_rules(item3) == ["instagram.media_required", "instagram.mentions"]


def test_a_hub_address_instagram_cannot_reach_is_refused_at_submission(app, make_social_item):
    from hub_social.public_media import is_public

    item = make_social_item(channels={"instagram": {}}, image=True)
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    [problem] = [p for p in problems(item) if p.rule == "instagram.public_url"]
    assert "HUB_BASE_URL" in problem.message_id and "127.0.0.1:5000" in problem.message_en
    for url in ("http://localhost:8000", "http://10.1.2.3", "https://hub.local", "http://hub", "http://192.168.1.5"):
        assert not is_public(url), url
    assert is_public("https://hub.sumbarprov.go.id") and is_public("http://203.0.113.9".replace("203.0.113", "36.66.1"))
    app.config["BASE_URL"] = social.PUBLIC_BASE_URL
    assert not [p for p in problems(item) if p.rule == "instagram.public_url"]


def test_signed_image_links_are_short_lived_jpegs(app, client, make_social_item):
    from hub_social.public_media import signed_url

    item = make_social_item(channels={"instagram": {}}, image=True)
    asset_id = item.assets[0].asset_id
    app.config["BASE_URL"] = social.PUBLIC_BASE_URL
    url = signed_url(asset_id)
    path = url.removeprefix(social.PUBLIC_BASE_URL)
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg" and resp.data.startswith(b"\xff\xd8\xff")
    token = path.rsplit("/", 1)[1].removesuffix(".jpg")
    assert client.get(path.replace(token, token[:-2] + "xx")).status_code == 404  # forged
    from hub.models import Setting

    db.session.add(Setting(namespace="social", key="instagram_image_url_seconds", value=-1))
    db.session.commit()
    assert client.get(path).status_code == 404  # expired


def test_an_instagram_account_is_added_and_tested_on_the_accounts_page(
    app, client, login, make_user, graph_stub, make_social_item
):
    from hub.models import ChannelAccount

    login(client, make_user("sysadmin", roles=["system_admin"]))
    page = client.get("/social/accounts").get_data(as_text=True)
    assert "Tambah akun Instagram" in page
    form = {"channel": "instagram", "name": "IG Diskominfo", "page_token": social.PAGE_TOKEN,
            "ig_user_id": social.IG_USER_ID, "base_url": graph_stub.url}  # fmt: skip
    assert client.post("/social/accounts", data=form).status_code == 302
    account = db.session.execute(db.select(ChannelAccount).filter_by(name="IG Diskominfo")).scalar_one()
    resp = client.post(f"/social/accounts/{account.id}/test", follow_redirects=True)
    assert f"Terhubung sebagai @{social.IG_USERNAME}" in resp.get_data(as_text=True)
    refused = client.post("/social/accounts", data={**form, "ig_user_id": ""})
    assert refused.status_code == 422 and "ig_user_id" in refused.get_data(as_text=True)

    item = make_social_item(channels={"instagram": {}}, text="Festival #Sumbar @diskominfo", image=True)
    from hub.plugins import plugins

    registry = plugins()
    preview = registry.hook.preview_item(item=item, channel=registry.channels["instagram"])
    assert "2200" in preview.parts[0].note_en and "1/30 hashtags" in preview.parts[0].note_en
    assert "1/20 mentions" in preview.parts[0].note_en
    assert "feed landscape 1.78:1" in preview.parts[0].note_en and "3:4" in preview.parts[0].note_en


def test_the_live_counter_counts_hashtags_and_mentions(app, client, login, make_user):
    login(client, make_user("kreator3", roles=["pembuat_konten"]))
    ok = client.post("/social/count/instagram", json={"text": "Festival #Sumbar @diskominfo"}).get_json()
    assert ok == {"channel": "instagram", "length": 28, "limit": 2200, "valid": True, "hashtags": 1, "mentions": 1}
    tags = " ".join(f"#t{i}" for i in range(31))
    over = client.post("/social/count/instagram", json={"text": tags}).get_json()
    assert over["hashtags"] == 31 and over["valid"] is False and over["length"] < 2200


def test_a_video_that_does_not_fit_goes_out_as_its_reel_version(
    app, make_social_item, ig_account, graph_stub, tmp_path, run_jobs
):
    from hub.exceptions import TransientPublishError

    clip = media_factory.make_video(tmp_path, width=320, height=240, seconds=4, fps=5, name="wide.mp4")
    item = make_social_item(channels={"instagram": {}})
    attach(app, item, clip, "video", "video/mp4", duration=16 * 60.0, width=320, height=240)
    assert error_rules(item) == ["instagram.reel_duration"]
    assert "versi reel 9:16" in problems(item)[0].message_id

    item.target("instagram").options = {"reel_version": True}
    db.session.commit()
    found = {p.rule: p for p in problems(item)}
    assert set(found) == {"instagram.reel_version"} and found["instagram.reel_version"].severity == "warning"
    pub = social.publication_for(item, "instagram", str(ig_account.id))
    with pytest.raises(TransientPublishError, match="belum siap"):
        social.call_publish(pub, item)
    assert not graph_stub.containers  # nothing made before the version is ready

    run_jobs()  # the hub's media worker makes the 1080x1920 version
    db.session.expire_all()
    assert not problems(item)
    result = social.call_publish(pub, item)
    [reel] = graph_stub.ig_media.values()
    sent = graph_stub.containers[reel["container"]]["bytes"]
    assert result.remote_id == reel["id"] and sent != clip.stat().st_size  # the version went, not the original


def test_the_graph_version_is_one_setting_and_a_retired_one_is_refused(app, ig_account, graph_stub):
    from hub_social.drivers import test_connection

    from hub.models import Setting

    db.session.add(Setting(namespace="social", key="graph_api_version", value="v23.0"))
    db.session.commit()
    assert test_connection(ig_account)[0] is True
    assert "v23.0" in graph_stub.versions
    db.session.execute(db.update(Setting).where(Setting.key == "graph_api_version").values(value="v17.0"))
    db.session.commit()
    ok, message = test_connection(ig_account)
    assert not ok and "deprecated version" in message
