"""How a request reads on its item page (``preview_item``): when, where, how, who, and the letter,
so the Kepala Dinas and the Kepala Bidang decide without opening the options."""

from __future__ import annotations

from hub_vidcon import series
from hub_vidcon.booking import EQUIPMENT, PLATFORMS, parse_request

from hub.sdk import Preview, PreviewPart


def request_preview(item) -> Preview:
    target = item.target("vidcon")
    options = target.options if target else {}
    req, _problems = parse_request(options)
    letter = [link.asset_id for link in item.assets or [] if getattr(link.asset, "kind", "") in ("document", "image")]
    if req is None:
        return Preview(
            parts=(PreviewPart(title=item.title, media=tuple(letter)),),
            note_id="Tanggal, jam atau ruang belum lengkap.",
            note_en="The date, time or room is not complete yet.",
        )
    zone = req.calendar.tz
    start, end = req.starts_at.astimezone(zone), req.ends_at.astimezone(zone)
    count = len(series.meeting_dates(options))
    platform = PLATFORMS.get(str(options.get("platform") or ""), ("", ""))
    equipment = [EQUIPMENT[c] for c in options.get("equipment") or [] if c in EQUIPMENT]
    link_id = options.get("meeting_link") or ("mohon dibuatkan tautan" if options.get("create_link") else "")
    link_en = options.get("meeting_link") or ("please create a link" if options.get("create_link") else "")
    lines_id = [
        f"{start:%d-%m-%Y %H.%M}–{end:%H.%M} {start.tzname()}"
        + (f", {count} pekan berturut-turut" if count > 1 else ""),
        f"{req.place} · {platform[0]} {link_id}".strip(),
        f"Narahubung: {options.get('contact', '')} {options.get('phone', '')}".strip(),
        f"Peserta: {options.get('participants', '')} {options.get('participants_who', '')}".strip(),
        "Peralatan: " + (", ".join(e[0] for e in equipment) or "—"),
        f"Surat: {options.get('letter_number', '')} ({options.get('letter_date', '')})",
    ]
    lines_en = [
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} {start.tzname()}" + (f", {count} weeks running" if count > 1 else ""),
        f"{req.place} · {platform[1]} {link_en}".strip(),
        f"Contact: {options.get('contact', '')} {options.get('phone', '')}".strip(),
        f"Participants: {options.get('participants', '')} {options.get('participants_who', '')}".strip(),
        "Equipment: " + (", ".join(e[1] for e in equipment) or "—"),
        f"Letter: {options.get('letter_number', '')} ({options.get('letter_date', '')})",
    ]
    # each line in the reader's language (the part's notes), the first two as the channel's note
    part = PreviewPart(
        title=item.title, media=tuple(letter), note_id=" · ".join(lines_id[2:]), note_en=" · ".join(lines_en[2:])
    )
    return Preview(parts=(part,), note_id=" · ".join(lines_id[:2]), note_en=" · ".join(lines_en[:2]))
