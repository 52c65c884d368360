"""When an item may be shown: its display window (H-7..H+1 around the event) and its dayparts.

Windows are whole days in the office's time zone: H-7 starts at 00:00 seven days before the
event date, H+1 ends at 24:00 of the day after it. An item's own ``window_start`` /
``window_end`` narrow that; a longer window needs the approver's public-need exception.
Dayparts are time-of-day windows (``[{"start": "06:00", "end": "22:00"}]``) in each screen's
own zone; an entry with none plays all day. A daypart whose end is before its start runs
past midnight ("20:00"–"02:00").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hub_videotron.config import office_zone, setting

from hub.sdk import Item


@dataclass(frozen=True)
class Window:
    start: dt.datetime  # aware UTC, inclusive
    end: dt.datetime  # aware UTC, exclusive

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def default_window(event_date: dt.date, zone: ZoneInfo | None = None) -> Window:
    """H-``days_before`` 00:00 to the end of H+``days_after``, in the office's zone."""
    zone = zone or office_zone()
    first = event_date - dt.timedelta(days=int(setting("days_before")))
    after_last = event_date + dt.timedelta(days=int(setting("days_after")) + 1)
    return Window(
        dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC),
        dt.datetime.combine(after_last, dt.time(), zone).astimezone(dt.UTC),
    )


def display_window(item: Item) -> Window | None:
    """The item's window: its own start/end where set, else the default around its event date.

    None when neither an event date nor a complete window is given.
    """
    default = default_window(item.event_date) if item.event_date else None
    start = item.window_start or (default.start if default else None)
    end = item.window_end or (default.end if default else None)
    if start is None or end is None:
        return None
    return Window(start, end)


def parse_dayparts(raw) -> list[tuple[dt.time, dt.time]]:
    """``[{"start": "06:00", "end": "22:00"}, …]`` -> [(time, time)]; raises ValueError when malformed."""
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list):
        raise ValueError("dayparts must be a list")
    parts = []
    for part in raw:
        if not isinstance(part, dict):
            raise ValueError("each daypart needs start and end")
        start, end = dt.time.fromisoformat(str(part.get("start"))), dt.time.fromisoformat(str(part.get("end")))
        if start == end:
            raise ValueError("a daypart needs a different start and end")
        parts.append((start, end))
    return parts


def in_dayparts(dayparts: list, moment: dt.datetime, zone: ZoneInfo) -> bool:
    """True when ``moment`` (aware) falls in one of ``dayparts`` in ``zone`` (always, without dayparts)."""
    parts = parse_dayparts(dayparts)
    if not parts:
        return True
    local = moment.astimezone(zone).time()
    for start, end in parts:
        if start < end and start <= local < end:
            return True
        if end < start and (local >= start or local < end):  # across midnight
            return True
    return False
