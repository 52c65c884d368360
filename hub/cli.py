"""The ``hub`` command line.

``main()`` builds the app once (a bad setting stops here with one line naming
it), builds the click group, lets plugins add their commands, and runs the
command inside the app's context.
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from hub.exceptions import ConfigError, HubError


@click.group(help="Hub publikasi / The publishing hub.")
def cli() -> None:
    pass


# --- db ---------------------------------------------------------------------------------------


@cli.group(help="Basis data / Database.")
def db() -> None:
    pass


@db.command("upgrade", help="Terapkan migrasi / Apply all migrations (core and plugins).")
def db_upgrade() -> None:
    from hub.config import validate_connections
    from hub.migrate import upgrade

    app = current_app._get_current_object()
    validate_connections(app)
    upgrade(app)
    click.echo("Basis data mutakhir / Database is up to date.")


@db.command("current", help="Revisi yang terpasang / Show applied revisions.")
def db_current() -> None:
    from hub.migrate import current_heads, script_heads

    app = current_app._get_current_object()
    applied, wanted = current_heads(app), script_heads(app)
    click.echo(f"applied: {', '.join(sorted(applied)) or '-'}")
    click.echo(f"latest:  {', '.join(sorted(wanted))}")
    if applied != wanted:
        click.echo("Jalankan `hub db upgrade` / Run `hub db upgrade`.")
        sys.exit(1)


# --- plugins -------------------------------------------------------------------------------------


@cli.command("plugins", help="Daftar plugin / List installed plugins and their channels.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def plugins_cmd(as_json: bool) -> None:
    from hub.plugins import plugins

    registry = plugins()
    rows = [
        {
            "name": info.name,
            "version": info.version,
            "distribution": info.distribution,
            "channels": [c.name for c in info.channels],
        }
        for info in sorted(registry.info.values(), key=lambda i: i.name)
    ]
    if as_json:
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        channels = ", ".join(row["channels"]) or "-"
        click.echo(f"{row['name']:<14} {row['version'] or '-':<10} channels: {channels}")


# --- worker and up ---------------------------------------------------------------------------------


@cli.command("worker", help="Jalankan pekerja latar / Run a background worker (RQ, with scheduler).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", default=None, help="Worker name (default: host and pid).")
@click.option(
    "--fork-every-job",
    is_flag=True,
    default=None,
    help="Fork a work-horse for every job, also the dispatch jobs that otherwise run in the worker's process "
    "(default: HUB_WORKER_FORK_EVERY_JOB, else false).",
)
def worker_cmd(burst: bool, name: str | None, fork_every_job: bool | None) -> None:
    from hub.config import validate_connections
    from hub.jobs import run_worker

    app = current_app._get_current_object()
    validate_connections(app)
    run_worker(app, burst=burst, name=name, fork_every_job=fork_every_job)


@cli.command("up", help="Jalankan semuanya / Start everything: migrations, Redis, worker, web server.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Load demo data (offices, users, screens).")
@click.option("--workers", default=1, show_default=True, type=int, help="Background workers to start.")
@click.option("--web-workers", default=1, show_default=True, type=int, help="Web server processes (8 threads each).")
def up_cmd(host: str, port: int, demo: bool, workers: int, web_workers: int) -> None:
    from hub.up import run_up

    run_up(
        current_app._get_current_object(),
        host=host,
        port=port,
        demo=demo,
        workers=workers,
        web_workers=web_workers,
    )


@cli.command("web", help="Jalankan server web / Serve the web app with gunicorn (what `hub up` starts).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Web server processes.")
def web_cmd(host: str, port: int, workers: int) -> None:
    from hub.config import validate_connections
    from hub.up import serve

    app = current_app._get_current_object()
    validate_connections(app)
    serve(app, host=host, port=port, workers=workers)


def build_cli(app: Flask) -> click.Group:
    """The ``hub`` group with the plugins' commands added (once per app)."""
    if not app.extensions.get("hub.cli_built"):
        from hub.auth.cli import register_commands as auth_commands
        from hub.plugins import plugins

        auth_commands(cli)  # hub user …, hub audit …

        from hub.dispatch.cli import register_commands as dispatch_commands

        dispatch_commands(cli)  # hub dispatch status, hub dispatch reconcile

        from hub.media.cli import register_commands as media_commands

        media_commands(cli)  # hub media retention

        plugins(app).hook.register_commands(cli=cli)
        app.extensions["hub.cli_built"] = True
    return cli


def _configure_logging() -> None:
    import logging
    import os

    logging.basicConfig(
        level=os.environ.get("HUB_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("alembic", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> None:
    from hub.app import create_app

    _configure_logging()

    try:
        app = create_app()
    except ConfigError as exc:
        click.echo(f"hub: pengaturan salah / bad setting: {exc}", err=True)
        sys.exit(2)
    group = build_cli(app)
    with app.app_context():
        try:
            group.main(args=argv, prog_name="hub", standalone_mode=True)
        except ConfigError as exc:
            click.echo(f"hub: pengaturan salah / bad setting: {exc}", err=True)
            sys.exit(2)
        except HubError as exc:
            click.echo(f"hub: {exc}", err=True)
            sys.exit(1)
