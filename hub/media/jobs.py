"""Background jobs of the media area: the probe, the derivatives and the renditions.

Each takes an asset id, is idempotent (it looks at the row's state first) and writes
what it learnt to the row. A file the probe finds damaged is deleted and its row
marked ``rejected`` with the reason, so the person sees why.
"""

from __future__ import annotations

import logging

from hub.extensions import db
from hub.jobs import enqueue, job
from hub.media import derivatives as deriv
from hub.media.errors import MediaError
from hub.media.names import derivative_name
from hub.media.probe import corrupt, last_frame_decodes, probe_video
from hub.media.settings import media_dir, setting
from hub.media.sniff import by_mime
from hub.media.storage import FileGone, _inside, asset_path, lock_asset, remove_files
from hub.models import Asset, AssetStatus
from hub.models.base import utcnow

log = logging.getLogger(__name__)


def _still_ready(asset: Asset, made: list[str]) -> bool:
    """Called with new files on disk, before recording them: lock the row and look at its status.
    When the asset was deleted (or rejected) meanwhile, remove the files just made and forget the
    changes; the caller records nothing."""
    state = lock_asset(asset)
    if state == AssetStatus.READY.value:
        return True
    db.session.rollback()
    root = media_dir()
    for name in made:
        try:
            _inside(root, name).unlink(missing_ok=True)
        except (OSError, FileGone):
            log.warning("could not remove %s of deleted asset %s", name, asset.id)
    log.info("asset %s was deleted while its files were made; removed %s", asset.id, made)
    return False


def _set_derivative(asset: Asset, label: str, entry: dict, *, rendition: bool = False) -> None:
    data = dict(asset.derivatives or {})
    if rendition:
        data["renditions"] = {**data.get("renditions", {}), label: entry}
    else:
        data[label] = entry
    asset.derivatives = data


@job
def probe_asset(asset_id: int) -> str | None:
    """Read the stored file fully enough to trust it, fill in its facts, mark it ready."""
    asset = db.session.get(Asset, asset_id)
    if asset is None or asset.status != AssetStatus.PROBING.value:
        return None
    try:
        path = asset_path(asset)
        detected = by_mime(asset.mime)
        if asset.kind == "video":
            info = probe_video(path, detected.container)
            if not last_frame_decodes(path, detected.container):
                raise corrupt("bagian akhir video tidak dapat diputar", "the end of the video cannot be played")
            asset.width, asset.height = info.width, info.height
            asset.duration, asset.orientation = info.duration, info.orientation
            asset.probe = info.as_dict()
        elif asset.kind == "image":
            _decode_image(path)
    except MediaError as exc:
        _reject(asset, exc)
        return "rejected"
    if lock_asset(asset) != AssetStatus.PROBING.value:  # deleted while being probed: stays deleted
        db.session.rollback()
        return None
    asset.status = AssetStatus.READY.value
    asset.probed_at = utcnow()
    db.session.commit()
    if asset.kind in ("video", "image"):
        enqueue(make_derivatives, asset.id)
    return "ready"


def _decode_image(path) -> None:
    from PIL import Image

    try:
        with Image.open(path) as img:
            img.draft("RGB", (2048, 2048))
            img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        log.info("image of asset file %s refused as corrupt: %s", path.name, exc)
        raise MediaError(  # Pillow's text names the server's path: not shown
            "corrupt_image",
            "Gambar rusak atau tidak lengkap. Simpan ulang atau ekspor ulang gambar lalu unggah lagi.",
            "The image is damaged or incomplete. Save or export the image again and upload it again.",
        ) from exc


def _reject(asset: Asset, exc: MediaError) -> None:
    from hub import audit

    remove_files(asset)
    asset.status = AssetStatus.REJECTED.value
    asset.error = str(exc)[:1000]
    asset.deleted_at = utcnow()
    audit.record("media.rejected", actor=None, target_type="asset", target_id=asset.id, details={"error": exc.code})
    db.session.commit()


@job
def make_derivatives(asset_id: int) -> list[str]:
    """Poster and thumbnail of a video (and a preview when browsers cannot play it); thumbnail of an image."""
    asset = db.session.get(Asset, asset_id)
    if asset is None or asset.status != AssetStatus.READY.value:
        return []
    made = []
    path = asset_path(asset)
    root = media_dir()
    if asset.kind == "image" and "thumbnail" not in (asset.derivatives or {}):
        name = derivative_name(asset.stored_name, "thumb", "jpg")
        size = deriv.image_thumbnail(path, root / name)
        if not _still_ready(asset, [name]):
            return []
        _set_derivative(asset, "thumbnail", {"path": name, "status": "ready", "width": size[0], "height": size[1]})
        made.append("thumbnail")
    if asset.kind == "video" and "poster" not in (asset.derivatives or {}):
        poster, thumb = (
            derivative_name(asset.stored_name, "poster", "jpg"),
            derivative_name(asset.stored_name, "thumb", "jpg"),
        )
        try:
            sizes = deriv.poster_and_thumbnail(
                path, (asset.width, asset.height), asset.duration or 0, root / poster, root / thumb
            )
        except (OSError, RuntimeError, ValueError, IndexError) as exc:
            log.exception("poster of asset %s failed", asset.id)
            _set_derivative(asset, "poster", {"status": "failed", "error": str(exc)[:300]})
        else:
            if not _still_ready(asset, [poster, thumb]):
                return []
            _set_derivative(
                asset,
                "poster",
                {"path": poster, "status": "ready", "width": sizes["poster"][0], "height": sizes["poster"][1]},
            )
            _set_derivative(
                asset,
                "thumbnail",
                {"path": thumb, "status": "ready", "width": sizes["thumbnail"][0], "height": sizes["thumbnail"][1]},
            )
            made += ["poster", "thumbnail"]
    db.session.commit()
    if asset.kind == "video" and not (asset.probe or {}).get("browser_playable") and "preview" not in asset.derivatives:
        made += _make_preview(asset)
    return made


def _make_preview(asset: Asset) -> list[str]:
    name = derivative_name(asset.stored_name, "preview", "mp4")
    box = (int(setting("MEDIA_PREVIEW_WIDTH")), int(setting("MEDIA_PREVIEW_HEIGHT")))
    frame = deriv.fit(asset.width, asset.height, *box, even=True)
    try:
        facts = deriv.encode(
            asset_path(asset),
            media_dir() / name,
            display=(asset.width, asset.height),
            frame=frame,
            audio=bool((asset.probe or {}).get("audio")),
        )
    except (OSError, RuntimeError, FileGone) as exc:
        log.exception("preview of asset %s failed", asset.id)
        _set_derivative(asset, "preview", {"status": "failed", "error": str(exc)[:300]})
        db.session.commit()
        return []
    if not _still_ready(asset, [name]):
        return []
    _set_derivative(asset, "preview", {"path": name, "status": "ready", "width": frame[0], "height": frame[1], **facts})
    db.session.commit()
    return ["preview"]


@job
def make_rendition(asset_id: int, key: str) -> str | None:
    """Encode the rendition ``key`` that :func:`hub.media.renditions.request_rendition` asked for."""
    from hub.media.renditions import parse_key

    asset = db.session.get(Asset, asset_id)
    if asset is None or asset.status != AssetStatus.READY.value:
        return None
    entry = (asset.derivatives or {}).get("renditions", {}).get(key)
    if not entry or entry.get("status") == "ready":
        return None
    width, height, max_seconds, fit_mode = parse_key(key)
    if fit_mode == "cover":
        frame = deriv.cover(asset.width, asset.height, width, height)
        frame = (frame[0] + frame[0] % 2, frame[1] + frame[1] % 2)
    else:
        frame = deriv.fit(asset.width, asset.height, width, height, even=True, grow=True)
    name = derivative_name(asset.stored_name, f"r{width}x{height}-{max_seconds}s-{fit_mode}", "mp4")
    _set_derivative(asset, key, {**entry, "status": "working"}, rendition=True)
    db.session.commit()
    try:
        facts = deriv.encode(
            asset_path(asset),
            media_dir() / name,
            display=(asset.width, asset.height),
            frame=frame,
            box=(width, height),
            max_seconds=max_seconds,
            audio=bool((asset.probe or {}).get("audio")),
        )
    except (OSError, RuntimeError, FileGone) as exc:
        log.exception("rendition %s of asset %s failed", key, asset.id)
        _set_derivative(asset, key, {**entry, "status": "failed", "error": str(exc)[:300]}, rendition=True)
        db.session.commit()
        return "failed"
    if not _still_ready(asset, [name]):
        return None
    _set_derivative(
        asset,
        key,
        {**entry, "path": name, "status": "ready", "width": width, "height": height, **facts},
        rendition=True,
    )
    db.session.commit()
    return "ready"
