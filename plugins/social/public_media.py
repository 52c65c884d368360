"""Short-lived signed public URLs of the hub for images Instagram must fetch itself.

Instagram takes an image only by URL (``image_url``): Meta's servers download it. The hub
signs the asset id with its secret key (itsdangerous, a salt of its own) into a URL under
``HUB_BASE_URL``; the view behind it (:func:`hub_social.views.public_image`) checks the
signature and age and serves the image as JPEG, the only image format Instagram accepts.
``HUB_BASE_URL`` must therefore be reachable from the internet: :func:`is_public` is the check
the submission runs.
"""

from __future__ import annotations

import io
import ipaddress
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hub.sdk import plugin_config

_SALT = "hub_social.public-image"
_PRIVATE_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home", ".intranet", ".test", ".invalid")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def base_url() -> str:
    return str(current_app.config.get("BASE_URL") or "").rstrip("/")


def is_public(url: str) -> bool:
    """True when ``url``'s host can be reached from the internet (not localhost, a private
    address or a local-only name). Judged from the name alone: nothing is resolved."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and host != "localhost" and not host.endswith(_PRIVATE_SUFFIXES)
    return address.is_global


def signed_url(asset_id: int) -> str:
    token = _serializer().dumps(int(asset_id))
    return f"{base_url()}/social/public/{token}.jpg"


def asset_id_of(token: str) -> int | None:
    """The asset id a token was signed for, or None when forged or older than the setting allows."""
    max_age = int(plugin_config("social", "instagram_image_url_seconds"))
    try:
        return int(_serializer().loads(token, max_age=max_age))
    except (SignatureExpired, BadSignature, TypeError, ValueError):
        return None


def as_jpeg(path, mime: str) -> bytes:
    """The image as JPEG bytes (a JPEG is sent as it is)."""
    if mime == "image/jpeg":
        return path.read_bytes()
    from PIL import Image

    with Image.open(path) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()
