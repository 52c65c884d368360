"""What the videotron adds to the hub's shell: a dashboard panel, health notes, calendar windows
and content-plan report sections."""

from __future__ import annotations

import datetime as dt

from flask import render_template
from flask_babel import gettext as _
from hub_videotron.config import now
from hub_videotron.models import PlaylistEntry, Screen
from hub_videotron.screens import has_live_token, is_online, silent_since

from hub.sdk import Item, db, has_permission


def dashboard_panel(user) -> list:
    if not has_permission(user, "screen.monitor"):
        return []
    from hub_videotron.alerts import ensure_watch
    from hub_videotron.monitor import screen_states

    ensure_watch()  # a dashboard view restarts the silence watch too (e.g. after Redis was emptied)

    from hub.sdk import Panel

    rows = screen_states()
    html = render_template(
        "videotron/_panel.html",
        rows=rows,
        online=sum(1 for r in rows if r["online"]),
        incidents=sum(r["open_incidents"] for r in rows),
    )
    return [Panel("Videotron", "Videotron", html, order=40)]


def health_notes(user) -> list:
    from hub.sdk import HealthNote

    notes = []
    if has_permission(user, "screen.monitor"):
        at = now()
        for screen in db.session.scalars(db.select(Screen).where(Screen.active.is_(True)).order_by(Screen.name)):
            if is_online(screen, at) or not has_live_token(screen):
                continue
            since = silent_since(screen)
            notes.append(
                HealthNote(
                    "videotron",
                    f"Layar {screen.name} tidak melapor sejak {since:%Y-%m-%d %H:%M} UTC.",
                    f"Screen {screen.name} has been silent since {since:%Y-%m-%d %H:%M} UTC.",
                    severity="error" if screen.silence_alerted_at else "warning",
                    url=f"/videotron/screens/{screen.id}",
                )
            )
    if has_permission(user, "content_plan.manage"):
        from hub_videotron.plans import plan_for, quarter_of, today

        year, quarter = quarter_of(today())
        plan = plan_for(year, quarter)
        if plan is None or plan.signed_at is None:
            notes.append(
                HealthNote(
                    "videotron",
                    f"Rencana konten videotron {year} Q{quarter} belum ditandatangani Kepala Bidang (SOP: min. 1× "
                    "per 3 bulan).",
                    f"The videotron content plan for {year} Q{quarter} is not signed by the Head of Division yet "
                    "(SOP: at least once every 3 months).",
                    url="/videotron/plans",
                )
            )
    return notes


def _visible(user):
    if has_permission(user, "item.view_all"):
        return True
    return Item.organisation_id == user.organisation_id


def display_windows(start: dt.datetime, end: dt.datetime, user) -> list:
    """One calendar entry per item on the screens: its display window."""
    from hub.sdk import CalendarEntry

    rows = db.session.execute(
        db.select(Item.id, Item.title, db.func.min(PlaylistEntry.starts_at), db.func.max(PlaylistEntry.ends_at))
        .join(Item, Item.id == PlaylistEntry.item_id)
        .where(PlaylistEntry.removed_at.is_(None), PlaylistEntry.starts_at < end, PlaylistEntry.ends_at > start)
        .where(_visible(user))
        .group_by(Item.id, Item.title)
        .order_by(Item.id)
    ).all()
    return [
        CalendarEntry(
            starts, ends, title, kind="display_window", channel="videotron", url=f"/videotron/items/{item_id}"
        )
        for item_id, title, starts, ends in rows
    ]


def content_plan_sections(period, user) -> list:
    """The signed videotron plans of the period's quarters and the screens' schedule in the period."""
    from hub_videotron.plans import plan_table, quarter_of
    from hub_videotron.records import ContentPlan

    from hub.sdk import Section

    sections = []
    quarters = {quarter_of(period.start), quarter_of(period.end)}
    for year, quarter in sorted(quarters):
        plan = db.session.scalar(db.select(ContentPlan).filter_by(year=year, quarter=quarter))
        if plan is None:
            continue
        table = plan_table(plan)
        section = table.sections[0]
        state = _("signed") if plan.signed_at else _("not signed yet")
        section.title = f"{_('Videotron content plan')} {plan.label} ({state})"
        sections.append(section)
    start, end = period.bounds()
    rows = db.session.execute(
        db.select(Item.title, Screen.name, PlaylistEntry.starts_at, PlaylistEntry.ends_at)
        .join(Item, Item.id == PlaylistEntry.item_id)
        .join(Screen, Screen.id == PlaylistEntry.screen_id)
        .where(PlaylistEntry.removed_at.is_(None), PlaylistEntry.starts_at < end, PlaylistEntry.ends_at > start)
        .where(_visible(user))
        .order_by(PlaylistEntry.starts_at, Item.title, Screen.name)
    ).all()
    sections.append(
        Section(
            _("Screen schedule"),
            [_("Item"), _("Screen"), _("From"), _("Until")],
            [[title, screen, starts, ends] for title, screen, starts, ends in rows],
        )
    )
    return sections


def metric_samples() -> list:
    """``/metrics``: screens online, and each active screen's seconds since its last heartbeat
    (one query; a screen never heard from has no age sample)."""
    from types import SimpleNamespace

    from hub.sdk import MetricSample

    at = now()
    rows = db.session.execute(
        db.select(Screen.code, Screen.last_seen_at).where(Screen.active.is_(True)).order_by(Screen.code)
    ).all()
    online = 0
    samples = []
    for code, seen in rows:
        if is_online(SimpleNamespace(last_seen_at=seen), at):
            online += 1
        if seen is not None:
            samples.append(
                MetricSample(
                    "screen_last_heartbeat_age_seconds",
                    "Seconds since a screen's last heartbeat",
                    max(0.0, (at - seen).total_seconds()),
                    {"screen": code},
                )
            )
    return [
        MetricSample("screens_online", "Active screens whose heartbeat is recent", online),
        MetricSample("screens_active", "Screens in service", len(rows)),
        *samples,
    ]
