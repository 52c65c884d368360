"""The item page's preview for X and Facebook: the posts as they will go out.

X: each post of the thread with its weighted count; Facebook: each page post (a video, a
photo or album with its caption, or a text post with its link). The note names the accounts.
"""

from __future__ import annotations

from hub_social.accounts import AccountError, accounts_for
from hub_social.content import facebook_posts, instagram_posts, options_of, x_posts, youtube_posts
from hub_social.textcount import X_LIMIT, x_length

from hub.sdk import Preview, PreviewPart

_FB_KIND = {
    "video": ("Video", "Video"),
    "photo": ("Foto", "Photo"),
    "photos": ("Album foto", "Photo album"),
    "feed": ("Kiriman teks", "Text post"),
}


def _accounts_note(channel: str, item) -> tuple[str, str]:
    try:
        names = [a.name for a in accounts_for(channel, options_of(item, channel))]
    except AccountError:
        names = []
    if not names:
        return "Belum ada akun aktif untuk kanal ini.", "No active account for this channel yet."
    joined = ", ".join(names)
    return f"Akun: {joined}", f"Accounts: {joined}"


def x_preview(item) -> Preview:
    posts = x_posts(item)
    total = len(posts)
    parts = []
    for number, post in enumerate(posts, 1):
        n = x_length(post["text"])
        of_id = f" · kiriman {number}/{total}" if total > 1 else ""
        of_en = f" · post {number}/{total}" if total > 1 else ""
        parts.append(
            PreviewPart(
                text=post["text"],
                media=tuple(post["media"]),
                note_id=f"{n}/{X_LIMIT} karakter{of_id}",
                note_en=f"{n}/{X_LIMIT} characters{of_en}",
            )
        )
    note_id, note_en = _accounts_note("x", item)
    return Preview(parts=tuple(parts), note_id=note_id, note_en=note_en)


def facebook_preview(item) -> Preview:
    parts = []
    for post in facebook_posts(item):
        kind_id, kind_en = _FB_KIND.get(post["kind"], (post["kind"], post["kind"]))
        link = post.get("link") or ""
        parts.append(
            PreviewPart(
                text=post["text"],
                title=post.get("title") or "",
                media=tuple(post["media"]),
                note_id=kind_id + (f" · tautan {link}" if link else ""),
                note_en=kind_en + (f" · link {link}" if link else ""),
            )
        )
    note_id, note_en = _accounts_note("facebook", item)
    return Preview(parts=tuple(parts), note_id=note_id, note_en=note_en)


_IG_KIND = {
    "reel": ("Reel (video 9:16)", "Reel (9:16 video)"),
    "image": ("Gambar", "Image post"),
    "carousel": ("Carousel", "Carousel"),
}


def instagram_preview(item) -> Preview:
    """Each Instagram post with its caption counts (characters, hashtags, mentions)."""
    from hub_social.content import item_media
    from hub_social.textcount import instagram_counts

    sizes = {m.asset_id: _size(m) for m in item_media(item)}
    parts = []
    for post in instagram_posts(item):
        kind_id, kind_en = _IG_KIND[post["kind"]]
        c = instagram_counts(post["text"])
        crop_id, crop_en = _ig_crop(post, sizes)
        parts.append(
            PreviewPart(
                text=post["text"],
                media=tuple(post["media"]),
                note_id=f"{kind_id} · {c['length']}/2200 karakter · {c['hashtags']}/30 tagar · "
                f"{c['mentions']}/20 sebutan{crop_id}",
                note_en=f"{kind_en} · {c['length']}/2200 characters · {c['hashtags']}/30 hashtags · "
                f"{c['mentions']}/20 mentions{crop_en}",
            )
        )
    note_id, note_en = _accounts_note("instagram", item)
    return Preview(parts=tuple(parts), note_id=note_id, note_en=note_en)


def youtube_preview(item) -> Preview:
    """The video's title and description with their counts, tags and privacy."""
    parts = []
    for post in youtube_posts(item):
        tags = ", ".join(post["tags"])
        parts.append(
            PreviewPart(
                text=post["text"],
                title=post["title"],
                media=tuple(post["media"]) + ((post["thumbnail"],) if post["thumbnail"] else ()),
                note_id=f"Judul {len(post['title'])}/100 · deskripsi {len(post['text'])}/5000 · {post['privacy']}"
                + (f" · tag: {tags}" if tags else ""),
                note_en=f"Title {len(post['title'])}/100 · description {len(post['text'])}/5000 · {post['privacy']}"
                + (f" · tags: {tags}" if tags else ""),
            )
        )
    note_id, note_en = _accounts_note("youtube", item)
    return Preview(parts=tuple(parts), note_id=note_id, note_en=note_en)


def _size(m) -> tuple[int, int] | None:
    if m.width and m.height:
        return m.width, m.height
    if m.kind != "image":
        return None
    try:
        from PIL import Image

        with Image.open(m.path) as image:
            return image.size
    except (OSError, ValueError):
        return None


def _ig_crop(post: dict, sizes: dict) -> tuple[str, str]:
    """How the first picture of an Instagram post shows: its shape in the feed (a carousel takes
    the first one's) and the 3:4 crop of the profile grid."""
    size = sizes.get(post["media"][0]) if post["media"] else None
    if not size or post["kind"] == "reel":
        return "", ""
    ratio = size[0] / size[1]
    shape_id = "persegi" if abs(ratio - 1) < 0.02 else ("tegak" if ratio < 1 else "mendatar")
    shape_en = "square" if abs(ratio - 1) < 0.02 else ("portrait" if ratio < 1 else "landscape")
    shown = f"{ratio:.2f}".replace(".", ",")
    return (
        f" · feed {shape_id} {shown}:1, grid profil dipotong 3:4 dari tengah",
        f" · feed {shape_en} {ratio:.2f}:1, the profile grid crops it to 3:4 from the centre",
    )
