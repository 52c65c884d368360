"""Security headers on every response (OWASP ASVS 14.4).

The Content-Security-Policy allows the hub's own scripts, styles, images and media
(``'self'``) and nothing inline, except the hash of the one inline handler the base
template uses for the language switch. A view that needs another policy (a screen
player) sets its own ``Content-Security-Policy`` header; it is kept.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, g, request

#: inline event handlers allowed by hash ('unsafe-hashes'): the language switch in base.html
INLINE_HANDLERS = ("this.form.submit()",)


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def content_security_policy() -> str:
    handlers = " ".join(_hash(s) for s in INLINE_HANDLERS)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-hashes' {handlers}",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def init_app(app: Flask) -> None:
    csp = content_security_policy()

    @app.after_request
    def _security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", csp)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "SAMEORIGIN")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # pages shown to a logged-in person are not kept in shared caches or the back button
        if g.get("user") is not None and response.mimetype in ("text/html", "application/json", "text/csv"):
            h.setdefault("Cache-Control", "no-store")
        return response
