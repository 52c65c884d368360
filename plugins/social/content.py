"""What goes out for an item: the posts of each platform, built from its variant text and media.

An X post carries one video or up to four images (X's rule); a Facebook post carries
one video, or photos. So when an item has a video *and* images, the video goes in the
main post with the text and the images follow: on X in a reply to it (the thread), on
Facebook in a second page post captioned with the item's title. Validation warns the
creator about that split.

Per-item options (``ItemChannel.options``): ``accounts`` (list of account ids; default
every active account), ``thread`` (X: split a long text into a numbered thread instead
of refusing it), ``link`` (Facebook: the link of a text post).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from hub_social.textcount import split_thread

#: (kind, mime) accepted, and size limits in bytes
X_IMAGE_MIMES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
X_VIDEO_MIMES = {"video/mp4", "video/quicktime"}
X_IMAGE_MAX, X_GIF_MAX, X_VIDEO_MAX = 5 * 1024**2, 15 * 1024**2, 512 * 1024**2
X_VIDEO_SECONDS = 140
X_ALT_MAX = 1000
FB_IMAGE_MIMES = {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp"}
FB_VIDEO_MIMES = {"video/mp4", "video/quicktime", "video/webm", "video/x-msvideo", "video/mpeg"}
FB_IMAGE_MAX, FB_VIDEO_MAX = 10 * 1024**2, 10 * 1024**3
FB_VIDEO_SECONDS = 240 * 60
FB_TEXT_MAX = 63206
#: Instagram (Content Publishing API): caption rules, images fetched as JPEG, reels uploaded resumably
IG_CAPTION_MAX, IG_HASHTAGS_MAX, IG_MENTIONS_MAX = 2200, 30, 20
IG_IMAGE_MIMES = {"image/jpeg", "image/png", "image/webp"}  # served to Instagram as JPEG
IG_VIDEO_MIMES = {"video/mp4", "video/quicktime"}
IG_IMAGE_MAX, IG_VIDEO_MAX = 8 * 1024**2, 300 * 1024**2
IG_ASPECT_MIN, IG_ASPECT_MAX = 4 / 5, 1.91  # width / height of a feed image
IG_REEL_MIN_SECONDS, IG_REEL_MAX_SECONDS = 3, 15 * 60
IG_CAROUSEL_MIN, IG_CAROUSEL_MAX = 2, 10
IG_VIDEO_CODECS, IG_AUDIO_CODECS = {"h264", "hevc"}, {"aac"}
#: the rendition offered when a video does not fit a reel: 9:16, at most 15 minutes, H.264 + AAC
IG_REEL_RENDITION = (1080, 1920, IG_REEL_MAX_SECONDS, "contain")
#: YouTube (Data API v3 ``videos.insert``)
YT_TITLE_MAX, YT_DESCRIPTION_MAX, YT_TAGS_MAX = 100, 5000, 500
YT_PRIVACY = ("public", "unlisted", "private")
YT_DEFAULT_CATEGORY = "25"  # News & Politics


@dataclass(frozen=True)
class Media:
    asset_id: int
    kind: str  # "image" | "video"
    mime: str
    path: Path
    size: int
    duration: float | None
    alt: str
    width: int | None = None
    height: int | None = None
    video_codec: str = ""
    audio_codec: str = ""


def item_media(item) -> list[Media]:
    """The item's images and videos in their order (documents are not for social media)."""
    result = []
    for link in item.assets:
        asset = link.asset
        kind = asset.kind or (asset.mime or "").split("/")[0]
        if kind not in ("image", "video"):
            continue
        result.append(
            Media(
                asset_id=asset.id,
                kind=kind,
                mime=asset.mime,
                path=_path(asset),
                size=asset.size or 0,
                duration=asset.duration,
                alt=link.alt_text or "",
                width=asset.width,
                height=asset.height,
                video_codec=str((asset.probe or {}).get("video_codec") or ""),
                audio_codec=str((asset.probe or {}).get("audio_codec") or ""),
            )
        )
    return result


def _path(asset) -> Path:
    """The asset's file (the media area's resolver: inside MEDIA_DIR, gone once deleted)."""
    from hub.sdk import FileGone, asset_path

    try:
        return asset_path(asset)
    except FileGone:
        return Path(current_app.config["MEDIA_DIR"]) / ".gone" / str(asset.id)


def options_of(item, channel: str) -> dict:
    target = item.target(channel)
    return dict(target.options or {}) if target is not None else {}


def x_posts(item) -> list[dict]:
    """The thread for X: ``[{"text", "media": [asset ids]}]``, each a reply to the one before."""
    options = options_of(item, "x")
    text = item.text_for("x") or ""
    texts = split_thread(text) if options.get("thread") else ([text] if text else [])
    media = item_media(item)
    videos = [m.asset_id for m in media if m.kind == "video"]
    images = [m.asset_id for m in media if m.kind == "image"]
    groups = [[v] for v in videos] + [images[i : i + 4] for i in range(0, len(images), 4)]
    count = max(len(texts), len(groups), 1)
    return [
        {"text": texts[i] if i < len(texts) else "", "media": groups[i] if i < len(groups) else []}
        for i in range(count)
    ]


def facebook_posts(item) -> list[dict]:
    """The page posts: ``[{"kind": feed|photo|photos|video, "text", "media", "link", "title"}]``."""
    options = options_of(item, "facebook")
    text = item.text_for("facebook") or ""
    link = str(options.get("link") or "").strip()
    media = item_media(item)
    videos = [m.asset_id for m in media if m.kind == "video"]
    images = [m.asset_id for m in media if m.kind == "image"]
    posts: list[dict] = []
    for i, video in enumerate(videos):
        body = text if i == 0 else item.title
        if i == 0 and link and link not in body:
            body = f"{body}\n\n{link}".strip()
        posts.append({"kind": "video", "text": body, "media": [video], "title": item.title})
    caption = item.title if videos else text
    if images and link and not videos and link not in caption:
        caption = f"{caption}\n\n{link}".strip()
    if len(images) == 1:
        posts.append({"kind": "photo", "text": caption, "media": images})
    elif images:
        posts.append({"kind": "photos", "text": caption, "media": images})
    if not posts:
        posts.append({"kind": "feed", "text": text, "media": [], "link": link})
    return posts


def instagram_posts(item) -> list[dict]:
    """The Instagram posts: ``[{"kind": reel|image|carousel, "text", "media"}]``.

    Every video is a reel (Instagram publishes single feed videos as reels); the images go out
    as one image post, or as carousels of at most 10. The first post carries the caption, the
    others the item's title (as on Facebook). An item without media has no Instagram post
    (validation refuses it).
    """
    text = item.text_for("instagram") or ""
    media = item_media(item)
    videos = [m.asset_id for m in media if m.kind == "video"]
    images = [m.asset_id for m in media if m.kind == "image"]
    version = bool(options_of(item, "instagram").get("reel_version"))
    posts: list[dict] = [{"kind": "reel", "media": [v], "rendition": version} for v in videos]
    for start in range(0, len(images), IG_CAROUSEL_MAX):
        group = images[start : start + IG_CAROUSEL_MAX]
        posts.append({"kind": "carousel" if len(group) > 1 else "image", "media": group})
    for i, post in enumerate(posts):
        post["text"] = text if i == 0 else item.title
    return posts


def youtube_posts(item) -> list[dict]:
    """The YouTube upload: the item's first video with title, description, tags, category,
    language, privacy, ``publish_at`` (scheduled release) and the thumbnail (the item's first image)."""
    options = options_of(item, "youtube")
    media = item_media(item)
    videos = [m.asset_id for m in media if m.kind == "video"]
    images = [m.asset_id for m in media if m.kind == "image"]
    if not videos:
        return []
    tags = options.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    return [
        {
            "kind": "video",
            "media": videos[:1],
            "title": str(options.get("title") or item.title or "").strip(),
            "text": item.text_for("youtube") or "",
            "tags": [t for t in tags if t],
            "category": str(options.get("category") or YT_DEFAULT_CATEGORY),
            "language": str(options.get("language") or "id"),
            "privacy": str(options.get("privacy") or "public"),
            "publish_at": str(options.get("publish_at") or ""),
            "thumbnail": images[0] if images else None,
        }
    ]
