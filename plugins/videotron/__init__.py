"""The bundled videotron channel plugin (loaded through the ``hub.plugins`` entry point videotron = hub_videotron.plugin)."""

__version__ = "0.1.0"
