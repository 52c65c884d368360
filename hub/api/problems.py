"""One error shape for the JSON API: RFC 9457 ``application/problem+json``.

Every refusal under ``/api/`` (and of a page asked for JSON) is::

    {"type": "urn:hub:problem:<code>", "title": "<HTTP reason>", "status": 422,
     "code": "<rule code>", "detail": "<message in the caller's language>", "lang": "id",
     …extensions: field, problems, errors, offset…}

``code`` is the stable rule code scripts branch on (``checks_failed``, ``not_allowed``,
``bad_parameter``…); ``detail`` is one language only: the caller's ``Accept-Language``
when it names Bahasa Indonesia or English, else the person's chosen language, else
Bahasa Indonesia. A 401 carries ``WWW-Authenticate: Bearer realm="hub"`` (with
``error="invalid_token"`` when a token was sent and refused).
"""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app, has_request_context, jsonify, request

PROBLEM_MIME = "application/problem+json"
TYPE_PREFIX = "urn:hub:problem:"

#: the words of the HTTP errors the hub answers without a more specific code
HTTP_WORDS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Permintaan tidak dapat dibaca.", "The request could not be read."),
    401: ("login_required", "Silakan masuk terlebih dahulu.", "Please log in first."),
    403: ("forbidden", "Anda tidak berwenang melakukan ini.", "You are not allowed to do this."),
    404: ("not_found", "Tidak ditemukan.", "Not found."),
    405: ("method_not_allowed", "Metode ini tidak didukung di alamat ini.", "This method is not allowed here."),
    409: ("conflict", "Terjadi konflik; muat ulang dan coba lagi.", "A conflict; reload and try again."),
    413: ("too_large", "Permintaan terlalu besar.", "The request is too large."),
    415: ("unsupported_media_type", "Jenis isi tidak didukung.", "This content type is not supported."),
    422: ("invalid", "Isian tidak valid; lihat errors.", "The input is not valid; see errors."),
    429: ("too_many_requests", "Terlalu banyak permintaan; coba lagi nanti.", "Too many requests; try again later."),
    500: (
        "server_error",
        "Terjadi kesalahan di sisi kami. Kesalahan sudah dicatat; silakan coba lagi.",
        "Something went wrong on our side. The error has been logged; please try again.",
    ),
    503: (
        "unavailable",
        "Layanan sedang tidak tersedia; coba lagi nanti.",
        "The service is unavailable; try again later.",
    ),
}


def caller_language() -> str:
    """``id`` or ``en``: ``Accept-Language`` first (scripts say it per request), then the person's choice."""
    languages = list(current_app.config.get("LANGUAGES", ["id", "en"]))
    if has_request_context() and request.headers.get("Accept-Language"):
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    from hub.i18n import select_locale

    return select_locale()


def problem(status: int, code: str, message_id: str, message_en: str, *, headers=None, **extensions):
    """The ``application/problem+json`` response for one refusal (see the module doc)."""
    lang = caller_language()
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {
        "type": TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "code": code,
        "detail": message_id if lang == "id" else message_en,
        "lang": lang,
        **{k: v for k, v in extensions.items() if k not in {"type", "title", "status", "code", "detail", "lang"}},
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIME
    if status == 401:
        response.headers["WWW-Authenticate"] = www_authenticate()
    for key, value in dict(headers or {}).items():
        response.headers[key] = value
    return response


def www_authenticate() -> str:
    refused_token = has_request_context() and request.headers.get("Authorization", "").startswith("Bearer ")
    return 'Bearer realm="hub", error="invalid_token"' if refused_token else 'Bearer realm="hub"'


def from_error(exc) -> object:
    """A hub error that carries ``status``, ``code``, ``message_id``, ``message_en`` and ``details``
    (a ``retry_after`` in seconds is also sent as the ``Retry-After`` header)."""
    details = getattr(exc, "details", None) or {}
    headers = {"Retry-After": str(int(details["retry_after"]))} if details.get("retry_after") else None
    return problem(exc.status, exc.code, exc.message_id, exc.message_en, headers=headers, **details)


def http_problem(status: int, *, code: str | None = None, headers=None, **extensions):
    """A refusal with only an HTTP status to say (404 of an unknown route, 405, 413…)."""
    default_code, message_id, message_en = HTTP_WORDS.get(status, HTTP_WORDS[400 if status < 500 else 500])
    return problem(status, code or default_code, message_id, message_en, headers=headers, **extensions)
