"""Hook implementations of the social plugin: X, Facebook Pages and Instagram (SOP 001, 004).

One approved item goes to every chosen account of each channel: the dispatcher makes
one publication per account (``publication_targets`` answers the account ids), and
``publish`` posts the item's variant text and media there. See docs/social.md.
"""

from __future__ import annotations

from hub.sdk import Channel, OptionField, PluginSetting, hookimpl

HUB_SDK_REQUIRES = ">=1.0,<2"  #: the hub.sdk versions this plugin is written for


def _account_choices(channel: str) -> list[tuple[str, str, str]]:
    """The active accounts of a channel, for the item form."""
    from hub_social.accounts import social_accounts

    return [(str(a.id), a.name, a.name) for a in social_accounts(channel, active_only=True)]


X = Channel(
    name="x",
    label_id="X (Twitter)",
    label_en="X (Twitter)",
    accepts=("text", "image", "video"),
    item_kinds=("article", "post", "video"),
    admin_role="admin_social",
    requirements_id="Teks maksimal 280 karakter (tautan dihitung 23).",
    requirements_en="Text up to 280 characters (links count as 23).",
    option_fields=(
        OptionField(
            "thread",
            "Teks panjang dijadikan utas (thread)",
            "Split a long text into a thread",
            "bool",
            help_id="Tanpa ini teks di atas 280 karakter ditolak.",
            help_en="Without it a text over 280 characters is refused.",
        ),
        OptionField(
            "accounts",
            "Akun X",
            "X accounts",
            "choices",
            lambda: _account_choices("x"),
            help_id="Tidak ada yang dipilih: semua akun aktif.",
            help_en="None chosen: every active account.",
        ),
    ),
    text_limit=280,
    count_url="/social/count",
)
FACEBOOK = Channel(
    name="facebook",
    label_id="Facebook",
    label_en="Facebook Page",
    accepts=("text", "image", "video"),
    item_kinds=("article", "post", "video"),
    admin_role="admin_social",
    requirements_id="Teks maksimal 63.206 karakter.",
    requirements_en="Text up to 63,206 characters.",
    option_fields=(
        OptionField(
            "link",
            "Tautan kiriman",
            "Link of the post",
            help_id="Mis. berita di situs dinas.",
            help_en="E.g. the news on the agency website.",
        ),
        OptionField(
            "accounts",
            "Halaman Facebook",
            "Facebook pages",
            "choices",
            lambda: _account_choices("facebook"),
            help_id="Tidak ada yang dipilih: semua halaman aktif.",
            help_en="None chosen: every active page.",
        ),
    ),
    text_limit=63206,
)
INSTAGRAM = Channel(
    name="instagram",
    label_id="Instagram",
    label_en="Instagram",
    accepts=("image", "video"),
    item_kinds=("post", "video"),
    admin_role="admin_social",
    requirements_id="Gambar (rasio 4:5 sampai 1,91:1) atau video reel 3 detik–15 menit; keterangan maksimal "
    "2.200 karakter, 30 tagar dan 20 sebutan.",
    requirements_en="Images (aspect 4:5 to 1.91:1) or a reel video of 3 s–15 min; caption up to 2,200 characters, "
    "30 hashtags and 20 mentions.",
    option_fields=(
        OptionField(
            "reel_version",
            "Kirim versi reel 9:16 (1080×1920, paling lama 15 menit)",
            "Send a 9:16 reel version (1080×1920, at most 15 minutes)",
            "bool",
            help_id="Hub membuat versi ini dari video konten; pakai bila video tidak sesuai aturan reel.",
            help_en="The hub makes this version from the item's video; use it when the video does not fit "
            "the reel rules.",
        ),
        OptionField(
            "accounts",
            "Akun Instagram",
            "Instagram accounts",
            "choices",
            lambda: _account_choices("instagram"),
            help_id="Tidak ada yang dipilih: semua akun aktif.",
            help_en="None chosen: every active account.",
        ),
    ),
    text_limit=2200,
    count_url="/social/count/instagram",
)
YOUTUBE = Channel(
    name="youtube",
    label_id="YouTube",
    label_en="YouTube",
    accepts=("video", "image"),
    item_kinds=("video", "post"),
    admin_role="admin_social",
    requirements_id="Satu video; judul maksimal 100 karakter, deskripsi 5.000; gambar pertama menjadi thumbnail.",
    requirements_en="One video; title up to 100 characters, description 5,000; the first image is the thumbnail.",
    option_fields=(
        OptionField("title", "Judul video (kosong: judul konten)", "Video title (empty: the item's title)"),
        OptionField("tags", "Tag (dipisah koma)", "Tags (comma-separated)", "list"),
        OptionField(
            "privacy",
            "Visibilitas",
            "Privacy",
            "choice",
            lambda: [
                ("public", "Publik", "Public"),
                ("unlisted", "Tidak publik", "Unlisted"),
                ("private", "Privat", "Private"),
            ],
        ),  # fmt: skip
        OptionField(
            "publish_at",
            "Tayang terjadwal (ISO 8601, UTC)",
            "Scheduled release (ISO 8601, UTC)",
            help_id="Video diunggah privat dan YouTube menayangkannya pada waktu ini.",
            help_en="The video is uploaded private and YouTube releases it at this time.",
        ),
        OptionField(
            "accounts",
            "Kanal YouTube",
            "YouTube channels",
            "choices",
            lambda: _account_choices("youtube"),
            help_id="Tidak ada yang dipilih: semua kanal aktif.",
            help_en="None chosen: every active channel.",
        ),
    ),
    text_limit=5000,
)
OWN = (X.name, FACEBOOK.name, INSTAGRAM.name, YOUTUBE.name)


@hookimpl
def register_channels():
    return [X, FACEBOOK, INSTAGRAM, YOUTUBE]


@hookimpl
def register_settings():
    return [
        PluginSetting(
            "x_chunk_bytes",
            "Ukuran potongan unggahan video X (byte)",
            "X video upload chunk size (bytes)",
            default=4 * 1024 * 1024,
            type="int",
        ),
        PluginSetting(
            "facebook_resumable_over_bytes",
            "Video Facebook di atas ukuran ini diunggah bertahap (byte)",
            "Facebook videos above this size use the chunked upload (bytes)",
            default=25 * 1024 * 1024,
            type="int",
        ),
        PluginSetting(
            "graph_api_version",
            "Versi Graph API (Facebook dan Instagram), mis. v21.0",
            "Graph API version (Facebook and Instagram), e.g. v21.0",
            default="v21.0",
        ),
        PluginSetting(
            "instagram_poll_seconds",
            "Jeda antarpemeriksaan status kontainer Instagram (detik)",
            "Seconds between checks of an Instagram container's status",
            default=5,
            type="int",
        ),
        PluginSetting(
            "instagram_poll_times",
            "Berapa kali status kontainer Instagram diperiksa per percobaan",
            "How many times an Instagram container's status is checked per attempt",
            default=60,
            type="int",
        ),
        PluginSetting(
            "instagram_image_url_seconds",
            "Masa berlaku tautan publik gambar untuk Instagram (detik)",
            "How long the public image links for Instagram stay valid (seconds)",
            default=3600,
            type="int",
        ),
        PluginSetting(
            "youtube_chunk_bytes",
            "Ukuran potongan unggahan YouTube (byte, kelipatan 256 KiB)",
            "YouTube upload chunk size (bytes, a multiple of 256 KiB)",
            default=8 * 1024 * 1024,
            type="int",
        ),
        PluginSetting(
            "youtube_daily_quota",
            "Kuota harian proyek YouTube API (unit)",
            "Daily quota of the YouTube API project (units)",
            default=10000,
            type="int",
        ),
        PluginSetting(
            "youtube_unpublish",
            "Tarik video YouTube: private atau delete",
            "Unpublishing a YouTube video: private or delete",
            default="private",
        ),
        PluginSetting(
            "expiry_warning_days",
            "Peringatan token kedaluwarsa (hari sebelumnya)",
            "Warn before a token expires (days ahead)",
            default=14,
            type="int",
        ),
    ]


@hookimpl
def validate_item(item, channel, phase):
    if channel.name not in OWN:
        return []
    from hub_social.validation import check

    return check(item, channel.name, phase)


@hookimpl
def preview_item(item, channel):
    if channel.name not in OWN:
        return None
    from hub_social.preview import facebook_preview, instagram_preview, x_preview, youtube_preview

    previews = {
        "x": x_preview,
        "facebook": facebook_preview,
        "instagram": instagram_preview,
        "youtube": youtube_preview,
    }
    return previews[channel.name](item)


@hookimpl
def publication_targets(item, channel):
    """One publication per chosen account (its id); None when no account is there yet."""
    if channel.name not in OWN:
        return None
    from hub_social.accounts import AccountError, accounts_for
    from hub_social.content import options_of

    try:
        accounts = accounts_for(channel.name, options_of(item, channel.name))
    except AccountError:
        return None
    return [str(a.id) for a in accounts] or None


@hookimpl
def publish(publication, item, channel):
    if channel.name not in OWN:
        return None
    from hub_social import publisher

    return publisher.publish(publication, item, channel.name)


@hookimpl
def unpublish(publication, item, channel):
    if channel.name not in OWN:
        return None
    from hub_social import publisher

    return publisher.unpublish(publication, item, channel.name)


@hookimpl
def register_blueprints(app):
    from hub_social.views import bp

    return [bp]


@hookimpl
def register_commands(cli):
    from hub_social.cli import social

    cli.add_command(social)


@hookimpl
def nav_entries():
    from hub.sdk import NavEntry

    return [
        NavEntry(
            "Akun media sosial",
            "Social media accounts",
            endpoint="social.accounts",
            section="admin",
            order=45,
            description_id="Akun X, halaman Facebook dan akun Instagram, token dan uji koneksi",
            description_en="X accounts, Facebook pages and Instagram accounts, tokens and connection tests",
        )
    ]


@hookimpl
def channel_health(user):
    from hub.sdk import has_permission

    if not (has_permission(user, "settings.manage") or has_permission(user, "publication.manage")):
        return []
    from hub_social.health import notes

    return notes()


# --- what the plugin brings besides its channels (hub_social.declarations) -------------------------


@hookimpl
def register_roles():
    from hub_social.declarations import ROLES

    return ROLES
