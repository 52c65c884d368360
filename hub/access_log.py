"""The web server's access log without secrets in URLs.

A kiosk player's URL is its credential (``…/player/<secret>/…``); gunicorn would write it, the
referer included, into the access log. :class:`AccessLogger` (gunicorn's ``logger_class``,
set in :func:`hub.up.serve`) replaces such values with ``[redacted]``: the segment after a
``player`` segment, any path segment that looks like a long random token (32 or more URL-safe
characters), and query values whose name says secret (``token``, ``secret``, ``key``, ``sig``…).
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_AFTER_PLAYER = re.compile(r"(/player/)[^/?#\s\"'\\]+")
_LONG_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=[/?#\s]|$)")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:token|secret|key|sig|signature|code|password)=)[^&#\s\"'\\]*")
#: the same inside a URL-encoded URL (a login redirect's ``next=/items%3Ftoken%3D…``)
_SECRET_QUERY_ENCODED = re.compile(r"(?i)((?:%3F|%26|[?&])(?:token|secret|key|sig|signature|code|password)%3D)(?:(?!%26)[^&#\s\"'\\])*")
#: the atoms holding the URL (request line, path, query, referer, raw URI)
_URL_ATOMS = ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{query_string}e", "{http_referer}e", "{referer}i")


def redact(text):
    """``text`` with secrets in URLs replaced by ``[redacted]`` (non-strings as they are)."""
    if not isinstance(text, str) or not text:
        return text
    text = _AFTER_PLAYER.sub(r"\1" + REDACTED, text)
    text = _LONG_TOKEN.sub(REDACTED, text)
    if "%3D" in text or "%3d" in text:
        text = _SECRET_QUERY_ENCODED.sub(r"\1" + REDACTED, text)
    if "=" in text:
        text = _SECRET_QUERY.sub(r"\1" + REDACTED, text)
        if "/" not in text and "?" not in text:  # a bare query string
            text = _SECRET_QUERY.sub(r"\1" + REDACTED, "?" + text)[1:]
    return text


#: gunicorn's default access line, with the request id the hub answered (``X-Request-ID``)
ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)ss req=%({x-request-id}o)s'


class AccessLogger(Logger):
    """gunicorn's logger, with secrets in URLs redacted from every access-log atom, writing its error
    and access lines in the hub's one format (:mod:`hub.logging_setup`: text or JSON)."""

    def setup(self, cfg):
        super().setup(cfg)
        from hub.logging_setup import ContextFilter, formatter

        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(formatter())
                if not any(isinstance(f, ContextFilter) for f in handler.filters):
                    handler.addFilter(ContextFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _URL_ATOMS:
            if key in atoms:
                atoms[key] = redact(atoms[key])
        return atoms
