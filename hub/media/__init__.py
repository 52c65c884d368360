"""Media: streaming and resumable uploads, Google Drive imports, type detection from content,
probing, derivatives, safe serving and retention. See docs/media.md.

Other areas read an asset's file only through :func:`hub.media.storage.asset_path` /
:func:`hub.media.storage.open_asset` (derived files: :func:`hub.media.storage.derivative_path`,
renditions: :func:`hub.media.renditions.request_rendition` and ``rendition_path``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Settings defaults and the blueprints: ``/api/v1/…``, ``/media/<id>/<variant>``, ``/media/upload``."""
    from hub.api import register as api_register
    from hub.media import api, pages, serve
    from hub.media.settings import init_config

    init_config(app)
    api_register(app, api.bp)
    app.register_blueprint(serve.bp)
    app.register_blueprint(pages.bp)
