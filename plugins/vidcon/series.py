"""Recurring bookings: a weekly series (a coordination meeting) is one request with ``repeat_weeks``
(2–12 meetings, the same weekday, time and room).

Each meeting is its own publication (``publication_targets`` returns one target per date, the
ISO date) and so its own booking: confirmed, cancelled, moved and reported one by one. Before
submission every meeting is checked, and a problem of a later meeting names its date. The
workflow's steps span the series: ``item_dates`` gives the first meeting's start and the last
one's end; "run and report" closes when every meeting still standing is reported.
"""

from __future__ import annotations

import datetime as dt

from hub.sdk import Problem

MAX_REPEAT = 12
#: the rules checked again for the later meetings of a series (the rest is the same for all)
PER_MEETING = {"vidcon.service_hours", "vidcon.room_taken", "vidcon.in_past", "vidcon.min_notice"}


def repeat_count(options: dict) -> int:
    try:
        return max(1, int(str(options.get("repeat_weeks") or "1").strip()))
    except ValueError:
        return 1


def repeat_problem(options: dict) -> list[Problem]:
    raw = str(options.get("repeat_weeks") or "").strip()
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= MAX_REPEAT):
        return [
            Problem(
                "vidcon",
                "vidcon.repeat_weeks",
                "vidcon.repeat_range",
                f"Jumlah pertemuan mingguan harus 1 sampai {MAX_REPEAT}.",
                f"The number of weekly meetings must be 1 to {MAX_REPEAT}.",
            )
        ]
    return []


def meeting_dates(options: dict) -> list[str]:
    """The ISO dates of the series' meetings (one for a single meeting; [] when the date is unreadable)."""
    try:
        first = dt.date.fromisoformat(str(options.get("date") or ""))
    except ValueError:
        return []
    count = min(repeat_count(options), MAX_REPEAT)
    return [(first + dt.timedelta(weeks=n)).isoformat() for n in range(count)]


def on_date(options: dict, day: str) -> dict:
    return {**options, "date": day}


def validate(item, options: dict, phase: str) -> list[Problem]:
    from hub_vidcon.booking import check_request, parse_request

    problems = repeat_problem(options)
    req, found = parse_request(options)
    if req is None:
        return problems + found
    problems += check_request(req, phase=phase, exclude_item_id=item.id, item=item)
    for day in meeting_dates(options)[1:] if not repeat_problem(options) else []:
        later, _found = parse_request(on_date(options, day))
        if later is None:
            continue
        for p in check_request(later, phase=phase, exclude_item_id=item.id):
            if p.rule in PER_MEETING:
                problems.append(
                    Problem(p.channel, p.field, p.rule, f"{day}: {p.message_id}", f"{day}: {p.message_en}", p.severity)
                )
    return problems
