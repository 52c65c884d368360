"""The item page's preview: how the item will look on each of its target channels.

A channel's plugin may answer ``preview_item`` with its own :class:`~hub.channels.Preview`
(X splits a thread, a screen shows its window); otherwise the preview is the channel's title,
its text (the variant or the main text) with the count against the channel's limit, and the
media the channel accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.channels import Channel, Preview, PreviewPart
from hub.models import Asset, Item


@dataclass
class ChannelPreview:
    channel: Channel
    preview: Preview
    #: asset id -> what the page shows for it: {"kind", "src"} (src None when nothing is ready)
    media: dict[int, dict]


def default_preview(item: Item, channel: Channel) -> Preview:
    target = item.target(channel.name)
    text = item.text_for(channel.name) or ""
    media = tuple(
        link.asset_id for link in item.assets if link.asset is not None and link.asset.kind in channel.accepts
    )
    note_id = note_en = ""
    if channel.text_limit:
        n = len(text)
        note_id = f"{n}/{channel.text_limit} karakter"
        note_en = f"{n}/{channel.text_limit} characters"
    title = (target.title if target is not None and target.title else None) or item.title
    return Preview(parts=(PreviewPart(text=text, title=title, media=media, note_id=note_id, note_en=note_en),))


def _shown(asset: Asset | None) -> dict:
    """What the preview shows for a medium: its thumbnail (or the image itself) once it is ready."""
    if asset is None:
        return {"kind": "missing", "src": None}
    ready = (asset.derivatives or {}).get("thumbnail", {}).get("status") == "ready"
    if ready:
        src = f"/media/{asset.id}/thumbnail"
    elif asset.kind == "image" and asset.status == "ready":
        src = f"/media/{asset.id}/original"
    else:
        src = None
    return {"kind": asset.kind, "src": src, "name": asset.original_name or f"#{asset.id}"}


def previews(item: Item) -> list[ChannelPreview]:
    """One preview per installed target channel, in the item's channel order."""
    from hub.plugins import plugins

    registry = plugins()
    assets = {link.asset_id: link.asset for link in item.assets}
    result = []
    for name in item.channel_names:
        channel = registry.channels.get(name)
        if channel is None:
            continue
        preview = registry.hook.preview_item(item=item, channel=channel) or default_preview(item, channel)
        ids = {i for part in preview.parts for i in part.media}
        result.append(ChannelPreview(channel, preview, {i: _shown(assets.get(i)) for i in sorted(ids)}))
    return result
