"""``hub videotron …``: screens and their player links, the silence check, the recap as CSV."""

from __future__ import annotations

import datetime as dt

import click
from hub_videotron.config import now, office_zone
from hub_videotron.models import Screen

from hub.sdk import HubError, db


def _screen(code: str) -> Screen:
    screen = db.session.scalar(db.select(Screen).where(Screen.code == code))
    if screen is None:
        raise HubError(f"layar {code!r} tidak ada / no screen {code!r}; see `hub videotron screens`")
    return screen


@click.group(help="Layar videotron / Videotron screens.")
def videotron() -> None:
    pass


@videotron.command("screens", help="Daftar layar dan statusnya / List screens and their state.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def screens_cmd(as_json: bool) -> None:
    from hub_videotron.screens import has_live_token, is_online

    at = now()
    rows = []
    for s in db.session.scalars(db.select(Screen).order_by(Screen.code)):
        state = "online" if is_online(s, at) else "offline"
        if not s.active:
            state = "inactive"
        seen = s.last_seen_at.isoformat(timespec="seconds") if s.last_seen_at else "-"
        link = "link" if has_live_token(s) else "no-link"
        rows.append(
            {
                "code": s.code,
                "name": s.name,
                "city": s.city,
                "state": state,
                "has_player_link": link == "link",
                "last_seen_at": None if s.last_seen_at is None else s.last_seen_at.isoformat(timespec="seconds"),
            }
        )
        if as_json:
            continue
        click.echo(f"{s.code:<32} {state:<8} {link:<7} last seen {seen}  {s.name} ({s.city})")
    if as_json:
        import json

        click.echo(json.dumps(rows, indent=2))


@videotron.command("link", help="Buat tautan pemutar baru (yang lama dicabut) / New player link (revokes the old one).")
@click.argument("code")
def link_cmd(code: str) -> None:
    from hub_videotron.screens import issue_token, player_url

    from hub.sdk import record_audit

    screen = _screen(code)
    token = issue_token(screen)
    record_audit("videotron.secret_issued", actor=None, target_type="videotron_screen", target_id=screen.id)
    db.session.commit()
    click.echo(player_url(token))


@videotron.command("revoke", help="Cabut tautan pemutar / Revoke the screen's player link.")
@click.argument("code")
def revoke_cmd(code: str) -> None:
    from hub_videotron.screens import revoke_tokens

    from hub.sdk import record_audit

    screen = _screen(code)
    count = revoke_tokens(screen)
    record_audit("videotron.secret_revoked", actor=None, target_type="videotron_screen", target_id=screen.id)
    db.session.commit()
    click.echo(f"{count} tautan dicabut / link(s) revoked")


@videotron.command("check", help="Periksa layar yang diam sekarang / Check for silent screens now.")
def check_cmd() -> None:
    from hub_videotron.monitor import check_screens

    for incident in check_screens():
        click.echo(f"{incident.screen.code}: {incident.title_in('id')}")


@videotron.command("recap", help="Rekap tayangan sebagai CSV / The play recap as CSV.")
@click.option("--week", "week", default=None, help="Any day of the week (YYYY-MM-DD).")
@click.option("--month", "month", default=None, help="The month (YYYY-MM).")
def recap_cmd(week: str | None, month: str | None) -> None:
    from hub_videotron.recap import month_of, recap_csv, week_of

    try:
        if month:
            first, last = month_of(dt.date.fromisoformat(f"{month}-01"))
        else:
            first, last = week_of(dt.date.fromisoformat(week) if week else now().astimezone(office_zone()).date())
    except ValueError as exc:
        raise click.BadParameter("use --week YYYY-MM-DD or --month YYYY-MM") from exc
    zone = office_zone()
    start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    click.echo(recap_csv(start, end), nl=False)
