"""The weekly and monthly recap of what played where (SOP 000: the admin's recap), from proof of play.

*Plays* counts showings played to the end; *interrupted* those cut short (an urgent item, an
error, the PC switched off); *minutes* is the time actually shown, both kinds together. The
recap is a hub report (``videotron_recap``: page, PDF and XLSX from the reports framework, any
period, a week included) and a CSV of the screen × item rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from hub_videotron.config import office_zone
from hub_videotron.models import Screen
from hub_videotron.records import PlayRecord
from sqlalchemy import func

from hub.sdk import csv_row, db


@dataclass
class RecapRow:
    screen_id: int
    screen_code: str
    screen: str
    city: str
    item_id: int | None
    item: str
    plays: int = 0
    interrupted: int = 0
    seconds: float = 0.0

    @property
    def minutes(self) -> float:
        return round(self.seconds / 60, 1)


def recap_rows(start: dt.datetime, end: dt.datetime) -> list[RecapRow]:
    """One row per (screen, item) with plays in [start, end) (aware datetimes), by screen then item."""
    grouped = db.session.execute(
        db.select(
            PlayRecord.screen_id,
            PlayRecord.item_id,
            PlayRecord.completed,
            func.max(PlayRecord.item_title),
            func.count(PlayRecord.id),
            func.coalesce(func.sum(PlayRecord.duration), 0.0),
        )
        .where(PlayRecord.started_at >= start, PlayRecord.started_at < end)
        .group_by(PlayRecord.screen_id, PlayRecord.item_id, PlayRecord.completed)
    ).all()
    screens = {s.id: s for s in db.session.scalars(db.select(Screen))}
    rows: dict[tuple[int, int | None], RecapRow] = {}
    for screen_id, item_id, completed, title, count, seconds in grouped:
        screen = screens[screen_id]
        row = rows.setdefault(
            (screen_id, item_id),
            RecapRow(screen_id, screen.code, screen.name, screen.city, item_id, title or ""),
        )
        if completed:
            row.plays += count
        else:
            row.interrupted += count
        row.seconds += float(seconds)
    return sorted(rows.values(), key=lambda r: (r.screen, r.item, r.item_id or 0))


def _totals(rows: list[RecapRow], key) -> list[tuple[object, RecapRow]]:
    totals: dict[object, RecapRow] = {}
    for r in rows:
        k = key(r)
        t = totals.setdefault(k, RecapRow(r.screen_id, r.screen_code, r.screen, r.city, r.item_id, r.item))
        t.plays += r.plays
        t.interrupted += r.interrupted
        t.seconds += r.seconds
    return list(totals.items())


def per_screen(rows: list[RecapRow]) -> list[RecapRow]:
    return sorted((t for _k, t in _totals(rows, lambda r: r.screen_id)), key=lambda t: t.screen)


def per_item(rows: list[RecapRow]) -> list[tuple[RecapRow, int]]:
    """(totals, number of screens) per item, most played first."""
    screens: dict[object, set[int]] = {}
    for r in rows:
        screens.setdefault(r.item_id, set()).add(r.screen_id)
    totals = [(t, len(screens[k])) for k, t in _totals(rows, lambda r: r.item_id)]
    return sorted(totals, key=lambda pair: (-pair[0].plays, pair[0].item))


def build_recap(period, user):
    """The ``videotron_recap`` report for a :class:`hub.reports.base.Period` (any length)."""
    from hub.sdk import Chart, ReportResult, Section

    start, end = period.bounds(office_zone().key)
    rows = recap_rows(start, end)
    screens, items = per_screen(rows), per_item(rows)
    plays, minutes, interrupted = _("Plays"), _("Minutes"), _("Interrupted")
    return ReportResult(
        summary=[
            (plays, sum(r.plays for r in rows)),
            (interrupted, sum(r.interrupted for r in rows)),
            (minutes, round(sum(r.seconds for r in rows) / 60, 1)),
            (_("Screens that played"), len(screens)),
            (_("Items shown"), len(items)),
        ],
        sections=[
            Section(
                _("Per screen"),
                [_("Screen"), _("City/regency"), plays, interrupted, minutes],
                [[s.screen, s.city, s.plays, s.interrupted, s.minutes] for s in screens],
                chart=Chart([s.screen for s in screens], [(plays, [s.plays for s in screens])]),
            ),
            Section(
                _("Per item"),
                [_("Item"), plays, interrupted, minutes, _("Screens")],
                [[t.item, t.plays, t.interrupted, t.minutes, n] for t, n in items],
                chart=Chart([t.item for t, _n in items], [(plays, [t.plays for t, _n in items])]),
            ),
            Section(
                _("Per screen and item"),
                [_("Screen"), _("Item"), plays, interrupted, minutes],
                [[r.screen, r.item, r.plays, r.interrupted, r.minutes] for r in rows],
            ),
        ],
    )


CSV_COLUMNS = ["screen_code", "screen", "city", "item_id", "item", "plays", "interrupted", "minutes"]


def recap_csv(start: dt.datetime, end: dt.datetime) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in recap_rows(start, end):
        # formula starters in any text cell are quoted (hub.spreadsheets)
        writer.writerow(
            csv_row([r.screen_code, r.screen, r.city, r.item_id or "", r.item, r.plays, r.interrupted, r.minutes])
        )
    return out.getvalue()


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday..Sunday of the week holding ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)
