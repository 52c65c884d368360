"""The legal clock of UU 14/2008 on the office's working calendar (hours, holidays, time zone).

Days are counted in working days of the operator office's calendar (``/admin/calendar``):

* a request counts as received on the day it arrives when that is a working day and it arrives
  before closing time; otherwise on the next working day (the next opening);
* the n-th working day after that day is the due day; the answer is due by the end of its
  working hours (its closing time, e.g. 16:00 WIB, 16:30 on Fridays);
* an extension adds working days to the current due day, the same way;
* an objection is late when filed after the end of the 30th working day after its reason arose
  (the answer, or the due time passing without one).
"""

from __future__ import annotations

import datetime as dt

from hub.sdk import Organisation, calendar_for, db


def office() -> Organisation | None:
    """The office whose calendar counts: the operator (the hub's own office), else the hub's defaults."""
    return db.session.execute(
        db.select(Organisation).where(Organisation.kind == "operator").order_by(Organisation.id).limit(1)
    ).scalar()


def calendar():
    return calendar_for(office())


def day_of(cal, moment: dt.datetime) -> dt.date:
    """The working day on which something arriving at ``moment`` counts as received."""
    return cal.next_opening(moment).date()


def working_day_after(cal, day: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``day``."""
    for _ in range(days):
        day += dt.timedelta(days=1)
        for _guard in range(3700):
            if cal.is_working_day(day):
                break
            day += dt.timedelta(days=1)
    return day


def end_of(cal, day: dt.date) -> dt.datetime:
    """Closing time of a working day, aware UTC."""
    return cal.intervals(day)[-1][1].astimezone(dt.UTC)


def due_after(moment: dt.datetime, days: int, cal=None) -> dt.datetime:
    """End of the ``days``-th working day after the day ``moment`` counts on."""
    cal = cal or calendar()
    return end_of(cal, working_day_after(cal, day_of(cal, moment), days))


def extend(due: dt.datetime, days: int, cal=None) -> dt.datetime:
    """The due time moved by ``days`` working days (from the due day itself)."""
    cal = cal or calendar()
    local = due.astimezone(cal.tz).date()
    return end_of(cal, working_day_after(cal, local, days))


def working_days_between(start: dt.datetime, end: dt.datetime, cal=None) -> int:
    """Working days from the day ``start`` counts on to the day of ``end`` (0: the same day)."""
    cal = cal or calendar()
    first = day_of(cal, start)
    last = end.astimezone(cal.tz).date()
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count


def local_day(moment: dt.datetime, cal=None) -> dt.date:
    cal = cal or calendar()
    return moment.astimezone(cal.tz).date()
