"""Hook implementations of the messaging plugin: notifications on Telegram and WhatsApp.

It brings two notifiers (``register_notifiers``): people link Telegram with a one-time deep
link and verify a WhatsApp number with a one-time code on ``/messaging/account``; the admin
sets the bot token, the WhatsApp phone number id, token and template names on
``/messaging/admin``. What is sent, when, and how often it is retried is the core's
(``docs/notifications.md``); this plugin only speaks the two APIs (``docs/messaging.md``).
"""

from __future__ import annotations

from pathlib import Path

from hub.sdk import PluginSetting, hookimpl

HUB_SDK_REQUIRES = ">=1.1,<2"  #: the hub.sdk versions this plugin is written for

HERE = Path(__file__).parent


@hookimpl
def register_notifiers():
    from hub_messaging.telegram import TelegramNotifier
    from hub_messaging.whatsapp import WhatsAppNotifier

    return [TelegramNotifier(), WhatsAppNotifier()]


@hookimpl
def register_settings():
    return [
        PluginSetting("telegram_bot_username", "Nama pengguna bot Telegram", "Telegram bot username", default=""),
        PluginSetting(
            "telegram_api_base",
            "Alamat Bot API Telegram",
            "Telegram Bot API address",
            default="https://api.telegram.org",
            help_id="Ubah hanya untuk server Bot API sendiri.",
            help_en="Change it only for a Bot API server of your own.",
        ),
        PluginSetting("whatsapp_phone_number_id", "ID nomor telepon WhatsApp", "WhatsApp phone number id", default=""),
        PluginSetting(
            "whatsapp_api_base",
            "Alamat Graph API",
            "Graph API address",
            default="https://graph.facebook.com",
        ),
        PluginSetting(
            "whatsapp_graph_version",
            "Versi Graph API",
            "Graph API version",
            default="v21.0",
            help_id="Versi yang dipatok; naikkan setelah diuji.",
            help_en="The pinned version; raise it after testing.",
        ),
        PluginSetting(
            "whatsapp_template_notify",
            "Templat notifikasi",
            "Notification template",
            default="hub_notifikasi",
            help_id="Templat disetujui dengan lima parameter: nama, konten, langkah, batas waktu, tautan.",
            help_en="An approved template with five parameters: name, item, step, due time, link.",
        ),
        PluginSetting(
            "whatsapp_template_code",
            "Templat kode verifikasi",
            "Verification code template",
            default="hub_kode_verifikasi",
            help_id="Templat disetujui dengan satu parameter: kode.",
            help_en="An approved template with one parameter: the code.",
        ),
        PluginSetting("whatsapp_template_language", "Bahasa templat", "Template language", default="id"),
    ]


@hookimpl
def register_migrations():
    return [str(HERE / "migrations")]


@hookimpl
def register_blueprints(app):
    from hub_messaging.views import bp

    return [bp]


@hookimpl
def register_commands(cli):
    from hub_messaging.cli import messaging

    cli.add_command(messaging)


@hookimpl
def nav_entries():
    from hub.sdk import NavEntry

    return [
        NavEntry(
            "Telegram dan WhatsApp",
            "Telegram and WhatsApp",
            endpoint="messaging.admin",
            section="admin",
            order=78,
            description_id="Token bot, nomor dan templat WhatsApp, pesan uji",
            description_en="Bot token, WhatsApp number and templates, a test message",
        )
    ]
