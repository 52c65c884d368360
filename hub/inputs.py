"""Reading what a request sends, so bad input gets a clear 400 and never a 500.

* :class:`BoundedInt` is the app's ``int`` URL converter (registered first thing in
  :func:`hub.app.create_app`): ``<int:id>`` matches 0..2^31-1 only, so a path id too large
  for the database (PostgreSQL ``integer``, SQLite's 64 bits) is a 404 like any unknown id.
* :func:`int_arg` reads an integer from the query string (or a form) with bounds: a value
  that is not a number, or out of range, is a 400 ``bad_parameter``.
* :func:`json_object` is the one JSON body reader: ``NaN``/``Infinity``, nesting deeper
  than :data:`MAX_JSON_DEPTH`, text with NUL or lone surrogates (which no database stores)
  are ``invalid_json``; a list, string or number where an object is expected is
  ``not_an_object``.
* :func:`out_of_range` answers a value the database refuses (an integer too large for its
  column: ``DataError`` on PostgreSQL, ``OverflowError`` on SQLite) with 400 ``out_of_range``
  instead of a 500 (:mod:`hub.errors` calls it).
* :func:`refuse_nul` (a ``before_request`` hook) answers 400 ``invalid_text`` to a path,
  query string or urlencoded form carrying a NUL character (PostgreSQL refuses it).

Every refusal is a :class:`BadInput`: ``application/problem+json`` with its ``code`` under
``/api/`` (:mod:`hub.api.problems`), the error page elsewhere (:mod:`hub.errors`).
"""

from __future__ import annotations

import json
import math

from flask import request
from werkzeug.routing import IntegerConverter

from hub.exceptions import HubError

#: the largest id a path or a query parameter may name (PostgreSQL ``integer``)
MAX_ID = 2**31 - 1
#: how deeply a JSON body may nest objects and lists
MAX_JSON_DEPTH = 64


class BoundedInt(IntegerConverter):
    """``<int:x>`` limited to 0..2^31-1 (``min``/``max`` arguments still narrow it)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):
        super().__init__(
            map, fixed_digits=fixed_digits, min=0 if min is None else min, max=MAX_ID if max is None else max
        )


class BadInput(HubError):
    """The request itself is malformed; ``status`` 400 unless said otherwise."""

    def __init__(self, code: str, message_id: str, message_en: str, *, status: int = 400, **details):
        self.code, self.status, self.details = code, status, details
        self.message_id, self.message_en = message_id, message_en
        super().__init__(f"{message_id} / {message_en}")

    def message(self, lang: str = "id") -> str:
        return self.message_id if lang == "id" else self.message_en


def int_arg(name: str, default: int | None = None, *, lo: int = 0, hi: int = MAX_ID, source=None) -> int | None:
    """The integer ``name`` of the query string (or ``source``, e.g. ``request.form``).

    Missing or empty: ``default``. Not a whole number, or outside ``lo``..``hi``: :class:`BadInput`.
    """
    raw = (request.args if source is None else source).get(name, "")
    raw = raw.strip()
    if not raw:
        return default
    digits = raw[1:] if raw[:1] in "+-" else raw
    value = int(raw) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None
    if value is None or not lo <= value <= hi:
        raise BadInput(
            "bad_parameter",
            f"Parameter '{name}' harus bilangan bulat antara {lo} dan {hi}.",
            f"The parameter '{name}' must be a whole number between {lo} and {hi}.",
            parameter=name,
        )
    return value


def _invalid_json(detail_id: str, detail_en: str) -> BadInput:
    return BadInput(
        "invalid_json",
        f"Isi permintaan bukan JSON yang valid ({detail_id}).",
        f"The request body is not valid JSON ({detail_en}).",
    )


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def _check_text(value) -> None:
    """Refuse nesting deeper than :data:`MAX_JSON_DEPTH`, NaN/Infinity, NUL and lone surrogates."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            limit = MAX_JSON_DEPTH
            raise _invalid_json(f"bersarang lebih dari {limit} tingkat", f"nested over {limit} levels")
        if isinstance(node, dict):
            stack.extend((k, depth + 1) for k in node)
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, str):
            if "\x00" in node:
                raise _invalid_json("teks berisi karakter NUL", "text contains a NUL character")
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise _invalid_json("teks berisi surrogate tunggal", "text contains a lone surrogate") from None
        elif (isinstance(node, float) and not math.isfinite(node)) or (
            isinstance(node, int) and not -(2**63) <= node < 2**63
        ):
            raise _invalid_json("angka di luar jangkauan", "a number out of range")


def json_value(*, required: bool = True):
    """The request body parsed as strict JSON (any type); ``None`` for an empty body when not ``required``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise _invalid_json("isi kosong", "empty body")
        return None
    try:
        value = json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        raise _invalid_json("terlalu dalam bersarang", "nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid_json("sintaks salah", f"{type(exc).__name__}") from None
    _check_text(value)
    return value


def json_object(*, required: bool = True) -> dict:
    """The request's JSON object (``{}`` for an empty body when not ``required``); :class:`BadInput`
    (400 ``invalid_json`` or ``not_an_object``) otherwise."""
    if not required and not request.get_data(cache=True).strip():
        return {}
    value = json_value()
    if not isinstance(value, dict):
        raise BadInput(
            "not_an_object",
            "Isi permintaan harus objek JSON ({...}), bukan daftar, teks atau angka.",
            "The request body must be a JSON object ({...}), not a list, a string or a number.",
        )
    return value


def refuse_nul() -> None:
    """``before_request``: a NUL character in the path, the query string or an urlencoded form is a 400."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype == "application/x-www-form-urlencoded":
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in v for v in values):
        raise BadInput(
            "invalid_text",
            "Permintaan berisi karakter NUL yang tidak diizinkan.",
            "The request contains a NUL character, which is not allowed.",
        )


def out_of_range(exc: BaseException) -> BadInput | None:
    """A :class:`BadInput` when ``exc`` is the database refusing a value that was sent (a number too
    large for its column, text it cannot store); ``None`` for any other error."""
    from sqlalchemy.exc import DataError

    seen = exc
    while seen is not None:
        if isinstance(seen, DataError | OverflowError):
            return BadInput(
                "out_of_range",
                "Nilai yang dikirim di luar jangkauan yang dapat disimpan (misalnya angka id terlalu besar).",
                "A value sent is outside what can be stored (for example an id number that is too large).",
            )
        seen = seen.__cause__ or seen.__context__
    return None
