"""YouTube through the YouTube stub with the real google-api-python-client and google-auth: a
resumable upload with its thumbnail, a worker killed mid-upload resumed through the same session,
the daily quota, an unaudited project's forced-private video, and connecting by OAuth consent."""

from __future__ import annotations

import os
import signal

import pytest

from hub.extensions import db
from hub.models import ItemAsset
from tests import media_factory
from tests import social_support as social

#: the fixtures (yt_stub, yt_account, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]


@pytest.fixture
def minute_video(tmp_path):
    """60 s, 754 kB: three chunks of 256 KiB."""
    return media_factory.make_video(tmp_path, width=320, height=240, seconds=60, fps=10, name="minute.mp4")


def video_item(app, make_social_item, path, *, image=True, **options):
    item = make_social_item(channels={"youtube": options}, image=image, title="Festival Budaya Minangkabau 2026")
    asset = social.add_asset(app, path, "video", "video/mp4", duration=60.0)
    db.session.add(ItemAsset(item_id=item.id, asset_id=asset.id, role="main", position=9))
    db.session.commit()
    db.session.refresh(item)
    return item


def test_a_video_goes_up_once_with_its_thumbnail_and_link(app, make_social_item, yt_account, yt_stub, minute_video):
    item = video_item(app, make_social_item, minute_video, tags=["Sumbar", "budaya"], privacy="unlisted")
    pub = social.publication_for(item, "youtube", str(yt_account.id))
    result = social.call_publish(pub, item)

    [video] = yt_stub.live_videos().values()
    assert video["size"] == minute_video.stat().st_size and video["thumbnail"]
    assert video["snippet"]["title"] == "Festival Budaya Minangkabau 2026"
    assert video["snippet"]["description"] == item.body and video["snippet"]["tags"] == ["Sumbar", "budaya"]
    assert video["status"]["privacyStatus"] == "unlisted" and video["snippet"]["categoryId"] == "25"
    assert result.remote_id == video["id"] and result.remote_url == f"https://www.youtube.com/watch?v={video['id']}"
    assert len(yt_stub.sessions) == 1
    assert yt_stub.requests.count(("PUT", "/upload/youtube/v3/videos")) == 3  # 256 KiB chunks
    db.session.refresh(yt_account)
    assert yt_account.config["quota"]["units"] == 1650  # insert + thumbnail, counted by the hub


def test_an_approved_revision_updates_title_description_and_tags_in_place(
    app, make_social_item, yt_account, yt_stub, minute_video
):
    item = video_item(app, make_social_item, minute_video, image=False, tags=["Sumbar"])
    pub = social.publication_for(item, "youtube", str(yt_account.id))
    first = social.call_publish(pub, item)

    item.body = "Jadwal baru: Festival Budaya diundur ke 14 Desember."
    item.target("youtube").options = {"tags": ["Sumbar", "jadwal"], "title": "Festival Budaya (jadwal baru)"}
    db.session.commit()
    again = social.call_publish(pub, item)  # what the dispatcher does after the revision's approval

    [video] = yt_stub.live_videos().values()
    assert again.remote_id == first.remote_id == video["id"] and len(yt_stub.sessions) == 1
    assert video["snippet"]["description"] == item.body and video["snippet"]["tags"] == ["Sumbar", "jadwal"]
    assert video["snippet"]["title"] == "Festival Budaya (jadwal baru)"
    assert yt_stub.requests.count(("PUT", "/youtube/v3/videos")) == 1
    social.call_publish(pub, item)  # nothing changed since: no update
    assert yt_stub.requests.count(("PUT", "/youtube/v3/videos")) == 1

    assert social.call_unpublish(pub, item) is True  # unpublishing makes it private (the default)
    assert video["status"]["privacyStatus"] == "private" and not video["deleted"]


def test_a_worker_killed_mid_upload_is_resumed_through_the_same_session(
    app, make_social_item, yt_account, yt_stub, minute_video
):
    item = video_item(app, make_social_item, minute_video)
    pub = social.publication_for(item, "youtube", str(yt_account.id))
    reached, release = yt_stub.hold_chunk(2)

    pid = os.fork()
    if pid == 0:  # the worker: publish until the stub holds the second chunk, then die there
        try:
            db.engine.dispose(close=False)
            social.call_publish(pub, item)
        finally:
            os._exit(0)
    assert reached.wait(60), "the worker never reached the second chunk"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    release.set()

    db.session.expire_all()
    [session] = yt_stub.sessions.values()
    assert pub.state["accounts"][str(yt_account.id)]["upload"]["uri"].endswith(session["id"])
    assert len(session["data"]) in (256 * 1024, 512 * 1024)  # what arrived before (or as) it died
    pub.attempts += 1
    db.session.commit()
    result = social.call_publish(pub, item)

    assert len(yt_stub.sessions) == 1  # the same session: never a second upload
    [video] = yt_stub.live_videos().values()
    assert video["size"] == minute_video.stat().st_size and result.remote_id == video["id"]
    assert video["session"] == session["id"]


def test_an_expired_upload_session_goes_to_a_person_and_post_anyway_starts_a_new_one(
    app, make_social_item, yt_account, yt_stub, minute_video
):
    from hub.exceptions import PublishOutcomeUnknown

    item = video_item(app, make_social_item, minute_video, image=False)
    pub = social.publication_for(item, "youtube", str(yt_account.id))
    state = {"accounts": {str(yt_account.id): {"name": yt_account.name, "upload": {
        "uri": "https://youtube.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=gone",
        "at": "2026-11-20T00:00:00+00:00"}}}}  # fmt: skip
    pub.state = state
    db.session.commit()
    with pytest.raises(PublishOutcomeUnknown, match="expired"):
        social.call_publish(pub, item)
    assert not yt_stub.sessions

    db.session.expire_all()
    pub.state = {**pub.state, "confirmed_absent": True}  # "Post anyway" after the admin looked
    db.session.commit()
    result = social.call_publish(pub, item)
    [video] = yt_stub.live_videos().values()
    assert result.remote_id == video["id"] and len(yt_stub.sessions) == 1


def test_quota_exceeded_waits_for_the_reset_and_is_warned_about_before_approval(
    app, make_social_item, yt_account, yt_stub, minute_video
):
    from hub.exceptions import TransientPublishError
    from hub.plugins import plugins

    yt_stub.quota_limit = 1000
    item = video_item(app, make_social_item, minute_video)
    pub = social.publication_for(item, "youtube", str(yt_account.id))
    with pytest.raises(TransientPublishError) as caught:
        social.call_publish(pub, item)
    assert caught.value.details["rule"] == "quota_exceeded" and "quotaExceeded" in str(caught.value)
    assert 0 < caught.value.retry_after <= 25 * 3600
    assert not yt_stub.videos

    # the hub counted 1,600 + 1,600 today (the refused try too: Google charges it)
    registry = plugins()
    db.session.add(__import__("hub.models", fromlist=["Setting"]).Setting(
        namespace="social", key="youtube_daily_quota", value=3000))  # fmt: skip
    db.session.commit()
    found = registry.hook.validate_item(item=item, channel=registry.channels["youtube"], phase="approve")
    rules = {p.rule: p for result in found for p in result}
    assert rules["youtube.quota"].severity == "warning" and "1600 dari 3000" in rules["youtube.quota"].message_id


def test_an_unaudited_project_s_private_video_is_reported_not_published(
    app, make_social_item, yt_account, yt_stub, minute_video
):
    from hub.exceptions import PermanentPublishError

    yt_stub.unaudited = True
    item = video_item(app, make_social_item, minute_video, image=False)
    pub = social.publication_for(item, "youtube", str(yt_account.id))
    with pytest.raises(PermanentPublishError, match="mengunci video ini sebagai privat") as caught:
        social.call_publish(pub, item)
    [video] = yt_stub.videos.values()
    assert caught.value.details["rule"] == "forced_private" and caught.value.details["remote_id"] == video["id"]
    with pytest.raises(PermanentPublishError):  # a retry says the same and never uploads again
        social.call_publish(pub, item)
    assert len(yt_stub.sessions) == 1


def test_a_revoked_refresh_token_marks_the_account_reconnect_and_tells_the_admins(
    app, make_social_item, make_user, yt_account, yt_stub, minute_video
):
    from hub.exceptions import PermanentPublishError
    from hub.models import ChannelAccount

    admin = make_user("sosmed", roles=["admin_social"])
    yt_stub.revoke(social.YT_REFRESH_TOKEN)
    item = video_item(app, make_social_item, minute_video)
    with pytest.raises(PermanentPublishError, match="invalid_grant"):
        social.call_publish(social.publication_for(item, "youtube", str(yt_account.id)), item)
    account = db.session.get(ChannelAccount, yt_account.id)
    assert account.config["needs_reconnect"] is True and not yt_stub.sessions
    from hub.notify.models import Notification

    notes = db.session.execute(db.select(Notification).filter_by(user_id=admin.id)).scalars().all()
    assert any("YouTube" in (n.title_id or "") for n in notes)


def test_a_channel_is_connected_through_the_consent_flow(app, client, login, make_user, yt_stub):
    import requests

    from hub.models import ChannelAccount

    app.config["BASE_URL"] = social.PUBLIC_BASE_URL
    login(client, make_user("sysadmin", roles=["system_admin"]))
    assert "Tambah kanal YouTube" in client.get("/social/accounts").get_data(as_text=True)
    form = {"channel": "youtube", "name": "Kanal Dinas", "client_id": social.YT_CLIENT_ID,
            "client_secret": social.YT_CLIENT_SECRET, "base_url": yt_stub.url}  # fmt: skip
    assert client.post("/social/accounts", data=form).status_code == 302
    account = db.session.execute(db.select(ChannelAccount).filter_by(name="Kanal Dinas")).scalar_one()
    assert account.config["needs_reconnect"] is True and account.config["project"] == social.YT_CLIENT_ID
    page = client.get(f"/social/accounts/{account.id}").get_data(as_text=True)
    assert "dikunci privat" in page and "/social/youtube/callback" in page

    consent = client.post(f"/social/accounts/{account.id}/youtube/connect")
    assert consent.status_code == 302 and consent.location.startswith(f"{yt_stub.url}/o/oauth2/v2/auth?")
    google = requests.get(consent.location, allow_redirects=False, timeout=10)  # the admin says yes at Google
    back = google.headers["Location"]
    assert back.startswith(f"{social.PUBLIC_BASE_URL}/social/youtube/callback?")
    done = client.get(back.removeprefix(social.PUBLIC_BASE_URL), follow_redirects=True)
    assert "Terhubung ke kanal" in done.get_data(as_text=True)
    db.session.refresh(account)
    assert account.config["needs_reconnect"] is False and account.config["channel_title"] == "Diskominfotik Sumbar"
    assert b"1//" not in account.secret  # encrypted at rest
    forged = client.get("/social/youtube/callback?code=x&state=forged", follow_redirects=True)
    assert "tidak sah" in forged.get_data(as_text=True)


def test_channel_statistics_count_instagram_and_youtube(app, client, login, make_user):
    import datetime as dt

    from tests.web_support import make_item, make_publication

    creator = make_user("kreator5", roles=["pembuat_konten"])
    created = dt.datetime(2026, 11, 10, 3, 0, tzinfo=dt.UTC)
    item = make_item(creator, "Reel dan video", channels=("instagram", "youtube"), status="approved")
    make_publication(item, "instagram", "published", created_at=created, published_at=created + dt.timedelta(minutes=4))
    make_publication(item, "youtube", "failed", created_at=created)
    login(client, make_user("kabid", roles=["kepala_bidang"]))
    html = client.get("/reports/channel_stats?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "Instagram" in html and "YouTube" in html
    assert "<td>1</td><td>1</td><td>0</td><td>0</td><td>4,0</td>" in html  # Instagram: 1 published in 4 minutes
    assert "<td>1</td><td>0</td><td>1</td><td>0</td>" in html  # YouTube: 1 failed


def test_the_item_page_shows_the_instagram_and_youtube_previews_and_options(
    app, client, login, make_social_item, yt_account, minute_video
):
    from hub.models import ItemChannel, User

    item = video_item(app, make_social_item, minute_video, tags=["Sumbar"], privacy="unlisted")
    item.channels.append(ItemChannel(channel="instagram"))
    db.session.commit()
    login(client, db.session.get(User, item.created_by_id))
    show = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Judul 32/100" in show and "tag: Sumbar" in show  # YouTube: title and description counts
    assert "Reel (video 9:16)" in show and "/2200 karakter" in show  # Instagram
    form = client.get("/items/new").get_data(as_text=True)
    assert "Visibilitas" in form and "Kirim versi reel 9:16" in form
