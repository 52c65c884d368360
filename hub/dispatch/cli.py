"""``hub dispatch …``: look at the outbox and run the reconciler by hand."""

from __future__ import annotations

import click

from hub.extensions import db
from hub.models import Publication


@click.group("dispatch", help="Publikasi ke kanal / Publications to channels.")
def dispatch_cli() -> None:
    pass


@dispatch_cli.command("status", help="Jumlah publikasi per status / Publications per status.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON: {status: count}.")
def status_cmd(as_json: bool) -> None:
    rows = db.session.execute(
        db.select(Publication.status, db.func.count()).group_by(Publication.status).order_by(Publication.status)
    ).all()
    if as_json:
        import json

        click.echo(json.dumps({status: count for status, count in rows}, indent=2))
        return
    for status, count in rows:
        click.echo(f"{status:<16} {count}")
    if not rows:
        click.echo("Belum ada publikasi / no publications yet.")


@dispatch_cli.command(
    "reconcile", help="Satu putaran rekonsiliasi / One reconciler pass (relay, lost jobs, dead workers)."
)
def reconcile_cmd() -> None:
    from hub.dispatch.reconcile import run_pass

    report = run_pass()
    click.echo(
        f"relayed {len(report.relayed)}, re-enqueued {len(report.requeued)}, "
        f"recovered {len(report.recovered)}, needs attention {len(report.needs_attention)}, "
        f"unpublish {len(report.unpublish)}"
    )


def register_commands(cli: click.Group) -> None:
    cli.add_command(dispatch_cli)
