"""The plugin's settings and the clock.

Settings are read with :func:`hub.plugins.plugin_config` (environment ``HUB_VIDEOTRON_<KEY>``,
then the database, then the default below). :func:`now` is the one clock every rule uses;
tests set ``VIDEOTRON_NOW`` in the app config (an aware datetime or a callable returning one).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from hub.sdk import PluginSetting, plugin_config, utcnow

PLUGIN = "videotron"

SETTINGS = [
    PluginSetting("duration_seconds", "Durasi video (detik)", "Video length (seconds)", default=60, type="int"),
    PluginSetting(
        "duration_tolerance",
        "Toleransi durasi (detik)",
        "Length tolerance (seconds)",
        default=2.0,
        type="float",
        help_id="Video 58–62 detik diterima dengan toleransi 2.",
        help_en="With a tolerance of 2, videos of 58–62 seconds pass.",
    ),
    PluginSetting("min_height", "Resolusi minimal (tinggi piksel)", "Minimum resolution (pixel height)", 720, "int"),
    PluginSetting("days_before", "Tayang paling awal (hari sebelum acara)", "Earliest showing (days before)", 7, "int"),
    PluginSetting("days_after", "Tayang paling akhir (hari setelah acara)", "Latest showing (days after)", 1, "int"),
    PluginSetting(
        "timezone",
        "Zona waktu kantor",
        "Office time zone",
        default="",
        help_id="Kosong: zona waktu hub (HUB_TIMEZONE). Dipakai untuk H-7..H+1.",
        help_en="Empty: the hub's time zone (HUB_TIMEZONE). Used for H-7..H+1.",
    ),
    PluginSetting("poll_seconds", "Interval cek playlist (detik)", "Playlist poll interval (seconds)", 15, "int"),
    PluginSetting("heartbeat_seconds", "Interval heartbeat (detik)", "Heartbeat interval (seconds)", 30, "int"),
    PluginSetting(
        "offline_after_seconds",
        "Dianggap offline setelah (detik)",
        "Shown offline after (seconds)",
        default=90,
        type="int",
    ),
    PluginSetting(
        "alert_after_minutes",
        "Kirim peringatan setelah diam (menit)",
        "Alert after silence of (minutes)",
        default=10,
        type="int",
    ),
    PluginSetting(
        "heartbeat_retention_days", "Simpan heartbeat (hari)", "Keep heartbeats (days)", default=30, type="int"
    ),
    PluginSetting("player_muted", "Pemutar tanpa suara", "Player muted", default=True, type="bool"),
]


def setting(key: str):
    """One setting's value (typed)."""
    return plugin_config(PLUGIN, key)


def office_zone() -> ZoneInfo:
    return ZoneInfo(setting("timezone") or current_app.config["TIMEZONE"])


def now() -> dt.datetime:
    """The current time (aware UTC); ``VIDEOTRON_NOW`` in the app config overrides it for tests."""
    fixed = current_app.config.get("VIDEOTRON_NOW")
    if fixed is None:
        return utcnow()
    value = fixed() if callable(fixed) else fixed
    return value.astimezone(dt.UTC)
