"""Shared set-up for the website plugin's tests: the WordPress stub, assets, items, publications."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from flask import current_app

from hub.extensions import db
from hub.models import Asset, AssetStatus, Item, ItemAsset, ItemChannel, ItemStatus, Publication, PublicationStatus
from hub.plugins import plugins
from tests import media_factory
from tests.stubs.wordpress import WordPressStub

#: a WordPress Application Password as WordPress shows it: 24 characters in groups of 4
APP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"


@pytest.fixture(name="wp")
def wordpress_stub():
    """A running WordPress stub with an editor account (``editor`` / :data:`APP_PASSWORD`)."""
    with WordPressStub() as stub:
        stub.add_user("editor", APP_PASSWORD, "editor")
        yield stub
    assert not stub.errors, stub.errors


def add_site(stub: WordPressStub, channel: str = "website", *, password: str = APP_PASSWORD, **config):
    from hub_website.sites import add_site as _add

    site = _add(channel, f"Situs {channel}", stub.url, "editor", password, config=config)
    db.session.commit()
    return site


def store_asset(path: Path, mime: str, kind: str) -> Asset:
    """An asset as the media area stores it: a generated name under MEDIA_DIR, size and hash recorded."""
    data = path.read_bytes()
    media = Path(current_app.config["MEDIA_DIR"])
    stored = f"test/{uuid.uuid4().hex}{path.suffix}"
    (media / stored).parent.mkdir(parents=True, exist_ok=True)
    (media / stored).write_bytes(data)
    asset = Asset(
        original_name=path.name,
        stored_name=stored,
        kind=kind,
        mime=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        status=AssetStatus.READY.value,
    )
    db.session.add(asset)
    db.session.flush()
    return asset


def image_asset(tmp_path: Path, fmt: str = "JPEG", width: int = 320, height: int = 200, name: str | None = None):
    mime = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}[fmt]
    return store_asset(media_factory.make_image(tmp_path, width, height, fmt, name=name), mime, "image")


def pdf_asset(tmp_path: Path, name: str = "laporan.pdf", pages: int = 1) -> Asset:
    return store_asset(media_factory.make_pdf(tmp_path, pages=pages, name=name), "application/pdf", "document")


def make_item(user, *, kind: str = "article", channels=("website",), assets=(), extra=None, **fields) -> Item:
    """An approved item (``assets``: (asset, role) pairs; ``channels``: names or (name, options))."""
    item = Item(
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        kind=kind,
        title=fields.pop("title", "Festival Budaya Minangkabau 2026"),
        body=fields.pop("body", "Festival dibuka Gubernur di Padang.\n\nSaksikan pertunjukan randai & tari piring."),
        status=ItemStatus.APPROVED.value,
        extra=extra or {},
        **fields,
    )
    for ch in channels:
        name, options = ch if isinstance(ch, tuple) else (ch, {})
        item.channels.append(ItemChannel(channel=name, options=options))
    for position, (asset, role) in enumerate(assets):
        item.assets.append(ItemAsset(asset=asset, role=role, position=position, alt_text=f"Gambar {position}"))
    db.session.add(item)
    db.session.commit()
    return item


def ppid_item(user, tmp_path: Path, info_class: str = "berkala", **fields) -> Item:
    from hub_website import ppid

    doc = fields.pop("document", None) or pdf_asset(tmp_path)
    item = make_item(
        user,
        kind=ppid.KIND,
        channels=fields.pop("channels", ("ppid",)),
        assets=[(doc, "document")],
        title=fields.pop("title", "Laporan Keuangan Dinas 2025"),
        body="",
    )
    ppid.set_info(
        item,
        info_class=info_class,
        unit=fields.pop("unit", "Sekretariat"),
        year=fields.pop("year", 2025),
        summary=fields.pop("summary", "Laporan realisasi anggaran dinas tahun 2025."),
        retention=fields.pop("retention", "5 tahun"),
        responsible=fields.pop("responsible", ""),
        place=fields.pop("place", ""),
    )
    db.session.commit()
    return item


def publication(item: Item, channel: str, target: str = "") -> Publication:
    """The outbox row the final approval writes, as a worker sees it while publishing (attempt 1)."""
    from hub.dispatch.outbox import idempotency_key

    pub = Publication(
        item_id=item.id,
        channel=channel,
        target=target,
        status=PublicationStatus.PUBLISHING.value,
        attempts=1,
        idempotency_key=idempotency_key(item.id, channel, target),
        state={},
    )
    db.session.add(pub)
    db.session.commit()
    return pub


def call(hook: str, pub: Publication, item: Item, channel: str | None = None):
    """Call the ``publish``/``unpublish`` hook as the dispatcher does; the state is committed even on error."""
    registry = plugins()
    try:
        return getattr(registry.hook, hook)(
            publication=pub, item=item, channel=registry.channels[channel or pub.channel]
        )
    finally:
        db.session.commit()
