"""The bundled videotron plugin (entry point ``videotron = hub_videotron.plugin``)."""

__version__ = "0.1.0"
