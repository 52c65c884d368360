"""The bundled website channel plugin (loaded through the ``hub.plugins`` entry point website = hub_website.plugin)."""

__version__ = "0.1.0"
