"""Shared set-up for the videotron tests: screens, video assets (set directly or probed from real
generated files), items targeting screens, a controllable clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

from hub.extensions import db
from hub.models import Asset, Item, ItemAsset, ItemChannel, Publication

UTC = dt.UTC
WIB = dt.timezone(dt.timedelta(hours=7))


class Clock:
    """``app.config["VIDEOTRON_NOW"] = clock``; move it with ``clock.set(...)``."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


def make_screen(code: str, name: str | None = None, *, groups=(), **fields):
    from hub_videotron.models import Screen, ScreenGroup

    screen = Screen(code=code, name=name or code.replace("-", " ").title(), city=fields.pop("city", "Kota Padang"))
    for key, value in fields.items():
        setattr(screen, key, value)
    for group_code in groups:
        group = db.session.scalar(db.select(ScreenGroup).filter_by(code=group_code))
        if group is None:
            group = ScreenGroup(code=group_code, name=group_code.title())
            db.session.add(group)
        screen.groups.append(group)
    db.session.add(screen)
    db.session.commit()
    return screen


def player_link(screen) -> str:
    """A fresh player secret for ``screen`` (committed); returns the token."""
    from hub_videotron.screens import issue_token

    token = issue_token(screen)
    db.session.commit()
    return token


def video_asset(media_dir: Path | str | None = None, **fields) -> Asset:
    """An asset row with its probe facts set directly (fast unit tests); a small real file when
    ``media_dir`` is given so the player can fetch it."""
    stored = fields.pop("stored_name", f"{uuid.uuid4().hex}.mp4")
    if media_dir is not None:
        path = Path(media_dir) / stored
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 1000)
    asset = Asset(
        kind=fields.pop("kind", "video"),
        mime=fields.pop("mime", "video/mp4"),
        status=fields.pop("status", "ready"),
        stored_name=stored,
        width=fields.pop("width", 1920),
        height=fields.pop("height", 1080),
        duration=fields.pop("duration", 60.0),
        orientation=fields.pop("orientation", "landscape"),
        **fields,
    )
    db.session.add(asset)
    db.session.commit()
    return asset


def probed_asset(path: Path, user) -> Asset:
    """A real generated file through the media area: checked, stored, then probed (as the worker does)."""
    from hub.media.ingest import ingest
    from hub.media.jobs import probe_asset
    from hub.media.sniff import detect

    data = path.read_bytes()
    asset, _dup = ingest(path, detect(data[:4096]), hashlib.sha256(data).hexdigest(), name=path.name, user=user)
    assert probe_asset(asset.id) == "ready", asset.error
    db.session.refresh(asset)
    return asset


def videotron_item(user, asset: Asset | None, *, screens=(), groups=(), dayparts=None, **fields) -> Item:
    """An item for the videotron; ``urgent=True``/``public_need_exception=True`` are the approver's marks
    (kept in ``Item.extra``, the plugin's declared fields)."""
    extra = {mark: True for mark in ("urgent", "public_need_exception") if fields.pop(mark, False)}
    options: dict = {}
    if screens:
        options["screens"] = list(screens)
    if groups:
        options["screen_groups"] = list(groups)
    if dayparts is not None:
        options["dayparts"] = dayparts
    item = Item(
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        kind="video",
        title=fields.pop("title", "Pekan Budaya Sumatera Barat"),
        event_date=fields.pop("event_date", dt.date(2027, 3, 20)),
        extra={**fields.pop("extra", {}), **extra},
        **fields,
    )
    item.channels = [ItemChannel(channel="videotron", options=options)]
    if asset is not None:
        item.assets = [ItemAsset(asset_id=asset.id, role="main")]
    db.session.add(item)
    db.session.commit()
    return item


def publish_directly(item: Item) -> tuple[Publication, object]:
    """Call the videotron ``publish`` hook for ``item`` as a publish job would; returns (publication, result)."""
    from hub.plugins import plugins

    pub = Publication(item_id=item.id, channel="videotron", idempotency_key=f"hub-{item.id}-videotron")
    db.session.add(pub)
    db.session.flush()
    registry = plugins()
    result = registry.hook.publish(publication=pub, item=item, channel=registry.channels["videotron"])
    db.session.commit()
    return pub, result


def titles_playing(screen, at: dt.datetime) -> list[str]:
    from hub_videotron.playlist import playlist_for

    return [e.item.title for e in playlist_for(screen, at)]
