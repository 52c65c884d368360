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
    from hub_social.textcount import instagram_counts

    parts = []
    for post in instagram_posts(item):
        kind_id, kind_en = _IG_KIND[post["kind"]]
        c = instagram_counts(post["text"])
        parts.append(
            PreviewPart(
                text=post["text"],
                media=tuple(post["media"]),
                note_id=f"{kind_id} · {c['length']}/2200 karakter · {c['hashtags']}/30 tagar · "
                f"{c['mentions']}/20 sebutan",
                note_en=f"{kind_en} · {c['length']}/2200 characters · {c['hashtags']}/30 hashtags · "
                f"{c['mentions']}/20 mentions",
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
