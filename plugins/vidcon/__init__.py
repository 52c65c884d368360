"""The bundled vidcon channel plugin (loaded through the ``hub.plugins`` entry point vidcon = hub_vidcon.plugin)."""

__version__ = "0.1.0"
