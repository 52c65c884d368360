"""From a received file to an asset: the checks every upload and Drive download ends with.

:func:`ingest` runs the checks of :mod:`hub.media.verify`; on a refusal the file is
deleted and no row is written. A file already uploaded by the same office (same
SHA-256) is not stored twice: the existing asset is returned with ``duplicate=True``.
Otherwise the file is moved to its generated name, the row is written (status
``probing``) and the background probe is queued.
"""

from __future__ import annotations

from pathlib import Path

from hub.extensions import db
from hub.media.errors import MediaError
from hub.media.settings import media_dir
from hub.media.sniff import Detected
from hub.media.storage import store
from hub.media.verify import verify_file
from hub.models import Asset, AssetStatus, Item, ItemAsset


def find_duplicate(sha256: str, organisation_id: int | None, user_id: int | None) -> Asset | None:
    """A live asset of the same office (or, without an office, the same person) with these bytes."""
    query = db.select(Asset).where(
        Asset.sha256 == sha256, Asset.status.in_([AssetStatus.PROBING.value, AssetStatus.READY.value])
    )
    if organisation_id is not None:
        query = query.where(Asset.organisation_id == organisation_id)
    else:
        query = query.where(Asset.uploaded_by_id == user_id)
    return db.session.execute(query.order_by(Asset.id).limit(1)).scalar()


def ingest(
    path: Path,
    detected: Detected,
    sha256: str,
    *,
    name: str,
    user,
    source: str = "upload",
) -> tuple[Asset, bool]:
    """Check ``path`` and make it an asset; returns ``(asset, duplicate)``. On :class:`MediaError`
    (or any failure) the file is gone and nothing was written."""
    try:
        facts = verify_file(path, detected)
        org_id, user_id = getattr(user, "organisation_id", None), getattr(user, "id", None)
        existing = find_duplicate(sha256, org_id, user_id)
        size = path.stat().st_size
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if existing is not None:
        path.unlink(missing_ok=True)
        return existing, True
    stored = store(path, detected)
    try:
        asset = Asset(
            organisation_id=org_id,
            uploaded_by_id=user_id,
            original_name=name,
            stored_name=stored,
            kind=detected.kind,
            mime=detected.mime,
            size=size,
            sha256=sha256,
            status=AssetStatus.PROBING.value,
            source=source[:1000],
            width=facts.get("width"),
            height=facts.get("height"),
            duration=facts.get("duration"),
            orientation=facts.get("orientation"),
            probe=facts,
            derivatives={},
        )
        db.session.add(asset)
        db.session.flush()
        from hub import audit

        audit.record(
            "media.stored",
            actor=user,
            target_type="asset",
            target_id=asset.id,
            details={"name": name, "kind": asset.kind, "size": size, "sha256": sha256, "source": source[:200]},
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        (media_dir() / stored).unlink(missing_ok=True)
        raise
    queue_probe(asset.id)
    return asset, False


def ingest_local_file(path: Path, user, *, name: str | None = None, source: str = "local", probe: bool = True):
    """Copy ``path`` (a file on this machine) into the media store as ``user``'s asset.

    The copy is checked exactly like an upload (type sniffed from its bytes, verified, a
    duplicate of the person's office found again); ``path`` itself is left in place. With
    ``probe`` the probe runs now, so a video is ready (or refused) when this returns.
    Raises :class:`~hub.media.errors.MediaError` for a file the hub does not accept.
    """
    import hashlib
    import secrets
    import shutil

    from hub.media.sniff import HEAD_BYTES, detect
    from hub.media.storage import incoming_path

    path = Path(path)
    incoming = incoming_path(secrets.token_hex(16))
    shutil.copyfile(path, incoming)
    digest = hashlib.sha256()
    with incoming.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        digest.update(head)
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    try:
        detected = detect(head)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    asset, _duplicate = ingest(incoming, detected, digest.hexdigest(), name=name or path.name, user=user, source=source)
    if probe and asset.status == AssetStatus.PROBING.value:
        from hub.media.jobs import probe_asset

        probe_asset(asset.id)
        db.session.refresh(asset)
    return asset


def queue_probe(asset_id: int) -> None:
    from hub.jobs import enqueue
    from hub.media.jobs import probe_asset

    enqueue(probe_asset, asset_id)


def attach(asset: Asset, item: Item, role: str = "main") -> ItemAsset:
    """Attach ``asset`` to ``item`` after its other assets (not committed)."""
    for link in item.assets:
        if link.asset_id == asset.id and link.role == role:
            return link
    position = max((link.position for link in item.assets), default=-1) + 1
    link = ItemAsset(item_id=item.id, asset_id=asset.id, role=role, position=position)
    item.assets.append(link)
    return link


def refuse_unless_ready_for(asset: Asset) -> None:
    if asset.status not in (AssetStatus.PROBING.value, AssetStatus.READY.value):
        raise MediaError(
            "asset_unusable",
            f"Media #{asset.id} tidak dapat dipakai (status {asset.status}). Unggah berkasnya lagi.",
            f"Media #{asset.id} cannot be used (status {asset.status}). Upload the file again.",
            status=409,
        )
