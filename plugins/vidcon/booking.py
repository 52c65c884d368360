"""Booking rules of SOP 003: a room from the registry, the office's service hours, notice, no clash.

A request's details live in the item's ``vidcon`` channel options, filled by the form fields the
channel declares (``fields.OPTION_FIELDS``)::

    {"date": "2026-12-10", "start": "09:00", "end": "11:00", "room": "3",   # or "online" / "requester"
     "platform": "zoom", "meeting_link": "https://…" | "create_link": true,
     "contact": "Budi", "phone": "0812…", "participants": "30", "participants_who": "Kepala OPD",
     "equipment": ["internet", "laptop", "audio"], "letter_number": "005/123/DKI", "letter_date": "2026-12-01"}

Times are local to the office that gives the service: the room's office, or the operator office for
a meeting without a room. Its working calendar (``/admin/calendar``: time zone, weekly hours,
holidays) is the service hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub_vidcon.models import HOLDING, Booking, Room
from sqlalchemy import select

from hub.sdk import Organisation, Problem, WorkCalendar, calendar_for, db, plugin_config, utcnow

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

PLATFORMS = {
    "zoom": ("Zoom", "Zoom"),
    "google_meet": ("Google Meet", "Google Meet"),
    "jitsi": ("Jitsi", "Jitsi"),
    "webex": ("Webex", "Webex"),
    "other": ("Lainnya", "Other"),
}

#: a booking without a room: option value -> (Bahasa Indonesia, English)
NO_ROOM = {
    "online": ("Daring saja (tanpa ruang)", "Online only (no room)"),
    "requester": ("Di tempat pemohon", "At the requester's place"),
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
    room: Room | None
    #: "room", "online" or "requester"
    mode: str
    options: dict
    calendar: WorkCalendar

    @property
    def place(self) -> str:
        if self.room is not None:
            return self.room.name
        return NO_ROOM[self.mode][0]


def operator_office() -> Organisation | None:
    return db.session.execute(
        select(Organisation).where(Organisation.kind == "operator").order_by(Organisation.id).limit(1)
    ).scalar()


def service_office(room: Room | None) -> Organisation | None:
    """The office whose working calendar gives the service hours: the room's, else the operator's."""
    return room.organisation if room is not None else operator_office()


def service_calendar(room: Room | None = None) -> WorkCalendar:
    return calendar_for(service_office(room))


def office_zone(room: Room | None = None):
    return service_calendar(room).tz


def describe_hours(calendar: WorkCalendar, lang: str) -> str:
    parts = []
    fmt = "%H.%M" if lang == "id" else "%H:%M"  # 16.30 in Indonesian, 16:30 in English
    for day, spans in sorted(calendar.hours.items()):
        name = DAY_NAMES[day][0 if lang == "id" else 1]
        times = ", ".join(f"{a.strftime(fmt)}–{b.strftime(fmt)}" for a, b in spans)
        parts.append(f"{name} {times}")
    zone = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(str(calendar.tz))
    return ", ".join(parts) + f" ({zone or calendar.tz})"


def min_notice_days() -> int:
    try:
        return max(0, int(plugin_config(CHANNEL, "min_notice_days") or 0))
    except (TypeError, ValueError):
        return 1


def _problem(field: str, rule: str, msg_id: str, msg_en: str) -> Problem:
    return Problem(CHANNEL, field, rule, msg_id, msg_en)


def _room_from(value) -> tuple[Room | None, str, list[Problem]]:
    text = str(value or "").strip()
    if text in NO_ROOM:
        return None, text, []
    room = db.session.get(Room, int(text)) if text.isdigit() else None
    if room is None or not room.active:
        return (
            None,
            "room",
            [
                _problem(
                    "vidcon.room",
                    "vidcon.room_unknown",
                    "Pilih ruang dari daftar, atau daring / di tempat pemohon.",
                    "Choose a room from the list, or online / at the requester's place.",
                )
            ],
        )
    return room, "room", []


def parse_request(options: dict) -> tuple[Request | None, list[Problem]]:
    """Read and check a booking request's details; returns the request or the problems."""
    problems: list[Problem] = []
    for key, label_id, label_en in (
        ("date", "Tanggal", "Date"),
        ("start", "Jam mulai", "Start time"),
        ("end", "Jam selesai", "End time"),
        ("room", "Ruang", "Room"),
    ):
        if not str(options.get(key) or "").strip():
            problems.append(
                _problem(f"vidcon.{key}", "vidcon.required", f"{label_id} wajib diisi.", f"{label_en} is required.")
            )
    if problems:
        return None, problems
    room, mode, problems = _room_from(options.get("room"))
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
    calendar = service_calendar(room)
    starts = dt.datetime.combine(day, times["start"], calendar.tz).astimezone(dt.UTC)
    ends = dt.datetime.combine(day, times["end"], calendar.tz).astimezone(dt.UTC)
    return Request(starts, ends, room, mode, options, calendar), []


def within_hours(calendar: WorkCalendar, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """True when the meeting lies inside one working interval of the office's calendar."""
    local_start, local_end = starts_at.astimezone(calendar.tz), ends_at.astimezone(calendar.tz)
    return any(a <= local_start and local_end <= b for a, b in calendar.intervals(local_start.date()))


def check_request(req: Request, *, phase: str, exclude_item_id: int | None = None, item=None) -> list[Problem]:
    problems: list[Problem] = []
    opts = req.options
    if req.ends_at <= req.starts_at:
        problems.append(
            _problem(
                "vidcon.end",
                "vidcon.end_after_start",
                "Jam selesai harus setelah jam mulai.",
                "The end time must be after the start time.",
            )
        )
    elif not within_hours(req.calendar, req.starts_at, req.ends_at):
        local = req.starts_at.astimezone(req.calendar.tz).date()
        holiday = local in req.calendar.holidays
        why_id = "Hari itu hari libur. " if holiday else ""
        why_en = "That day is a holiday. " if holiday else ""
        problems.append(
            _problem(
                "vidcon.start",
                "vidcon.service_hours",
                f"{why_id}Di luar jam layanan ({describe_hours(req.calendar, 'id')}); "
                f"pilih waktu di dalam jam layanan.{_slots_text(req, 'id')}",
                f"{why_en}Outside service hours ({describe_hours(req.calendar, 'en')}); "
                f"choose a time within them.{_slots_text(req, 'en')}",
            )
        )
    now = utcnow()
    if phase == "submit" and req.starts_at <= now:
        problems.append(
            _problem(
                "vidcon.date",
                "vidcon.in_past",
                "Waktu rapat sudah lewat; pilih tanggal yang akan datang.",
                "The meeting time has passed; choose a future date.",
            )
        )
    elif phase == "submit" and min_notice_days() and req.starts_at < req.calendar.add_days(now, min_notice_days()):
        days = min_notice_days()
        problems.append(
            _problem(
                "vidcon.date",
                "vidcon.min_notice",
                f"Permohonan paling lambat {days} hari kerja sebelum rapat, agar tim teknis sempat uji coba.",
                f"Requests are due at least {days} working day(s) before the meeting, so the team can run a trial.",
            )
        )
    unknown = [e for e in opts.get("equipment") or [] if e not in EQUIPMENT]
    if unknown:
        problems.append(
            _problem(
                "vidcon.equipment",
                "vidcon.equipment_unknown",
                f"Peralatan tidak dikenal: {', '.join(map(str, unknown))}.",
                f"Unknown equipment: {', '.join(map(str, unknown))}.",
            )
        )
    platform = str(opts.get("platform") or "")
    if platform and platform not in PLATFORMS:
        problems.append(
            _problem(
                "vidcon.platform",
                "vidcon.platform_unknown",
                f"Platform tidak dikenal: {platform}.",
                f"Unknown platform: {platform}.",
            )
        )
    if phase == "submit":
        problems += _required_details(opts, item)
    clash = find_clash(req, exclude_item_id=exclude_item_id)
    if clash is not None:
        problems.append(taken_problem(req, clash))
    return problems


def _required_details(opts: dict, item) -> list[Problem]:
    problems = []
    for key, label_id, label_en in (
        ("platform", "Platform", "Platform"),
        ("contact", "Narahubung", "Contact person"),
        ("phone", "Telepon narahubung", "Contact phone"),
        ("letter_number", "Nomor surat permohonan", "Request letter number"),
        ("letter_date", "Tanggal surat permohonan", "Request letter date"),
    ):
        if not str(opts.get(key) or "").strip():
            problems.append(
                _problem(f"vidcon.{key}", "vidcon.required", f"{label_id} wajib diisi.", f"{label_en} is required.")
            )
    if not str(opts.get("meeting_link") or "").strip() and not opts.get("create_link"):
        problems.append(
            _problem(
                "vidcon.meeting_link",
                "vidcon.link_or_create",
                "Isi tautan rapat, atau centang 'mohon dibuatkan'.",
                "Give the meeting link, or tick 'please create one'.",
            )
        )
    if str(opts.get("participants") or "").strip() and not str(opts.get("participants")).strip().isdigit():
        problems.append(
            _problem(
                "vidcon.participants", "vidcon.number", "Jumlah peserta harus angka.", "Participants must be a number."
            )
        )
    if opts.get("letter_date"):
        try:
            dt.date.fromisoformat(str(opts["letter_date"]))
        except ValueError:
            problems.append(
                _problem(
                    "vidcon.letter_date",
                    "vidcon.date_format",
                    "Tanggal surat tidak valid; tulis sebagai TTTT-BB-HH.",
                    "The letter date is not valid; write it as YYYY-MM-DD.",
                )
            )
    if item is not None and not any(
        getattr(link.asset, "kind", "") in ("document", "image") for link in item.assets or []
    ):
        problems.append(
            _problem(
                "media",
                "vidcon.letter_missing",
                "Lampirkan surat permohonan (PDF atau gambar).",
                "Attach the request letter (a PDF or an image).",
            )
        )
    return problems


def taken_problem(req: Request, clash: Booking | None) -> Problem:
    zone = req.calendar.tz
    when = (clash.starts_at if clash is not None else req.starts_at).astimezone(zone)
    return _problem(
        "vidcon.room",
        "vidcon.room_taken",
        f"{req.place} sudah dipesan pada {when:%Y-%m-%d %H.%M}; pilih waktu atau ruang lain.{_slots_text(req, 'id')}",
        f"{req.place} is already booked at {when:%Y-%m-%d %H:%M}; choose another time or room.{_slots_text(req, 'en')}",
    )


def find_clash(req: Request, *, exclude_item_id: int | None = None) -> Booking | None:
    """A live booking of the same room (by id) that overlaps the request; None without a room."""
    if req.room is None:
        return None
    return overlapping(req.room.id, req.starts_at, req.ends_at, exclude_item_id=exclude_item_id)


def overlapping(room_id: int, starts_at, ends_at, *, exclude_item_id: int | None = None) -> Booking | None:
    query = select(Booking).where(
        Booking.status.in_(HOLDING),
        Booking.room_id == room_id,
        Booking.starts_at < ends_at,
        Booking.ends_at > starts_at,
    )
    if exclude_item_id is not None:
        query = query.where(Booking.item_id != exclude_item_id)
    return db.session.execute(query.order_by(Booking.starts_at).limit(1)).scalar()


def free_slots(req: Request, count: int = 3, days: int = 14) -> list[tuple[dt.datetime, dt.datetime]]:
    """The next ``count`` free slots of the request's length in its room, inside service hours, from the
    requested start on (half-hour steps, two weeks ahead at most)."""
    length = req.ends_at - req.starts_at
    if length <= dt.timedelta(0):
        return []
    cal = req.calendar
    ref = max(req.starts_at, utcnow())
    first = ref.astimezone(cal.tz).date()
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time.min, cal.tz)
    busy = []
    if req.room is not None:
        busy = db.session.execute(
            select(Booking.starts_at, Booking.ends_at).where(
                Booking.status.in_(HOLDING),
                Booking.room_id == req.room.id,
                Booking.ends_at > dt.datetime.combine(first, dt.time.min, cal.tz),
                Booking.starts_at < end,
            )
        ).all()
    found: list[tuple[dt.datetime, dt.datetime]] = []
    step = dt.timedelta(minutes=30)
    for offset in range(days):
        for open_, close in cal.intervals(first + dt.timedelta(days=offset)):
            start = open_
            while start + length <= close and len(found) < count:
                finish = start + length
                if start >= ref and not any(a < finish and b > start for a, b in busy):
                    found.append((start.astimezone(dt.UTC), finish.astimezone(dt.UTC)))
                    start = finish
                else:
                    start += step
            if len(found) >= count:
                return found
    return found


def _slots_text(req: Request, lang: str) -> str:
    slots = free_slots(req)
    if not slots:
        return ""
    zone = req.calendar.tz
    fmt = "%d-%m-%Y %H.%M" if lang == "id" else "%Y-%m-%d %H:%M"
    end_fmt = "%H.%M" if lang == "id" else "%H:%M"
    listed = "; ".join(f"{a.astimezone(zone):{fmt}}–{b.astimezone(zone):{end_fmt}}" for a, b in slots)
    return f" Waktu kosong berikutnya: {listed}." if lang == "id" else f" Next free slots: {listed}."
