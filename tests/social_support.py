"""Helpers of the social plugin's tests (the fixtures are in ``tests/social_fixtures.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hub.extensions import db
from hub.models import Asset, Publication

X_SECRETS = {
    "consumer_key": "ck-diskominfo",
    "consumer_secret": "cs-very-secret",
    "access_token": "1600-at-diskominfo",
    "access_token_secret": "ats-also-secret",
}
PAGE_ID, PAGE_TOKEN = "104857600001", "EAAB-page-token-diskominfo"
IG_USER_ID, IG_USERNAME = "17841400000000001", "diskominfo.sumbar"
YT_CLIENT_ID, YT_CLIENT_SECRET = "123456789-hub.apps.googleusercontent.com", "GOCSPX-test-secret"
YT_REFRESH_TOKEN = "1//0g-refresh-diskominfo"
#: the hub's public address in the Instagram tests (the Graph stub resolves it to the local hub server)
PUBLIC_BASE_URL = "https://hub.diskominfo.sumbarprov.go.id"


def add_asset(app, source: Path, kind: str, mime: str, *, duration: float | None = None) -> Asset:
    media_dir = Path(app.config["MEDIA_DIR"])
    stored = f"social-test/{source.name}"
    (media_dir / stored).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, media_dir / stored)
    asset = Asset(
        original_name=source.name,
        stored_name=stored,
        kind=kind,
        mime=mime,
        size=source.stat().st_size,
        status="ready",
        duration=duration,
    )
    db.session.add(asset)
    db.session.flush()
    return asset


def publication_for(item, channel: str, target: str = "", attempts: int = 1) -> Publication:
    pub = Publication(
        item_id=item.id, channel=channel, target=target, idempotency_key=f"hub-{item.id}-{channel}", attempts=attempts
    )
    db.session.add(pub)
    db.session.commit()
    return pub


def call_publish(pub: Publication, item):
    """The plugin's publish hook, as the dispatcher calls it (keyword arguments, first result)."""
    from hub.plugins import plugins

    registry = plugins()
    return registry.hook.publish(publication=pub, item=item, channel=registry.channels[pub.channel])


def call_unpublish(pub: Publication, item):
    from hub.plugins import plugins

    registry = plugins()
    return registry.hook.unpublish(publication=pub, item=item, channel=registry.channels[pub.channel])
