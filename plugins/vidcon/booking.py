"""Booking rules of SOP 003: service hours, required details, no double-booked room.

A request's details live in the item's ``vidcon`` channel options::

    {"date": "2026-12-01", "start": "09:00", "end": "11:00", "place": "Ruang Rapat Lt. 2",
     "platform": "Zoom", "meeting_link": "https://…", "participants": 30,
     "contact": "Budi 0812…", "equipment": ["internet", "laptop", "audio"]}

Times are local to the office (setting ``timezone``, default the hub's ``HUB_TIMEZONE``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from hub_vidcon.models import Booking, BookingStatus
from sqlalchemy import select

from hub.sdk import Problem, db, plugin_config, utcnow

CHANNEL = "vidcon"

#: The SOP's equipment list: code -> (Bahasa Indonesia, English)
EQUIPMENT = {
    "internet": ("Jaringan internet", "Internet connection"),
    "modem_ap": ("Modem dan access point", "Modem and access point"),
    "laptop": ("Laptop", "Laptop"),
    "vidcon_equipment": ("Peralatan video conference", "Video-conference equipment"),
    "audio": ("Peralatan audio", "Audio equipment"),
    "phone": ("Handphone/telepon", "Mobile phone/telephone"),
}

#: SOP 003: Monday–Thursday 08:00–16:00, Friday 08:00–16:30 (weekday 0 = Monday)
DEFAULT_SERVICE_HOURS = {
    "0": ["08:00", "16:00"],
    "1": ["08:00", "16:00"],
    "2": ["08:00", "16:00"],
    "3": ["08:00", "16:00"],
    "4": ["08:00", "16:30"],
}
DAY_NAMES = [
    ("Senin", "Monday"),
    ("Selasa", "Tuesday"),
    ("Rabu", "Wednesday"),
    ("Kamis", "Thursday"),
    ("Jumat", "Friday"),
    ("Sabtu", "Saturday"),
    ("Minggu", "Sunday"),
]


@dataclass(frozen=True)
class Request:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime
    place: str
    options: dict


def office_zone() -> ZoneInfo:
    return ZoneInfo(plugin_config("vidcon", "timezone") or current_app.config["TIMEZONE"])


def service_hours() -> dict[int, tuple[dt.time, dt.time]]:
    raw = plugin_config("vidcon", "service_hours") or DEFAULT_SERVICE_HOURS
    return {int(day): (dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for day, (a, b) in raw.items()}


def describe_hours(lang: str) -> str:
    parts = []
    for day, (start, end) in sorted(service_hours().items()):
        name = DAY_NAMES[day][0 if lang == "id" else 1]
        fmt = "%H.%M" if lang == "id" else "%H:%M"  # 16.30 in Indonesian, 16:30 in English
        parts.append(f"{name} {start.strftime(fmt)}–{end.strftime(fmt)}")
    return ", ".join(parts)


def _problem(field: str, rule: str, msg_id: str, msg_en: str) -> Problem:
    return Problem(CHANNEL, field, rule, msg_id, msg_en)


def parse_request(options: dict) -> tuple[Request | None, list[Problem]]:
    """Read and check a booking request's details; returns the request or the problems."""
    problems: list[Problem] = []
    for key, label_id, label_en in (
        ("date", "Tanggal", "Date"),
        ("start", "Jam mulai", "Start time"),
        ("end", "Jam selesai", "End time"),
        ("place", "Tempat", "Place"),
    ):
        if not str(options.get(key) or "").strip():
            problems.append(
                _problem(f"vidcon.{key}", "vidcon.required", f"{label_id} wajib diisi.", f"{label_en} is required.")
            )
    if problems:
        return None, problems
    try:
        day = dt.date.fromisoformat(str(options["date"]))
    except ValueError:
        return None, [
            _problem(
                "vidcon.date",
                "vidcon.date_format",
                "Tanggal tidak valid; tulis sebagai TTTT-BB-HH, mis. 2026-12-01.",
                "The date is not valid; write it as YYYY-MM-DD, e.g. 2026-12-01.",
            )
        ]
    times = {}
    for key in ("start", "end"):
        try:
            times[key] = dt.time.fromisoformat(str(options[key]))
        except ValueError:
            problems.append(
                _problem(
                    f"vidcon.{key}",
                    "vidcon.time_format",
                    "Jam tidak valid; tulis sebagai JJ:MM, mis. 09:30.",
                    "The time is not valid; write it as HH:MM, e.g. 09:30.",
                )
            )
    if problems:
        return None, problems
    zone = office_zone()
    starts = dt.datetime.combine(day, times["start"], zone).astimezone(dt.UTC)
    ends = dt.datetime.combine(day, times["end"], zone).astimezone(dt.UTC)
    return Request(starts, ends, str(options["place"]).strip(), options), []


def check_request(req: Request, *, phase: str, exclude_item_id: int | None = None) -> list[Problem]:
    problems: list[Problem] = []
    if req.ends_at <= req.starts_at:
        problems.append(
            _problem(
                "vidcon.end",
                "vidcon.end_after_start",
                "Jam selesai harus setelah jam mulai.",
                "The end time must be after the start time.",
            )
        )
    zone = office_zone()
    local_start, local_end = req.starts_at.astimezone(zone), req.ends_at.astimezone(zone)
    hours = service_hours().get(local_start.weekday())
    if hours is None or local_start.time() < hours[0] or local_end.time() > hours[1]:
        problems.append(
            _problem(
                "vidcon.start",
                "vidcon.service_hours",
                f"Di luar jam layanan ({describe_hours('id')}); pilih waktu di dalam jam layanan.",
                f"Outside service hours ({describe_hours('en')}); choose a time within them.",
            )
        )
    if phase == "submit" and req.starts_at <= utcnow():
        problems.append(
            _problem(
                "vidcon.date",
                "vidcon.in_past",
                "Waktu rapat sudah lewat; pilih tanggal yang akan datang.",
                "The meeting time has passed; choose a future date.",
            )
        )
    unknown = [e for e in req.options.get("equipment") or [] if e not in EQUIPMENT]
    if unknown:
        problems.append(
            _problem(
                "vidcon.equipment",
                "vidcon.equipment_unknown",
                f"Peralatan tidak dikenal: {', '.join(unknown)}.",
                f"Unknown equipment: {', '.join(unknown)}.",
            )
        )
    clash = find_clash(req, exclude_item_id=exclude_item_id)
    if clash is not None:
        when = clash.starts_at.astimezone(zone)
        problems.append(
            _problem(
                "vidcon.place",
                "vidcon.room_taken",
                f"{req.place} sudah dipesan pada {when:%Y-%m-%d %H.%M}; pilih waktu atau ruang lain.",
                f"{req.place} is already booked at {when:%Y-%m-%d %H:%M}; choose another time or room.",
            )
        )
    return problems


def find_clash(req: Request, *, exclude_item_id: int | None = None) -> Booking | None:
    """A confirmed booking of the same place that overlaps the request."""
    query = select(Booking).where(
        Booking.status == BookingStatus.CONFIRMED.value,
        Booking.place == req.place,
        Booking.starts_at < req.ends_at,
        Booking.ends_at > req.starts_at,
    )
    if exclude_item_id is not None:
        query = query.where(Booking.item_id != exclude_item_id)
    return db.session.execute(query.limit(1)).scalar()
