"""Links to pages other areas own, found by path so the shell works while they are being built."""

from __future__ import annotations

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


def path_if_served(path: str) -> str | None:
    """``path`` when some view of this app answers GET on it, else None."""
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return path
    except HTTPException:
        return None
    return path


def item_url(item_id: int) -> str | None:
    """The item page (workflow area), when it exists (looked up once per app: its routes are fixed)."""
    served = current_app.extensions.get("hub.item_page_served")
    if served is None:
        served = current_app.extensions["hub.item_page_served"] = path_if_served("/items/1") is not None
    return f"/items/{item_id}" if served else None
