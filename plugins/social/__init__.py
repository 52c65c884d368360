"""The bundled social channel plugin (loaded through the ``hub.plugins`` entry point social = hub_social.plugin)."""

__version__ = "0.1.0"
