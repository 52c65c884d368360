"""Hook implementations of the website plugin: WordPress agency site and PPID (SOP 001, 002, 004).

Channels: ``website`` (news articles to the agency's WordPress site) and ``ppid``
(public-information documents to the PPID WordPress site and to the hub's own public
DIP page). See docs/website.md.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from hub_website import (
    checks,
    dip,
    models,  # noqa: F401 - registers the plugin's table on the metadata
    ppid,
    ppid_mail,  # noqa: F401 - sends requesters' e-mails after each commit
    ppid_models,  # noqa: F401 - the request register's tables
)
from hub_website.models import DipEntry
from hub_website.publisher import SitePublisher
from hub_website.sites import default_sites, site_for_target, sites

from hub.sdk import Channel, OptionField, PermanentPublishError, PluginSetting, PublishResult, hookimpl, plugin_config

HUB_SDK_REQUIRES = ">=1.0,<2"  #: the hub.sdk versions this plugin is written for

HERE = Path(__file__).parent


def _site_choices(channel: str) -> list[tuple[str, str, str]]:
    """The active WordPress sites of a channel, for the item form (none chosen: the default site)."""
    return [(str(s.id), s.name, s.name) for s in sites(channel, active_only=True)]


WEBSITE = Channel(
    name="website",
    label_id="Website Dinas",
    label_en="Agency website",
    accepts=("text", "image", "video"),
    item_kinds=("article",),
    admin_role="admin_website",
    requirements_id="Judul dan isi berita wajib; gambar utama disarankan.",
    requirements_en="Title and body required; a featured image is recommended.",
    option_fields=(
        OptionField(
            "categories",
            "Kategori WordPress",
            "WordPress categories",
            "list",
            help_id="Dipisah koma; harus sudah ada di situs (kosong: kategori bawaan situs).",
            help_en="Comma-separated; they must exist on the site (empty: the site's default categories).",
        ),
        OptionField("tags", "Tag", "Tags", "list", help_id="Dipisah koma.", help_en="Comma-separated."),
        OptionField(
            "excerpt",
            "Ringkasan (excerpt)",
            "Excerpt",
            help_id="Kosong: 40 kata pertama isi berita.",
            help_en="Empty: the body's first 40 words.",
        ),
        OptionField(
            "video_url",
            "Tautan video (YouTube)",
            "Video link (YouTube)",
            help_id="Disematkan di berita; berkas video tidak diunggah ke situs.",
            help_en="Embedded in the post; the video file is not uploaded to the site.",
        ),
        OptionField("sites", "Situs", "Sites", "choices", lambda: _site_choices("website")),
    ),
)
PPID = Channel(
    name="ppid",
    label_id="PPID (Daftar Informasi Publik)",
    label_en="PPID (public information list)",
    accepts=("document",),
    item_kinds=(ppid.KIND,),
    admin_role="admin_website",
    requirements_id="Dokumen PDF dengan klasifikasi informasi; dokumen dikecualikan tidak diterbitkan.",
    requirements_en="A PDF document with its information class; excluded documents are never published.",
    option_fields=(
        OptionField(
            "class",
            "Klasifikasi informasi (UU 14/2008)",
            "Information class (UU 14/2008)",
            "choice",
            tuple((code, labels[0], labels[1]) for code, labels in ppid.CLASSES.items()),
            help_id="Dokumen dikecualikan tidak pernah diterbitkan.",
            help_en="Excluded documents are never published.",
        ),
        OptionField("unit", "Unit penanggung jawab", "Responsible unit"),
        OptionField("year", "Tahun informasi", "Year of the information"),
        OptionField(
            "retention", "Jangka waktu penyimpanan", "Retention", help_id="Mis. 5 tahun.", help_en="E.g. 5 tahun."
        ),
        OptionField(
            "responsible",
            "Penanggung jawab pembuatan/penerbitan",
            "Made or issued by",
            help_id="Kosong: unit penanggung jawab.",
            help_en="Empty: the responsible unit.",
        ),
        OptionField("place", "Tempat pembuatan", "Place made"),
        OptionField(
            "summary",
            "Ringkasan isi informasi",
            "Summary",
            help_id="Kosong: isi konten.",
            help_en="Empty: the item's body.",
        ),
        OptionField("sites", "Situs PPID", "PPID sites", "choices", lambda: _site_choices("ppid")),
    ),
)


@hookimpl
def register_channels():
    return [WEBSITE, PPID]


@hookimpl
def register_settings():
    return [
        PluginSetting(
            "max_upload_mb",
            "Batas unggah WordPress (MB)",
            "WordPress upload limit (MB)",
            default=2,
            type="float",
            help_id="upload_max_filesize situs WordPress (bawaan PHP: 2 MB); per situs: config max_upload_mb.",
            help_en="The WordPress site's upload_max_filesize (PHP's default: 2 MB); per site: config max_upload_mb.",
        ),
        PluginSetting("timeout", "Batas waktu permintaan (detik)", "Request timeout (s)", default=30, type="float"),
        PluginSetting(
            "upload_timeout", "Batas waktu unggah (detik)", "Upload timeout (seconds)", default=300, type="float"
        ),
        PluginSetting(
            "dip_category",
            "Kategori DIP di situs PPID",
            "DIP category on the PPID site",
            default="Daftar Informasi Publik",
            help_id="Nama atau slug kategori WordPress untuk pos DIP; harus sudah ada di situs.",
            help_en="Name or slug of the WordPress category for DIP posts; it must exist on the site.",
        ),
        PluginSetting(
            "ppid_office_name",
            "Kop surat PPID",
            "PPID letterhead",
            default="PPID Pelaksana",
            help_id="Nama badan publik di kop surat jawaban.",
            help_en="The public body's name on answer letters.",
        ),
        PluginSetting(
            "ppid_signatory",
            "Penanda tangan surat PPID",
            "PPID letters signed by",
            default="Pejabat Pengelola Informasi dan Dokumentasi",
        ),
        PluginSetting(
            "ppid_retention_days",
            "Masa simpan data pribadi pemohon (hari)",
            "Requesters' personal data kept for (days)",
            default=1825,
            type="int",
            help_id="Setelah permohonan dijawab; lalu dihapus oleh `hub website ppid-erase`.",
            help_en="After the request is answered; then erased by `hub website ppid-erase`.",
        ),
        PluginSetting(
            "ppid_requests_per_address",
            "Permohonan per alamat jaringan per jam",
            "Requests per network address per hour",
            default=5,
            type="int",
        ),
        PluginSetting(
            "ppid_requests_per_email",
            "Permohonan per alamat e-mail per hari",
            "Requests per e-mail address per day",
            default=3,
            type="int",
        ),
    ]


@hookimpl
def register_migrations():
    return [str(HERE / "migrations")]


@hookimpl
def register_blueprints(app):
    from hub_website.admin import bp as admin_bp
    from hub_website.dip_api import bp as dip_api
    from hub_website.ppid_views import bp as requests_bp
    from hub_website.views import bp as public_bp

    return [public_bp, admin_bp, requests_bp, dip_api]


@hookimpl
def register_commands(cli):
    from hub_website.commands import website

    cli.add_command(website)


@hookimpl
def nav_entries():
    from hub.sdk import NavEntry

    return [
        NavEntry("DIP", "Public information", endpoint="ppid.dip_page", order=60),
        NavEntry("Permohonan informasi", "Information requests", endpoint="ppid_requests.register", order=61),
        NavEntry(
            "Situs WordPress",
            "WordPress sites",
            endpoint="website_admin.index",
            section="admin",
            order=41,
            description_id="Website dinas dan situs PPID: akun, uji koneksi",
            description_en="Agency website and PPID site: accounts, connection test",
        ),
    ]


@hookimpl
def channel_health(user):
    """The agency website channel has no active WordPress site: nothing can go out on it."""
    from hub.sdk import HealthNote, has_permission

    if not (has_permission(user, "settings.manage") or has_permission(user, "publication.manage")):
        return []
    if sites(WEBSITE.name, active_only=True):
        return []
    return [
        HealthNote(
            WEBSITE.name,
            "Belum ada situs WordPress aktif untuk Website Dinas; tambahkan di Administrasi → Situs WordPress.",
            "No active WordPress site for the agency website; add one under Administration → WordPress sites.",
            url="/admin/websites",
        )
    ]


@hookimpl
def publication_targets(item, channel):
    """One publication per WordPress site: the sites named in ``options["sites"]``, else the default site."""
    if channel.name not in (WEBSITE.name, PPID.name):
        return None
    target = item.target(channel.name)
    wanted = list(((target.options if target else None) or {}).get("sites") or [])
    chosen = default_sites(channel.name, wanted)
    # a named site that does not exist stays a target, so publishing says so instead of going elsewhere
    missing = [str(w) for w in wanted if not any(str(w) in (str(s.id), s.name) for s in chosen)]
    return [str(s.id) for s in chosen] + missing or [""]


@hookimpl
def validate_item(item, channel, phase):
    return checks.check(item, channel, phase)


def _excluded_error() -> PermanentPublishError:
    return PermanentPublishError(
        "Dokumen PPID berklasifikasi 'dikecualikan' tidak pernah diterbitkan (UU 14/2008)",
        message_en="A PPID document classed 'dikecualikan' (excluded) is never published (UU 14/2008)",
    )


def _site(publication, channel: str):
    """The publication's site: the one an earlier attempt used, else the target's (or default) site."""
    site_id = (publication.state or {}).get("site_id")
    if site_id:
        for site in sites(channel):
            if site.id == site_id:
                return site
    return site_for_target(channel, publication.target)


def _no_site(channel: str) -> PermanentPublishError:
    return PermanentPublishError(
        f"Belum ada situs WordPress aktif untuk kanal {channel}; tambahkan di Administrasi → Situs WordPress atau "
        "dengan `hub website add-site`.",
        message_en=f"No active WordPress site for channel {channel}; add one under Administration → WordPress sites "
        "or with `hub website add-site`.",
    )


@hookimpl(tryfirst=True)
def publish(publication, item, channel):
    # Defence in depth: runs before every channel's plugin, so an excluded document goes nowhere.
    if ppid.is_excluded(item):
        raise _excluded_error()
    if channel.name == WEBSITE.name:
        site = _site(publication, channel.name)
        if site is None:
            raise _no_site(channel.name)
        return SitePublisher(publication, item, site).publish_article()
    if channel.name == PPID.name:
        return _publish_ppid(publication, item)
    return None


def _publish_ppid(publication, item) -> PublishResult:
    problems = [p for p in checks.check_ppid(item, PPID.name) if p.severity == "error"]
    if problems:
        raise PermanentPublishError(
            " ".join(p.message_id for p in problems),
            message_en=" ".join(p.message_en for p in problems),
            details={"problems": [p.as_dict() for p in problems]},
        )
    site = _site(publication, PPID.name)
    result = None
    if site is not None:
        result = SitePublisher(publication, item, site).publish_ppid(plugin_config("website", "dip_category"))
    entry = dip.record(item, site_url=result.remote_url if result else None)
    page = current_app.config["BASE_URL"].rstrip("/") + f"/ppid/dip#doc-{entry.id}"
    if result is None:
        result = PublishResult(
            remote_id=f"dip-{entry.id}",
            remote_url=page,
            details={
                "note": "Tanpa situs PPID WordPress: hanya di halaman DIP hub / no PPID WordPress site: "
                "listed on the hub's DIP page only"
            },
        )
    result.details.update(dip_entry_id=entry.id, dip_url=page)
    return result


@hookimpl
def unpublish(publication, item, channel):
    if channel.name not in (WEBSITE.name, PPID.name):
        return None
    if channel.name == PPID.name:
        dip.withdraw(item)
    state = publication.state or {}
    if state.get("site_id") or (publication.remote_id or "").isdigit():
        site = _site(publication, channel.name)
        if site is None:
            raise _no_site(channel.name)
        SitePublisher(publication, item, site).unpublish(delete_media=channel.name == PPID.name)
    return True


__all__ = ["DipEntry", "PPID", "WEBSITE"]


# --- what the plugin brings besides its channels (hub_website.declarations) ------------------------


@hookimpl
def register_roles():
    from hub_website.declarations import ROLES

    return ROLES


@hookimpl
def register_permissions():
    from hub_website.declarations import PERMISSIONS

    return PERMISSIONS


@hookimpl
def dashboard_panels(user):
    """Overdue information requests for the PPID; objections waiting for the atasan PPID."""
    from hub_website import ppid_objections, ppid_requests
    from hub_website.ppid_views import PERM_OBJECTIONS, PERM_REQUESTS, overdue_panel_html

    from hub.sdk import Panel, has_permission

    if not has_permission(user, PERM_REQUESTS):
        return []
    waiting = has_permission(user, PERM_OBJECTIONS) and ppid_objections.open_objections()
    if not ppid_requests.overdue() and not waiting:
        return []
    return [Panel("Permohonan informasi publik", "Public information requests", overdue_panel_html(user), order=20)]


@hookimpl
def register_reports():
    from hub_website.ppid_reports import build_recap, build_yearly

    from hub.sdk import Report

    return [
        Report(
            "ppid_requests_recap",
            "Rekapitulasi permohonan informasi publik",
            "Recap of public information requests",
            build_recap,
            permission="website.ppid_requests",
            period="month",
            description_id="SOP 002: catatan permohonan informasi dan jumlah layanan per bulan.",
            description_en="SOP 002: the record of information requests and services per month.",
        ),
        Report(
            "ppid_service_yearly",
            "Laporan tahunan layanan informasi publik",
            "Yearly public information service report",
            build_yearly,
            permission="website.ppid_requests",
            period="year",
            description_id="Permohonan diterima, dikabulkan, ditolak beserta alasannya, rata-rata waktu, keberatan.",
            description_en="Requests received, granted, refused with reasons, average time to answer, objections.",
        ),
    ]


@hookimpl
def register_item_kinds():
    from hub_website.declarations import ITEM_KINDS

    return ITEM_KINDS


@hookimpl
def register_workflow_templates():
    from hub_website.declarations import workflow_templates

    return workflow_templates()
