"""Dates, times and numbers as office staff read them, in their language (Babel).

Indonesian long form: ``Senin, 7 Desember 2026 pukul 08.30 WIB``; short form:
``7 Des 2026 08.30 WIB``. English: ``Monday, 7 December 2026 at 08:30 WIB`` and
``7 Dec 2026 08:30 WIB``. The zone is the office's, named as Indonesians name it
(WIB, WITA, WIT); other zones use their usual abbreviation. Every page, notification,
e-mail and report goes through here, so there is one way to write a moment.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal

#: Indonesia's three zones, by their Indonesian names (WIB also for Pontianak)
ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

PATTERNS = {
    ("long", "id"): "EEEE, d MMMM y 'pukul' HH.mm",
    ("long", "en"): "EEEE, d MMMM y 'at' HH:mm",
    ("short", "id"): "d MMM y HH.mm",
    ("short", "en"): "d MMM y HH:mm",
    ("time", "id"): "HH.mm",
    ("time", "en"): "HH:mm",
}
DAY_PATTERNS = {
    ("long", "id"): "EEEE, d MMMM y",
    ("long", "en"): "EEEE, d MMMM y",
    ("short", "id"): "d MMM y",
    ("short", "en"): "d MMM y",
    # a letter's date line: "Tanjung Selor, 7 Desember 2026"
    ("letter", "id"): "d MMMM y",
    ("letter", "en"): "d MMMM y",
}


def current_lang() -> str:
    """The reader's language (``id`` outside a request)."""
    try:
        from flask_babel import get_locale

        lang = str(get_locale() or "id")
    except Exception:  # noqa: BLE001 - no app or request context
        return "id"
    return "en" if lang.startswith("en") else "id"


def default_zone() -> ZoneInfo:
    """The reader's office zone (the person's organisation), else the hub's ``TIMEZONE``."""
    from flask import current_app, g, has_app_context, has_request_context

    if has_request_context():
        user = g.get("user")
        org = getattr(user, "organisation", None) if user is not None else None
        if org is not None and org.timezone:
            return ZoneInfo(org.timezone)
    if has_app_context():
        return ZoneInfo(current_app.config["TIMEZONE"])
    return ZoneInfo("Asia/Jakarta")


def zone_name(tz: ZoneInfo, moment: dt.datetime | None = None) -> str:
    return ZONE_NAMES.get(tz.key) or (moment or dt.datetime.now(dt.UTC)).astimezone(tz).tzname() or tz.key


def format_moment(
    value: dt.datetime | None, tz: ZoneInfo | None = None, lang: str | None = None, form: str = "short"
) -> str:
    """A moment in the office's zone: ``form`` is ``short``, ``long`` or ``time`` (the time of day
    alone, without the zone); "" for None."""
    if value is None:
        return ""
    lang = lang if lang in ("id", "en") else current_lang()
    tz = tz or default_zone()
    if value.tzinfo is None:  # stored UTC without its zone (SQLite)
        value = value.replace(tzinfo=dt.UTC)
    text = _babel_datetime(value, PATTERNS[(form, lang)], tzinfo=tz, locale=lang)
    if form == "time":  # a time of day beside a moment that already names the zone
        return text
    return f"{text} {zone_name(tz, value)}"


def format_day(value: dt.date | None, lang: str | None = None, form: str = "short") -> str:
    """A calendar day: ``7 Des 2026`` / ``Senin, 7 Desember 2026``."""
    if value is None:
        return ""
    lang = lang if lang in ("id", "en") else current_lang()
    return _babel_date(value, DAY_PATTERNS[(form, lang)], locale=lang)


def format_number(value: float | int | None, lang: str | None = None, digits: int = 1) -> str:
    """``100,0`` in Indonesian, ``100.0`` in English."""
    if value is None:
        return ""
    lang = lang if lang in ("id", "en") else current_lang()
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=lang)


def format_percent(value: float | None, lang: str | None = None, digits: int = 1) -> str:
    """A percentage given as 0–100: ``100,0 %``."""
    if value is None:
        return ""
    return f"{format_number(value, lang, digits)} %"


def format_value(value) -> str:
    """A report cell as the reader writes it: ``12,5``, ``7 Des 2026``, ``7 Des 2026 08.30 WIB``, "—" for None."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return format_moment(value)
    if isinstance(value, dt.date):
        return format_day(value)
    return str(value)


def init_app(app) -> None:
    app.add_template_filter(lambda v, form="short", tz=None: format_moment(v, tz, form=form), "moment")
    app.add_template_filter(lambda tz: zone_name(tz), "zone")
    app.add_template_filter(lambda v, form="short": format_day(v, form=form), "day")
    app.add_template_filter(lambda v, digits=1: format_number(v, digits=digits), "number")
    app.add_template_filter(format_value, "figure")
