"""Error pages and JSON errors, in the person's language.

A 405 keeps its ``Allow`` header; a full disk (``ENOSPC``/``EDQUOT``) anywhere is a 507
``storage_full``; bad input (:class:`hub.inputs.BadInput`, and a value the database refuses
as out of range) is a 400 with its code; and
a :class:`~hub.workflow.errors.WorkflowError` or :class:`~hub.media.errors.MediaError` is
answered with its own status and code; under ``/api/`` (or asked for JSON) every error is
``application/problem+json`` (:mod:`hub.api.problems`); and
before the 500 page is rendered the database session is rolled back, so a failed
statement cannot break the error page too.
"""

from __future__ import annotations

import errno

from flask import Flask, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from hub.api.problems import from_error, http_problem, problem
from hub.extensions import db
from hub.inputs import BadInput, out_of_range

#: errno values meaning "no space left" (a full disk, or the hub's user over its quota)
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection itself may be gone; the page must still render
        db.session.remove()


def is_disk_full(exc: BaseException) -> bool:
    """True for an ``OSError`` (or one it was raised from) saying the disk or quota is full."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in DISK_FULL:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def storage_full_response():
    message_id = "Penyimpanan server penuh; beri tahu administrator. Tidak ada yang disimpan."
    message_en = "The server's storage is full; tell the administrator. Nothing was kept."
    if _wants_json():
        return problem(507, "storage_full", message_id, message_en)
    g.setdefault("user", None)
    message = message_id if str(get_locale() or "id") == "id" else message_en
    return render_template("errors/error.html", title="507", message=message), 507


def _http_problem(exc: HTTPException, headers):
    """An HTTP error as problem+json: a CSRF failure says so; webargs' own aborts keep their messages."""
    from flask_wtf.csrf import CSRFError

    if isinstance(exc, CSRFError):
        return problem(
            400,
            "csrf_failed",
            "Token CSRF tidak ada atau kedaluwarsa; muat ulang halaman, atau kirim header X-CSRFToken.",
            "The CSRF token is missing or expired; reload the page, or send the X-CSRFToken header.",
        )
    extra = {}
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if messages:
        extra["errors"] = messages
    return http_problem(exc.code or 500, headers=dict(headers), **extra)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        titles = {403: _("You are not allowed to see this page."), 404: _("Page not found")}
        message = titles.get(exc.code, exc.description)
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # Allow on a 405
        g.setdefault("user", None)
        if _wants_json():
            return _http_problem(exc, headers)
        page = render_template("errors/error.html", title=f"{exc.code} {exc.name}", message=message)
        return page, exc.code, headers

    def _bad_input(exc):
        """A refusal with its own code and words (BadInput, WorkflowError, MediaError)."""
        _rollback()
        if _wants_json():
            return from_error(exc)
        g.setdefault("user", None)
        lang = str(get_locale() or "id")
        message = exc.message_id if lang == "id" else exc.message_en
        return render_template("errors/error.html", title=str(exc.status), message=message), exc.status

    from hub.media.errors import MediaError
    from hub.workflow.errors import WorkflowError

    for coded in (BadInput, WorkflowError, MediaError):
        app.register_error_handler(coded, _bad_input)

    @app.errorhandler(Exception)
    def _server_error(exc: Exception):
        _rollback()
        refused = out_of_range(exc)
        if refused is not None:
            return _bad_input(refused)
        if is_disk_full(exc):
            app.logger.error("storage full on %s %s: %s", request.method, request.path, exc)
            return storage_full_response()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. The error has been logged; please try again.")
        if _wants_json():
            return http_problem(500)
        g.setdefault("user", None)
        try:
            return render_template("errors/error.html", title="500", message=message), 500
        except Exception:  # noqa: BLE001 - the page itself failed: answer plain text, never a bare traceback
            app.logger.exception("the error page failed to render")
            return f"500 - {message}", 500, {"Content-Type": "text/plain; charset=utf-8"}
