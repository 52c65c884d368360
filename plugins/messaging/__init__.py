"""The bundled messaging plugin: notifications on Telegram and WhatsApp (loaded through the
``hub.plugins`` entry point messaging = hub_messaging.plugin)."""

__version__ = "0.1.0"
