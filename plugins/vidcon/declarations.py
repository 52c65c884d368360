"""What the vidcon plugin brings besides its channel: the booking item kind, its permissions, the
request form's fields and its workflow template (``workflows/``, SOP 003). Its admin is the core's Teknisi."""

from __future__ import annotations

from pathlib import Path

from hub.sdk import ItemKind, OptionField, Permission

WORKFLOWS = Path(__file__).parent / "workflows"

ITEM_KINDS = [ItemKind("vidcon_booking", "Pemesanan video konferensi", "Video-conference booking")]

#: who sees the whole picture (every booking with its details) and who sees free/busy only
SEE_ALL_ROLES = ("teknisi", "kepala_bidang", "kepala_dinas", "sub_koordinator", "system_admin")

PERMISSIONS = [
    Permission(
        "vidcon.availability",
        "Melihat ketersediaan ruang video konferensi",
        "See video-conference room availability",
        roles=(*SEE_ALL_ROLES, "pemohon", "pembuat_konten", "verifikator", "sekretaris"),
    ),
    Permission(
        "vidcon.rooms",
        "Mengelola ruang video konferensi",
        "Manage video-conference rooms",
        roles=("teknisi", "system_admin"),
    ),
]


def _room_choices():
    from hub_vidcon.booking import NO_ROOM
    from hub_vidcon.models import Room
    from sqlalchemy.orm import joinedload

    from hub.sdk import db

    rooms = db.session.execute(
        db.select(Room).options(joinedload(Room.organisation)).where(Room.active.is_(True)).order_by(Room.name)
    ).scalars()
    listed = []
    for room in rooms:
        size = f" · {room.capacity}" if room.capacity else ""
        office = room.organisation.short_name or room.organisation.name
        listed.append((str(room.id), f"{room.name} ({office}{size})", f"{room.name} ({office}{size})"))
    return listed + [(code, label_id, label_en) for code, (label_id, label_en) in NO_ROOM.items()]


def _choices(mapping: dict):
    return tuple((code, label_id, label_en) for code, (label_id, label_en) in mapping.items())


def option_fields() -> tuple[OptionField, ...]:
    from hub_vidcon.booking import EQUIPMENT, PLATFORMS

    return (
        OptionField("date", "Tanggal rapat", "Meeting date", input="date"),
        OptionField(
            "start",
            "Jam mulai",
            "Start time",
            input="time",
            help_id="Waktu kantor layanan (WITA untuk Kaltara).",
            help_en="The serving office's time (WITA for Kaltara).",
        ),
        OptionField("end", "Jam selesai", "End time", input="time"),
        OptionField(
            "room",
            "Ruang",
            "Room",
            kind="choice",
            choices=_room_choices,
            help_id="Lihat ketersediaan di /vidcon/availability.",
            help_en="See what is free at /vidcon/availability.",
        ),
        OptionField(
            "repeat_weeks",
            "Jumlah pertemuan mingguan",
            "Number of weekly meetings",
            input="number",
            help_id="Kosong atau 1: sekali. 2–12: rapat rutin tiap pekan pada hari dan jam yang sama.",
            help_en="Empty or 1: once. 2–12: a meeting every week on the same day and time.",
        ),
        OptionField("platform", "Platform", "Platform", kind="choice", choices=_choices(PLATFORMS)),
        OptionField("meeting_link", "Tautan rapat", "Meeting link", input="url"),
        OptionField("create_link", "Mohon dibuatkan tautan rapat", "Please create a meeting link", kind="bool"),
        OptionField("contact", "Narahubung", "Contact person"),
        OptionField("phone", "Telepon narahubung", "Contact phone", input="tel"),
        OptionField("participants", "Jumlah peserta", "Number of participants", input="number"),
        OptionField("participants_who", "Peserta (siapa saja)", "Participants (who)"),
        OptionField(
            "equipment", "Peralatan yang dibutuhkan", "Equipment needed", kind="choices", choices=_choices(EQUIPMENT)
        ),
        OptionField("letter_number", "Nomor surat permohonan", "Request letter number"),
        OptionField(
            "letter_date",
            "Tanggal surat permohonan",
            "Request letter date",
            input="date",
            help_id="Lampirkan suratnya (PDF atau gambar) di bagian media.",
            help_en="Attach the letter (PDF or image) under media.",
        ),
    )


def workflow_templates() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yaml"))
