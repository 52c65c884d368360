"""The web server's access log without secrets in URLs.

A kiosk player's URL is its credential (``…/player/<secret>/…``); gunicorn would write it, the
referer included, into the access log. :class:`AccessLogger` (gunicorn's ``logger_class``,
set in :func:`hub.up.serve`) replaces such values with ``[redacted]``: the segment after a
``player`` segment, any path segment that looks like a long random token (32 or more URL-safe
characters), and query values whose name says secret (``token``, ``secret``, ``key``, ``sig``…).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from hub.logging_setup import redact_url as redact  # noqa: F401 - the name tests and callers use

#: the atoms holding the URL (request line, path, query, referer, raw URI)
_URL_ATOMS = ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{query_string}e", "{http_referer}e", "{referer}i")


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
