"""Which file of an item's video a screen plays, and the screen versions an admin asks for.

A screen's player is a browser: it plays H.264/VP9/AV1, not the HEVC of phones or the
MPEG-4/ProRes of cameras. For each screen the player gets, best first:

1. the rendition conformed to the screen (its exact pixel size, the one-minute limit), when an
   admin asked for it (``request_screen_versions``) and it is ready;
2. the media area's browser preview, when the original does not play in browsers;
3. the original.

The variant is part of the media URL, so a player caches the new file and drops the old one
when a rendition becomes ready.
"""

from __future__ import annotations

from pathlib import Path

from hub_videotron.config import setting
from hub_videotron.models import PlaylistEntry, Screen

from hub.sdk import (
    Asset,
    AssetStatus,
    FileGone,
    Item,
    MediaError,
    asset_path,
    db,
    derivative_path,
    rendition_key,
    request_rendition,
)

ORIGINAL = "original"
PREVIEW = "preview"


def screen_key(screen: Screen) -> str:
    """The rendition key of ``screen``: its pixel size, the videotron length limit, whole picture."""
    return rendition_key(screen.width_px, screen.height_px, int(setting("duration_seconds")), "contain")


def variant_for(asset: Asset, screen: Screen) -> str:
    """The variant ``screen`` should play: its rendition, the preview, or the original."""
    key = screen_key(screen)
    if derivative_path(asset, key) is not None:
        return key
    if (asset.probe or {}).get("browser_playable") is False and derivative_path(asset, PREVIEW) is not None:
        return PREVIEW
    return ORIGINAL


def variant_file(asset: Asset, variant: str) -> tuple[Path, str] | None:
    """``(path, mime)`` of a variant on disk, or None when it is not there."""
    try:
        if variant == ORIGINAL:
            path = asset_path(asset)
            return (path, asset.mime or "video/mp4") if path.is_file() else None
    except FileGone:
        return None
    if variant != PREVIEW and variant not in (asset.derivatives or {}).get("renditions", {}):
        return None
    path = derivative_path(asset, variant)
    return (path, "video/mp4") if path is not None else None


def request_screen_versions(item: Item) -> list[tuple[str, str]]:
    """Ask for a rendition per distinct pixel size of the screens the item is on.

    Returns ``(key, status)`` pairs; raises :class:`MediaError` when the video is not ready.
    """
    entries = db.session.scalars(
        db.select(PlaylistEntry).where(PlaylistEntry.item_id == item.id, PlaylistEntry.removed_at.is_(None))
    ).all()
    done: dict[str, str] = {}
    for entry in entries:
        asset = entry.asset
        if asset.status != AssetStatus.READY.value:
            raise MediaError(
                "not_ready",
                "Video konten ini belum siap atau sudah dihapus.",
                "This item's video is not ready or was deleted.",
                status=409,
            )
        key = screen_key(entry.screen)
        if key not in done:
            key = request_rendition(
                asset, entry.screen.width_px, entry.screen.height_px, int(setting("duration_seconds")), "contain"
            )
            done[key] = asset.derivatives["renditions"][key]["status"]
    return sorted(done.items())


def versions_of(entries: list[PlaylistEntry]) -> list[dict]:
    """For the item page: each screen's pixel size, the rendition's state and what the screen plays now."""
    rows: dict[str, dict] = {}
    for entry in entries:
        if entry.removed_at is not None:
            continue
        key = screen_key(entry.screen)
        row = rows.setdefault(
            key,
            {
                "key": key,
                "size": entry.screen.resolution,
                "status": ((entry.asset.derivatives or {}).get("renditions", {}).get(key) or {}).get("status"),
                "plays": variant_for(entry.asset, entry.screen),
                "screens": [],
            },
        )
        row["screens"].append(entry.screen.name)
    return list(rows.values())
