"""The checks run at submission and before final approval (the ``validate_item`` hook).

Every problem names the field and a stable rule code and says, in Bahasa Indonesia and
English, what is wrong and what to change; the X length problem shows the weighted
count ("281/280").
"""

from __future__ import annotations

from hub_social import content
from hub_social.accounts import AccountError, accounts_for, chosen_ids, social_accounts
from hub_social.textcount import X_LIMIT, instagram_counts, x_length

from hub.sdk import ChannelAccount, Problem


def _mb(n: int) -> str:
    return f"{n / 1024**2:.0f} MB" if n < 1024**3 else f"{n / 1024**3:.0f} GB"


def check(item, channel: str, phase: str) -> list[Problem]:
    problems = _accounts(item, channel, phase)
    if channel == "x":
        problems += _x(item)
    elif channel == "instagram":
        problems += _instagram(item)
    elif channel == "youtube":
        problems += _youtube(item, phase)
    else:
        problems += _facebook(item)
    return problems


def _accounts(item, channel: str, phase: str) -> list[Problem]:
    options = content.options_of(item, channel)
    label = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube"}[channel]
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


def _instagram(item) -> list[Problem]:
    """Instagram's rules: a caption's length, hashtags and mentions; image aspect and size; reel
    duration, size and codecs; a public hub address for the images Instagram fetches."""

    def problem(field: str, rule: str, id_: str, en: str, severity: str = "error") -> Problem:
        return Problem("instagram", field, rule, id_, en, severity=severity)

    problems = []
    text = item.text_for("instagram") or ""
    counts = instagram_counts(text)
    if counts["length"] > content.IG_CAPTION_MAX:
        problems.append(
            problem(
                "variant_text",
                "instagram.caption_length",
                f"Aturan panjang keterangan Instagram: paling banyak {content.IG_CAPTION_MAX} karakter "
                f"(keterangan ini {counts['length']}). "
                f"Persingkat {counts['length'] - content.IG_CAPTION_MAX} karakter.",
                f"Instagram caption length rule: at most {content.IG_CAPTION_MAX} characters (this caption has "
                f"{counts['length']}). Shorten it by {counts['length'] - content.IG_CAPTION_MAX}.",
            )
        )
    if counts["hashtags"] > content.IG_HASHTAGS_MAX:
        problems.append(
            problem(
                "variant_text",
                "instagram.hashtags",
                f"Aturan tagar Instagram: paling banyak {content.IG_HASHTAGS_MAX} tagar dalam satu keterangan "
                f"(keterangan ini {counts['hashtags']}). Hapus {counts['hashtags'] - content.IG_HASHTAGS_MAX} tagar.",
                f"Instagram hashtag rule: at most {content.IG_HASHTAGS_MAX} hashtags in a caption (this caption has "
                f"{counts['hashtags']}). Remove {counts['hashtags'] - content.IG_HASHTAGS_MAX}.",
            )
        )
    if counts["mentions"] > content.IG_MENTIONS_MAX:
        problems.append(
            problem(
                "variant_text",
                "instagram.mentions",
                f"Aturan sebutan Instagram: paling banyak {content.IG_MENTIONS_MAX} sebutan (@akun) dalam satu "
                f"keterangan (keterangan ini {counts['mentions']}).",
                f"Instagram mention rule: at most {content.IG_MENTIONS_MAX} mentions (@account) in a caption "
                f"(this caption has {counts['mentions']}).",
            )
        )
    media = content.item_media(item)
    if not media:
        problems.append(
            problem(
                "media",
                "instagram.media_required",
                "Instagram memerlukan gambar atau video; lampirkan minimal satu.",
                "Instagram needs an image or a video; attach at least one.",
            )
        )
    version = bool(content.options_of(item, "instagram").get("reel_version"))
    for m in media:
        if m.kind == "image":
            problems += _instagram_image(m, problem)
        elif version:
            problems += _reel_version(m, problem)
        else:
            problems += _instagram_reel(m, problem)
    images = [m for m in media if m.kind == "image"]
    if len(images) > content.IG_CAROUSEL_MAX:
        problems.append(
            problem(
                "media",
                "instagram.carousel_split",
                f"Satu carousel Instagram memuat paling banyak {content.IG_CAROUSEL_MAX} gambar; gambar lainnya "
                "dikirim sebagai kiriman berikutnya.",
                f"An Instagram carousel holds at most {content.IG_CAROUSEL_MAX} images; the others go out as "
                "further posts.",
                severity="warning",
            )
        )
    if images:
        from hub_social.public_media import base_url, is_public

        if not is_public(base_url()):
            problems.append(
                problem(
                    "media",
                    "instagram.public_url",
                    f"Instagram mengambil gambar dari alamat hub, tetapi HUB_BASE_URL ({base_url() or '-'}) tidak "
                    "dapat dijangkau dari internet. Minta operator mengisi HUB_BASE_URL dengan alamat publik hub.",
                    f"Instagram fetches images from the hub's address, but HUB_BASE_URL ({base_url() or '-'}) cannot "
                    "be reached from the internet. Ask the operator to set HUB_BASE_URL to the hub's public address.",
                )
            )
    return problems


def _dimensions(m: content.Media) -> tuple[int | None, int | None]:
    if m.width and m.height:
        return m.width, m.height
    try:
        from PIL import Image

        with Image.open(m.path) as image:
            return image.size
    except (OSError, ValueError):
        return None, None


def _instagram_image(m: content.Media, problem) -> list[Problem]:
    if m.mime not in content.IG_IMAGE_MIMES:
        return [
            problem(
                "media",
                "instagram.media_type",
                f"Instagram tidak menerima gambar {m.mime} (JPEG, PNG atau WebP).",
                f"Instagram does not take {m.mime} images (JPEG, PNG or WebP).",
            )
        ]
    out = []
    if m.size > content.IG_IMAGE_MAX:
        out.append(
            problem(
                "media",
                "instagram.media_size",
                f"Aturan ukuran gambar Instagram: paling besar {_mb(content.IG_IMAGE_MAX)} (berkas ini {_mb(m.size)}).",
                f"Instagram image size rule: at most {_mb(content.IG_IMAGE_MAX)} (this file is {_mb(m.size)}).",
            )
        )
    width, height = _dimensions(m)
    if width and height:
        ratio = width / height
        if not content.IG_ASPECT_MIN - 0.005 <= ratio <= content.IG_ASPECT_MAX + 0.005:
            out.append(
                problem(
                    "media",
                    "instagram.image_aspect",
                    f"Aturan rasio gambar Instagram: antara 4:5 (tegak) dan 1,91:1 (mendatar); gambar ini "
                    f"{width}×{height} (rasio {ratio:.2f}:1). Pangkas gambar lalu unggah ulang.",
                    f"Instagram image aspect rule: between 4:5 (portrait) and 1.91:1 (landscape); this image is "
                    f"{width}×{height} (ratio {ratio:.2f}:1). Crop it, then upload it again.",
                )
            )
    return out


def _instagram_reel(m: content.Media, problem) -> list[Problem]:
    if m.mime not in content.IG_VIDEO_MIMES:
        return [
            problem(
                "media",
                "instagram.media_type",
                f"Instagram tidak menerima video {m.mime} (MP4 atau MOV).",
                f"Instagram does not take {m.mime} videos (MP4 or MOV).",
            )
        ]
    out = []
    if m.duration is not None and not content.IG_REEL_MIN_SECONDS <= m.duration <= content.IG_REEL_MAX_SECONDS:
        out.append(
            problem(
                "media",
                "instagram.reel_duration",
                f"Aturan durasi reel Instagram: 3 detik sampai 15 menit; video ini {_duration(m.duration)}. "
                "Potong video, pilih video lain, atau aktifkan opsi versi reel 9:16 (15 menit pertama).",
                f"Instagram reel duration rule: 3 seconds to 15 minutes; this video is {_duration(m.duration)}. "
                "Trim it, choose another video, or turn on the 9:16 reel version option (the first 15 minutes).",
            )
        )
    if m.size > content.IG_VIDEO_MAX:
        out.append(
            problem(
                "media",
                "instagram.media_size",
                f"Aturan ukuran reel Instagram: paling besar {_mb(content.IG_VIDEO_MAX)} (berkas ini {_mb(m.size)}).",
                f"Instagram reel size rule: at most {_mb(content.IG_VIDEO_MAX)} (this file is {_mb(m.size)}).",
            )
        )
    video, audio = m.video_codec.lower(), m.audio_codec.lower()
    if (video and video not in content.IG_VIDEO_CODECS) or (audio and audio not in content.IG_AUDIO_CODECS):
        out.append(
            problem(
                "media",
                "instagram.video_codec",
                f"Aturan kodek reel Instagram: video H.264 atau HEVC dengan audio AAC; video ini {video or '?'}"
                f"{' + ' + audio if audio else ''}. Aktifkan opsi versi reel 9:16 atau konversi videonya.",
                f"Instagram reel codec rule: H.264 or HEVC video with AAC audio; this video is {video or '?'}"
                f"{' + ' + audio if audio else ''}. Turn on the 9:16 reel version option or convert it.",
            )
        )
    if m.width and m.height and abs(m.width / m.height - 9 / 16) > 0.02:
        out.append(
            problem(
                "media",
                "instagram.reel_aspect",
                f"Reel Instagram sebaiknya tegak 9:16; video ini {m.width}×{m.height} ditampilkan dengan bingkai. "
                "Aktifkan opsi versi reel 9:16 (1080×1920) bila perlu.",
                f"Instagram reels are best 9:16 portrait; this {m.width}×{m.height} video is shown letterboxed. "
                "Turn on the 9:16 reel version option (1080×1920) if needed.",
                severity="warning",
            )
        )
    return out


def _reel_version(m: content.Media, problem) -> list[Problem]:
    """The reel version is asked for: have it made (once) and say how far it is."""
    from hub.sdk import Asset, MediaError, db, request_rendition

    if m.duration is not None and m.duration < content.IG_REEL_MIN_SECONDS:
        return _instagram_reel(m, problem)  # a version cannot make a video longer
    asset = db.session.get(Asset, m.asset_id)
    try:
        key = request_rendition(asset, *content.IG_REEL_RENDITION)
    except MediaError as exc:
        return [problem("media", "instagram.reel_version", exc.message_id, exc.message_en)]
    state = (asset.derivatives or {}).get("renditions", {}).get(key, {}).get("status", "pending")
    if state == "ready":
        return []
    return [
        problem(
            "media",
            "instagram.reel_version",
            f"Versi reel 9:16 video ini sedang dibuat ({state}); reel dikirim setelah versi itu siap.",
            f"The 9:16 reel version of this video is being made ({state}); the reel goes out once it is ready.",
            severity="warning",
        )
    ]


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}" if minutes else f"{seconds:.1f} s"


def _youtube(item, phase: str) -> list[Problem]:
    """Title, description, tags, privacy and schedule; one video; the day's quota (before approval)."""

    def problem(field: str, rule: str, id_: str, en: str, severity: str = "error") -> Problem:
        return Problem("youtube", field, rule, id_, en, severity=severity)

    videos = [m for m in content.item_media(item) if m.kind == "video"]
    if not videos:
        return [
            problem(
                "media",
                "youtube.video_required",
                "YouTube memerlukan video; lampirkan satu.",
                "YouTube needs a video; attach one.",
            )
        ]
    [post] = content.youtube_posts(item)
    problems = []
    title, text = post["title"], post["text"]
    if not title or len(title) > content.YT_TITLE_MAX or "<" in title or ">" in title:
        problems.append(
            problem(
                "options.title",
                "youtube.title",
                f"Aturan judul YouTube: 1–{content.YT_TITLE_MAX} karakter tanpa < dan > (judul ini {len(title)}).",
                f"YouTube title rule: 1–{content.YT_TITLE_MAX} characters without < and > (this title has "
                f"{len(title)}).",
            )
        )
    size = len(text.encode())
    if size > content.YT_DESCRIPTION_MAX or "<" in text or ">" in text:
        problems.append(
            problem(
                "variant_text",
                "youtube.description",
                f"Aturan deskripsi YouTube: paling banyak {content.YT_DESCRIPTION_MAX} byte tanpa < dan > "
                f"(deskripsi ini {size}).",
                f"YouTube description rule: at most {content.YT_DESCRIPTION_MAX} bytes without < and > "
                f"(this description has {size}).",
            )
        )
    tags_len = sum(len(t) + (2 if " " in t else 0) for t in post["tags"]) + max(0, len(post["tags"]) - 1)
    if tags_len > content.YT_TAGS_MAX:
        problems.append(
            problem(
                "options.tags",
                "youtube.tags",
                f"Aturan tag YouTube: semua tag bersama paling banyak {content.YT_TAGS_MAX} karakter ({tags_len}).",
                f"YouTube tag rule: all tags together at most {content.YT_TAGS_MAX} characters ({tags_len}).",
            )
        )
    if post["privacy"] not in content.YT_PRIVACY:
        problems.append(
            problem(
                "options.privacy",
                "youtube.privacy",
                "Visibilitas YouTube harus public, unlisted atau private.",
                "YouTube privacy must be public, unlisted or private.",
            )
        )
    if post["publish_at"]:
        import datetime as dt

        try:
            when = dt.datetime.fromisoformat(post["publish_at"].replace("Z", "+00:00"))
            if when.tzinfo is None:
                raise ValueError
        except ValueError:
            problems.append(
                problem(
                    "options.publish_at",
                    "youtube.publish_at",
                    "Waktu tayang terjadwal YouTube harus ISO 8601 dengan zona waktu, mis. 2026-12-12T09:00:00Z.",
                    "The YouTube scheduled release must be ISO 8601 with a time zone, e.g. 2026-12-12T09:00:00Z.",
                )
            )
    if len(videos) > 1:
        problems.append(
            problem(
                "media",
                "youtube.one_video",
                "Hanya video pertama yang diunggah ke YouTube.",
                "Only the first video is uploaded to YouTube.",
                severity="warning",
            )
        )
    if phase == "approve":
        problems += _youtube_quota(item)
    return problems


def _youtube_quota(item) -> list[Problem]:
    """Before approval: would today's uploads go over the API project's daily quota?"""
    from hub_social import quota
    from hub_social.youtube_client import COST

    try:
        accounts = accounts_for("youtube", content.options_of(item, "youtube"))
    except AccountError:
        return []
    out = []
    per_project: dict[str, int] = {}
    for account in accounts:
        project = (account.config or {}).get("project", "")
        per_project[project] = per_project.get(project, 0) + COST["insert"] + COST["thumbnail"]
    limit = quota.daily_limit()
    for project, cost in per_project.items():
        used = quota.used_today(project)
        if used + cost > limit:
            out.append(
                Problem(
                    "youtube",
                    "media",
                    "youtube.quota",
                    f"Kuota harian YouTube API hari ini: terpakai {used} dari {limit} unit; unggahan ini perlu "
                    f"{cost} unit, jadi video baru terunggah setelah kuota diatur ulang (tengah malam waktu Pasifik).",
                    f"Today's YouTube API quota: {used} of {limit} units used; this upload needs {cost} units, "
                    "so the video goes up only after the quota resets (midnight Pacific time).",
                    severity="warning",
                )
            )
    return out
