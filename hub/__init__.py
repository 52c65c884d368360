"""The publishing hub: one upload, the office's SOP approval chain, every channel.

Plugins import from :mod:`hub.sdk` only (``hookimpl`` stays here for older plugins).

Nothing is done at import time; :func:`hub.app.create_app` builds everything.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["hookimpl", "__version__", "create_app"]


def create_app(test_config=None):
    """Build the Flask application (see :func:`hub.app.create_app`)."""
    from hub.app import create_app as _create_app

    return _create_app(test_config)


def __getattr__(name: str):
    # ``hookimpl`` on first use: ``hub up``'s supervisor (``python -m hub``) imports this package
    # and nothing of the app
    if name == "hookimpl":
        from hub.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'hub' has no attribute {name!r}")
