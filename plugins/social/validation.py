"""The checks run at submission and before final approval (the ``validate_item`` hook).

Every problem names the field and a stable rule code and says, in Bahasa Indonesia and
English, what is wrong and what to change; the X length problem shows the weighted
count ("281/280").
"""

from __future__ import annotations

from hub_social import content
from hub_social.accounts import AccountError, chosen_ids, social_accounts
from hub_social.textcount import X_LIMIT, x_length

from hub.sdk import ChannelAccount, Problem


def _mb(n: int) -> str:
    return f"{n / 1024**2:.0f} MB" if n < 1024**3 else f"{n / 1024**3:.0f} GB"


def check(item, channel: str, phase: str) -> list[Problem]:
    problems = _accounts(item, channel, phase)
    if channel == "x":
        problems += _x(item)
    else:
        problems += _facebook(item)
    return problems


def _accounts(item, channel: str, phase: str) -> list[Problem]:
    options = content.options_of(item, channel)
    label = "X" if channel == "x" else "Facebook"
    try:
        ids = chosen_ids(options)
    except AccountError as exc:
        return [Problem(channel, "options.accounts", "social.account_id", str(exc), str(exc))]
    if ids is None:
        if social_accounts(channel, active_only=True):
            return []
        return [
            Problem(
                channel,
                "options.accounts",
                "social.no_account",
                f"Belum ada akun {label} yang aktif; minta admin menambahkannya sebelum konten diterbitkan.",
                f"There is no active {label} account yet; ask an admin to add one before the item is published.",
                severity="error" if phase == "approve" else "warning",
            )
        ]
    known: dict[int, ChannelAccount] = {a.id: a for a in social_accounts(channel)}
    bad = [i for i in ids if i not in known or not known[i].is_active]
    if not bad:
        return []
    listed = ", ".join(str(i) for i in bad)
    return [
        Problem(
            channel,
            "options.accounts",
            "social.account_unknown",
            f"Akun {label} {listed} tidak ada atau tidak aktif; pilih akun lain.",
            f"{label} account {listed} does not exist or is not active; choose another account.",
        )
    ]


def _x(item) -> list[Problem]:
    problems = []
    options = content.options_of(item, "x")
    text = item.text_for("x") or ""
    length = x_length(text)
    media = content.item_media(item)
    if not text.strip() and not media:
        problems.append(
            Problem("x", "variant_text", "x.empty", "Teks atau media untuk X wajib ada.", "X needs a text or media.")
        )
    if length > X_LIMIT and not options.get("thread"):
        problems.append(
            Problem(
                "x",
                "variant_text",
                "x.length",
                f"Teks X {length}/{X_LIMIT} karakter (tautan dihitung 23, huruf CJK dan emoji 2). "
                f"Persingkat {length - X_LIMIT} karakter, atau aktifkan utas (thread).",
                f"The X text is {length}/{X_LIMIT} characters (links count 23, CJK and emoji 2). "
                f"Shorten it by {length - X_LIMIT}, or turn the thread option on.",
            )
        )
    for m in media:
        problems += _x_media(m)
    videos = [m for m in media if m.kind == "video"]
    images = [m for m in media if m.kind == "image"]
    if videos and images or len(images) > 4 or len(videos) > 1:
        problems.append(
            Problem(
                "x",
                "media",
                "x.media_split",
                "Satu kiriman X memuat satu video atau paling banyak 4 gambar; media lainnya dikirim sebagai "
                "balasan (utas) setelah kiriman utama.",
                "An X post carries one video or at most 4 images; the other media go out as replies (a thread) "
                "after the main post.",
                severity="warning",
            )
        )
    return problems


def _x_media(m: content.Media) -> list[Problem]:
    def problem(rule: str, id_: str, en: str) -> Problem:
        return Problem("x", "media", rule, id_, en)

    allowed = content.X_IMAGE_MIMES if m.kind == "image" else content.X_VIDEO_MIMES
    if m.mime not in allowed:
        return [problem("x.media_type", f"X tidak menerima berkas {m.mime}.", f"X does not accept {m.mime} files.")]
    limit = (
        content.X_VIDEO_MAX
        if m.kind == "video"
        else (content.X_GIF_MAX if m.mime == "image/gif" else content.X_IMAGE_MAX)
    )
    out = []
    if m.size > limit:
        out.append(
            problem(
                "x.media_size",
                f"Berkas {m.kind} terlalu besar untuk X ({_mb(m.size)}; maksimal {_mb(limit)}).",
                f"The {m.kind} file is too large for X ({_mb(m.size)}; at most {_mb(limit)}).",
            )
        )
    if m.kind == "video" and m.duration and m.duration > content.X_VIDEO_SECONDS:
        out.append(
            problem(
                "x.video_duration",
                f"Video untuk X paling lama {content.X_VIDEO_SECONDS} detik (video ini {m.duration:.0f} detik).",
                f"Videos on X are at most {content.X_VIDEO_SECONDS} seconds (this one is {m.duration:.0f}).",
            )
        )
    if len(m.alt) > content.X_ALT_MAX:
        out.append(
            problem(
                "x.alt_text",
                f"Teks alternatif gambar paling banyak {content.X_ALT_MAX} karakter.",
                f"Image alt text is at most {content.X_ALT_MAX} characters.",
            )
        )
    return out


def _facebook(item) -> list[Problem]:
    problems = []
    text = item.text_for("facebook") or ""
    media = content.item_media(item)
    if not text.strip() and not media:
        problems.append(
            Problem(
                "facebook", "variant_text", "facebook.empty", "Teks atau media wajib ada.", "A text or media is needed."
            )
        )
    if len(text) > content.FB_TEXT_MAX:
        problems.append(
            Problem(
                "facebook",
                "variant_text",
                "facebook.length",
                f"Teks Facebook {len(text)}/{content.FB_TEXT_MAX} karakter; persingkat.",
                f"The Facebook text is {len(text)}/{content.FB_TEXT_MAX} characters; shorten it.",
            )
        )
    for m in media:
        allowed = content.FB_IMAGE_MIMES if m.kind == "image" else content.FB_VIDEO_MIMES
        limit = content.FB_IMAGE_MAX if m.kind == "image" else content.FB_VIDEO_MAX
        if m.mime not in allowed:
            problems.append(
                Problem(
                    "facebook",
                    "media",
                    "facebook.media_type",
                    f"Facebook tidak menerima berkas {m.mime}.",
                    f"Facebook does not accept {m.mime} files.",
                )
            )
        elif m.size > limit:
            problems.append(
                Problem(
                    "facebook",
                    "media",
                    "facebook.media_size",
                    f"Berkas {m.kind} terlalu besar untuk Facebook ({_mb(m.size)}; maksimal {_mb(limit)}).",
                    f"The {m.kind} file is too large for Facebook ({_mb(m.size)}; at most {_mb(limit)}).",
                )
            )
        if m.kind == "video" and m.duration and m.duration > content.FB_VIDEO_SECONDS:
            problems.append(
                Problem(
                    "facebook",
                    "media",
                    "facebook.video_duration",
                    "Video Facebook paling lama 240 menit.",
                    "Facebook videos are at most 240 minutes long.",
                )
            )
    if any(m.kind == "video" for m in media) and any(m.kind == "image" for m in media):
        problems.append(
            Problem(
                "facebook",
                "media",
                "facebook.media_split",
                "Video dikirim bersama teks; gambar dikirim sebagai kiriman kedua berjudul konten ini.",
                "The video goes out with the text; the images go out as a second post captioned with the title.",
                severity="warning",
            )
        )
    return problems
