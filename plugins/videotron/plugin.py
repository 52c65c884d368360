"""Hook implementations of the videotron plugin: LED street screens (SOP 000).

Each hook is a thin door into the module that does the work: ``checks`` (validation),
``playlist`` (publish/unpublish), ``views`` (player and pages), ``monitor``/``alerts``,
``recap``, ``plans``, ``demo`` and ``cli``. See docs/videotron.md.
"""

from __future__ import annotations

from pathlib import Path

from hub_videotron import feedversion, models, records  # noqa: F401 - registers the plugin's tables and listeners

from hub.sdk import Channel, OptionField, hookimpl

HUB_SDK_REQUIRES = ">=1.1,<2"  #: the hub.sdk versions this plugin is written for

HERE = Path(__file__).parent

CHANNEL = Channel(
    name="videotron",
    label_id="Videotron",
    label_en="Videotron (LED street screens)",
    accepts=("video",),
    item_kinds=("video",),
    admin_role="admin_videotron",
    requirements_id="Video 1 menit, lanskap, minimal 720p; tayang H-7 s.d. H+1 acara.",
    requirements_en="1-minute landscape video, at least 720p; shown from 7 days before to 1 day after the event.",
    option_fields=(
        OptionField(
            "screens",
            "Layar tujuan",
            "Target screens",
            "choices",
            lambda: _screens().screen_choices(),
            help_id="Pilih layar satu per satu, atau grup layar di bawah (gabungan keduanya dipakai).",
            help_en="Choose screens one by one, or screen groups below (the union of both is used).",
        ),
        OptionField(
            "screen_groups", "Grup layar tujuan", "Target screen groups", "choices", lambda: _screens().group_choices()
        ),
    ),
)


def _screens():
    from hub_videotron import screens

    return screens


def _ours(channel) -> bool:
    return channel.name == CHANNEL.name


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def display_period_end(item):
    """The default H-7..H+1 window's end for an approved item never published (media retention)."""
    if CHANNEL.name not in item.channel_names:
        return None
    from hub_videotron.schedule import display_window

    window = display_window(item)
    return window.end if window is not None else None


@hookimpl
def register_settings():
    from hub_videotron.config import SETTINGS

    return SETTINGS


@hookimpl
def register_migrations():
    return [str(HERE / "migrations")]


@hookimpl
def register_blueprints(app):
    from hub_videotron.views import bp

    return [bp]


@hookimpl
def register_commands(cli):
    from hub_videotron.cli import videotron

    cli.add_command(videotron)


@hookimpl
def load_demo_data(app):
    from hub_videotron.demo import load_demo_items, load_screens

    from hub.sdk import db

    load_screens()
    db.session.commit()
    load_demo_items()


@hookimpl
def preview_item(item, channel):
    if not _ours(channel):
        return None
    from hub_videotron.preview import screen_preview

    return screen_preview(item)


@hookimpl
def validate_item(item, channel, phase):
    if not _ours(channel):
        return []
    from hub_videotron.checks import check_item

    return check_item(item, phase)


@hookimpl
def publish(publication, item, channel):
    if not _ours(channel):
        return None
    from hub_videotron import playlist

    return playlist.publish(publication, item)


@hookimpl
def unpublish(publication, item, channel):
    if not _ours(channel):
        return None
    from hub_videotron import playlist

    return playlist.unpublish(publication)


# --- the web interface ---------------------------------------------------------------------------


@hookimpl
def nav_entries():
    from hub.sdk import NavEntry

    return [
        NavEntry("Videotron", "Videotron", endpoint="videotron.monitor", order=60),
        NavEntry(
            "Layar videotron",
            "Screens",
            path="/videotron/screens",
            section="admin",
            order=50,
            description_id="Layar, playlist dan pemantauan",
            description_en="Screens, playlists and monitoring",
        ),
        NavEntry(
            "Grup layar videotron",
            "Screen groups",
            endpoint="videotron.groups",
            section="admin",
            order=51,
            description_id="Kelompok layar yang bisa dituju sekaligus",
            description_en="Sets of screens an item can target at once",
        ),
        NavEntry(
            "Rencana konten videotron",
            "Videotron content plans",
            endpoint="videotron.plans",
            section="admin",
            order=52,
            description_id="Rencana triwulanan yang ditandatangani Kepala Bidang",
            description_en="Quarterly plans signed by the Head of Division",
        ),
    ]


@hookimpl
def dashboard_panels(user):
    from hub_videotron.integration import dashboard_panel

    return dashboard_panel(user)


@hookimpl
def channel_health(user):
    from hub_videotron.integration import health_notes

    return health_notes(user)


@hookimpl
def metric_samples():
    from hub_videotron.integration import metric_samples as samples

    return samples()


@hookimpl
def calendar_entries(start, end, user):
    from hub_videotron.integration import display_windows

    return display_windows(start, end, user)


@hookimpl
def register_reports():
    from hub_videotron.recap import build_recap

    from hub.sdk import Report

    return [
        Report(
            "videotron_recap",
            "Rekap tayangan videotron",
            "Videotron play recap",
            build_recap,
            period="month",
            description_id="Tayangan per layar dan per konten (bukti tayang), mingguan atau bulanan.",
            description_en="Plays per screen and per item (proof of play), weekly or monthly.",
        )
    ]


@hookimpl
def report_sections(report, period, user):
    if report != "content_plan":
        return []
    from hub_videotron.integration import content_plan_sections

    return content_plan_sections(period, user)


# --- what the plugin brings besides its channel (hub_videotron.declarations) ----------------------


@hookimpl
def register_roles():
    from hub_videotron.declarations import ROLES

    return ROLES


@hookimpl
def register_permissions():
    from hub_videotron.declarations import PERMISSIONS

    return PERMISSIONS


@hookimpl
def register_item_fields():
    from hub_videotron.declarations import ITEM_FIELDS

    return ITEM_FIELDS


@hookimpl
def register_workflow_templates():
    from hub_videotron.declarations import workflow_templates

    return workflow_templates()
