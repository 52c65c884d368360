"""The hub's logs: one format for every process, a request id, and no secrets.

:func:`configure` (run by ``hub`` before any command) puts one handler on the root logger, on
stderr: plain text (``HUB_LOG_FORMAT=text``, the default)::

    2026-12-07T01:02:03+0000 INFO hub.jobs [req=4f1c…] worker hub-1 runs job hub-pub-7-1

or one JSON object per line (``HUB_LOG_FORMAT=json``, python-json-logger) with ``time``,
``level``, ``logger``, ``message``, ``request_id``, ``job_id``, ``process`` for log shippers. RQ's
worker logs through it (it adds its own handler only when none exists) and ``hub web``'s gunicorn
error and access logs use the same formatter (:class:`hub.access_log.AccessLogger`).

**Request id**: every web request gets one, the ``X-Request-ID`` it came with (a proxy's, up to
128 characters of ``A-Za-z0-9._-``) or a new random one, answered in the ``X-Request-ID`` header and
written in every line logged while it runs. A job enqueued during the request carries it in its
``meta`` (:class:`hub.queue.HubQueue`), and the worker logs it with every line of that job.

**No secrets**: the formatter's output goes through :func:`redact` (the access log's rules for URLs,
plus bearer tokens, API tokens, passwords in URLs and ``password=`` pairs), whatever logged it.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import secrets
import sys

#: the request (or the job's originating request) the current code works for
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("hub_request_id", default=None)
#: the RQ job the current code runs
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("hub_job_id", default=None)

REDACTED = "[redacted]"
_AFTER_PLAYER = re.compile(r"(/player/)[^/?#\s\"'\\]+")
_LONG_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=[/?#\s]|$)")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:token|secret|key|sig|signature|code|password)=)[^&#\s\"'\\]*")
#: the same inside a URL-encoded URL (a login redirect's ``next=/items%3Ftoken%3D…``)
_SECRET_QUERY_ENCODED = re.compile(
    r"(?i)((?:%3F|%26|[?&])(?:token|secret|key|sig|signature|code|password)%3D)(?:(?!%26)[^&#\s\"'\\])*"
)


def redact_url(text):
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


HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s %(message)s"
FORMATS = ("text", "json")

_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{8,}")
_API_TOKEN = re.compile(r"hubt_[A-Za-z0-9_-]+")
_URL_PASSWORD = re.compile(r"(://[^:/?#\s@]+:)[^@/\s]+(@)")
_PAIR = re.compile(
    r"(?i)\b((?:password|passwd|secret|api_key|apikey|access_token|refresh_token|client_secret|"
    r"app_password)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
)


def redact(text: str) -> str:
    """``text`` with secrets replaced by ``[redacted]``: URL secrets (player links, tokens in
    queries), bearer and API tokens, passwords in URLs and ``password=…``-like pairs."""
    if not text:
        return text
    text = _API_TOKEN.sub("hubt_[redacted]", text)
    text = _BEARER.sub(r"\1\2[redacted]", text)
    text = _URL_PASSWORD.sub(r"\1***\2", text)
    text = _PAIR.sub(r"\1[redacted]", text)
    return redact_url(text)


def new_request_id(incoming: str | None = None) -> str:
    """The caller's id when it is well-formed, else a new one (32 hex characters)."""
    if incoming and _VALID_ID.match(incoming):
        return incoming
    return secrets.token_hex(16)


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``job_id`` and ``context`` (`` [req=… job=…]`` or ``""``) to a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid is None and isinstance(record.args, dict):  # gunicorn's access line: the answered header
            rid = record.args.get("{x-request-id}o") or None
            rid = None if rid in ("-", "") else rid
        jid = getattr(record, "job_id", None) or job_id.get()
        record.request_id, record.job_id = rid, jid
        parts = [f"req={rid}"] if rid else []
        if jid:
            parts.append(f"job={jid}")
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return True


class RedactingFormatter(logging.Formatter):
    """The text format, secrets redacted from the whole line (traceback included)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        import time

        return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created))


def _json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    class RedactingJsonFormatter(JsonFormatter):
        """Redacts the message and the traceback before they are serialised (a pattern run over
        the JSON text could cut an escaped quote in half)."""

        def format(self, record: logging.LogRecord) -> str:
            record = logging.makeLogRecord(record.__dict__)
            record.msg, record.args = redact(record.getMessage()), None
            return super().format(record)

        def formatException(self, ei) -> str:  # noqa: N802 - logging's name
            return redact(super().formatException(ei))

        def formatStack(self, stack_info) -> str:  # noqa: N802 - logging's name
            return redact(super().formatStack(stack_info))

    return RedactingJsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(job_id)s %(process)d",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        reserved_attrs=[*_RESERVED, "context"],
    )


_RESERVED = [
    "args",
    "asctime",
    "created",
    "exc_info",
    "exc_text",
    "filename",
    "funcName",
    "levelname",
    "levelno",
    "lineno",
    "module",
    "msecs",
    "message",
    "msg",
    "name",
    "pathname",
    "process",
    "processName",
    "relativeCreated",
    "stack_info",
    "thread",
    "threadName",
    "taskName",
]


def log_format() -> str:
    value = (os.environ.get("HUB_LOG_FORMAT") or "text").strip().lower()
    return value if value in FORMATS else "text"


def formatter() -> logging.Formatter:
    """The formatter of ``HUB_LOG_FORMAT`` (text or json)."""
    return _json_formatter() if log_format() == "json" else RedactingFormatter(TEXT_FORMAT)


def handler(stream=None) -> logging.Handler:
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(formatter())
    out.addFilter(ContextFilter())
    return out


def configure() -> None:
    """One handler on the root logger (``HUB_LOG_LEVEL``, ``HUB_LOG_FORMAT``); run once per process."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_hub", False)]:
        root.removeHandler(old)
    out = handler()
    out._hub = True  # type: ignore[attr-defined]
    root.addHandler(out)
    level = (os.environ.get("HUB_LOG_LEVEL") or "INFO").upper()
    root.setLevel(level if level in logging._nameToLevel else "INFO")
    if os.environ.get("HUB_LOG_FORMAT") and log_format() != os.environ["HUB_LOG_FORMAT"].strip().lower():
        logging.getLogger(__name__).warning(
            "HUB_LOG_FORMAT=%s is not one of %s; using text", os.environ["HUB_LOG_FORMAT"], ", ".join(FORMATS)
        )
    for noisy in ("alembic", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# --- the web request's id ----------------------------------------------------------------------------


def init_app(app) -> None:
    from flask import g, request

    @app.before_request
    def _request_id():
        rid = new_request_id(request.headers.get(HEADER))
        g.request_id = rid
        g._request_id_token = request_id.set(rid)

    @app.after_request
    def _answer_id(response):
        rid = g.get("request_id")
        if rid:
            response.headers[HEADER] = rid
        return response

    @app.teardown_request
    def _forget(_exc=None):
        token = g.pop("_request_id_token", None)
        if token is not None:
            try:
                request_id.reset(token)
            except ValueError:  # set in another context (a copied one): leave it
                request_id.set(None)
