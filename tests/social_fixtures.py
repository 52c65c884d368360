"""Fixtures of the social plugin's tests: the two stubs, accounts, items with media.

Test modules load them with ``pytest_plugins = ["tests.social_fixtures"]``. Media are
generated at test time by ``tests/media_factory.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.extensions import db
from hub.models import Item, ItemAsset, ItemChannel, Setting
from tests import media_factory
from tests.social_support import (
    IG_USER_ID,
    IG_USERNAME,
    PAGE_ID,
    PAGE_TOKEN,
    PUBLIC_BASE_URL,
    X_SECRETS,
    YT_CLIENT_ID,
    YT_CLIENT_SECRET,
    YT_REFRESH_TOKEN,
    add_asset,
)
from tests.stubs.graph_api import GraphStub
from tests.stubs.x_api import XStub


@pytest.fixture(scope="session")
def sample_media(tmp_path_factory) -> dict[str, Path]:
    """A small PNG and a 2-second H.264 MP4 (tests/media_factory.py), made once per session."""
    folder = tmp_path_factory.mktemp("social-media")
    return {
        "image": media_factory.make_image(folder, 640, 360, name="poster.png"),
        "video": media_factory.make_video(folder, seconds=2, name="clip.mp4"),
    }


@pytest.fixture
def x_stub():
    with XStub() as stub:
        stub.add_user(**X_SECRETS, username="diskominfo_sumbar")
        yield stub
    assert not stub.errors, stub.errors


@pytest.fixture
def graph_stub():
    with GraphStub(chunk_bytes=4096) as stub:
        stub.add_page(PAGE_ID, PAGE_TOKEN, "Diskominfotik Sumbar")
        stub.add_instagram(PAGE_ID, IG_USER_ID, IG_USERNAME)
        yield stub
    assert not stub.errors, stub.errors


@pytest.fixture
def social_settings(app):
    """Small X upload chunks so a test video goes up in several segments."""
    db.session.add(Setting(namespace="social", key="x_chunk_bytes", value=4096))
    db.session.commit()


@pytest.fixture
def x_account(app, x_stub, social_settings):
    from hub_social.accounts import add_account

    account = add_account("x", "Diskominfo Sumbar", dict(X_SECRETS), base_url=x_stub.url)
    db.session.commit()
    return account


@pytest.fixture
def fb_account(app, graph_stub, social_settings):
    from hub_social.accounts import add_account

    account = add_account(
        "facebook", "Halaman Diskominfo", {"page_token": PAGE_TOKEN}, page_id=PAGE_ID, base_url=graph_stub.url
    )
    db.session.commit()
    return account


@pytest.fixture
def make_social_item(app, make_user, sample_media):
    """``make_social_item(text=…, channels={"x": {...options}}, image=True or a count, video=True)``
    -> a committed Item."""
    creator = make_user("kreator", roles=["pembuat_konten"])

    def _make(*, text="Festival Budaya Minangkabau 2026 di Padang.", channels=None, image=False, video=False, **kw):
        item = Item(
            organisation_id=creator.organisation_id,
            created_by_id=creator.id,
            kind="post",
            title=kw.pop("title", "Festival Budaya"),
            body=text,
            **kw,
        )
        item.channels = [
            ItemChannel(channel=name, options=opts or {}) for name, opts in (channels or {"x": {}}).items()
        ]
        db.session.add(item)
        db.session.flush()
        position = 0
        if video:
            asset = add_asset(app, sample_media["video"], "video", "video/mp4", duration=2.0)
            db.session.add(ItemAsset(item_id=item.id, asset_id=asset.id, role="main", position=position))
            position += 1
        for n in range(int(image)):  # image=True for one, or a count
            asset = add_asset(app, sample_media["image"], "image", "image/png")
            alt = "Poster festival" if n == 0 else f"Foto {n + 1}"
            db.session.add(
                ItemAsset(item_id=item.id, asset_id=asset.id, role="gallery", position=position, alt_text=alt)
            )
            position += 1
        db.session.commit()
        db.session.refresh(item)
        return item

    return _make


@pytest.fixture
def hub_server(app, graph_stub):
    """The hub served on 127.0.0.1 (a thread), reachable by the Graph stub's image fetcher as
    ``PUBLIC_BASE_URL``: what Meta's servers do with the hub's signed image links."""
    import threading

    from werkzeug.serving import make_server

    app.config["BASE_URL"] = PUBLIC_BASE_URL
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="hub-server", daemon=True)
    thread.start()
    graph_stub.resolve[PUBLIC_BASE_URL] = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ig_account(app, graph_stub, social_settings):
    from hub_social.accounts import add_account

    account = add_account(
        "instagram", "Instagram Diskominfo", {"page_token": PAGE_TOKEN}, ig_user_id=IG_USER_ID, base_url=graph_stub.url
    )
    db.session.add(Setting(namespace="social", key="instagram_poll_seconds", value=0))
    db.session.commit()
    return account


@pytest.fixture
def yt_stub():
    from tests.stubs.youtube_api import YouTubeStub

    with YouTubeStub() as stub:
        stub.add_client(YT_CLIENT_ID, YT_CLIENT_SECRET)
        stub.add_channel(YT_CLIENT_ID, YT_REFRESH_TOKEN, "Diskominfotik Sumbar")
        yield stub
    assert not stub.errors, stub.errors


@pytest.fixture
def yt_account(app, yt_stub, social_settings):
    """A connected channel (the refresh token as the consent flow stores it); 256 KiB chunks."""
    from hub_social.accounts import add_account, set_refresh_token

    account = add_account(
        "youtube",
        "YouTube Diskominfo",
        {"client_id": YT_CLIENT_ID, "client_secret": YT_CLIENT_SECRET},
        base_url=yt_stub.url,
    )
    set_refresh_token(account, YT_REFRESH_TOKEN)
    db.session.add(Setting(namespace="social", key="youtube_chunk_bytes", value=256 * 1024))
    db.session.commit()
    return account
