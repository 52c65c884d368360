"""The ``hub`` command line.

``main()`` builds the app once (a bad setting stops here with one line naming
it), builds the click group, lets plugins add their commands, and runs the
command inside the app's context.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from hub.exceptions import ConfigError, HubError, PluginError

if TYPE_CHECKING:
    from flask import Flask


def _current_app() -> Flask:
    from flask import current_app

    return current_app._get_current_object()


def version_line() -> str:
    from hub import __version__
    from hub.sdk import HUB_SDK_VERSION

    return f"hub {__version__} (plugin API {HUB_SDK_VERSION}, Python {sys.version.split()[0]})"


def _print_version(ctx, _param, value) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_line())
        ctx.exit()


@click.group(help="Hub publikasi / The publishing hub.")
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
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

    app = _current_app()
    validate_connections(app)
    upgrade(app)
    click.echo("Basis data mutakhir / Database is up to date.")


@db.command("current", help="Revisi yang terpasang / Show applied revisions.")
def db_current() -> None:
    from hub.migrate import current_heads, script_heads

    app = _current_app()
    applied, wanted = current_heads(app), script_heads(app)
    click.echo(f"applied: {', '.join(sorted(applied)) or '-'}")
    click.echo(f"latest:  {', '.join(sorted(wanted))}")
    if applied != wanted:
        click.echo("Jalankan `hub db upgrade` / Run `hub db upgrade`.")
        sys.exit(1)


# --- the API document ------------------------------------------------------------------------------


@cli.command("openapi", help="Dokumen OpenAPI / Print the OpenAPI 3.1 document of the JSON API (as /api/openapi.json).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write it to this file.")
def openapi_cmd(output: str | None) -> None:
    import json

    from hub.api.openapi import cached_spec

    text = json.dumps(cached_spec(_current_app()), indent=2, ensure_ascii=False, sort_keys=True)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        click.echo(f"{output}: {text.count('operationId')} operasi / operations")
        return
    click.echo(text)


# --- plugins -------------------------------------------------------------------------------------


@cli.command("plugins", help="Daftar plugin / List installed plugins and their channels.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def plugins_cmd(as_json: bool) -> None:
    from hub.plugins import plugins

    registry = plugins()
    unassigned = _unassigned_channels(list(registry.channels))
    rows = [
        {
            "name": info.name,
            "version": info.version,
            "distribution": info.distribution,
            "channels": [c.name for c in info.channels],
            # None: unknown (the database is not ready)
            "channels_without_workflow": None
            if unassigned is None
            else [c.name for c in info.channels if c.name in unassigned],
        }
        for info in sorted(registry.info.values(), key=lambda i: i.name)
    ]
    if as_json:
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        channels = ", ".join(row["channels"]) or "-"
        dist = f"[{row['distribution']}]" if row["distribution"] else "-"
        click.echo(f"{row['name']:<14} {row['version'] or '-':<10} {dist:<24} channels: {channels}")
    if unassigned is None:
        click.echo(
            "Penugasan alur kerja tidak dapat dibaca (basis data belum siap: hub db upgrade). / "
            "Workflow assignments could not be read (database not ready: hub db upgrade)."
        )
    elif unassigned:
        names = ", ".join(unassigned)
        click.echo(
            f"Kanal tanpa alur kerja: {names}; kontennya ditolak saat diajukan (422 no_workflow). "
            "Tetapkan alur kerja di /admin/workflows. / "
            f"Channels without a workflow: {names}; their items are refused at submission (422 no_workflow). "
            "Assign a workflow at /admin/workflows."
        )


def _unassigned_channels(names: list[str]) -> list[str] | None:
    """The channels without a workflow assignment; None when the database cannot be read or holds
    no workflow yet (`hub db upgrade` loads the templates)."""
    from sqlalchemy.exc import SQLAlchemyError

    from hub.extensions import db
    from hub.workflow.models import Workflow
    from hub.workflow.selection import unassigned_channels

    try:
        if db.session.execute(db.select(Workflow.id).limit(1)).first() is None:
            return None
        return unassigned_channels(names, load_templates=False)
    except SQLAlchemyError:
        db.session.rollback()
        return None


@cli.group("plugin", help="Membuat plugin / Write plugins.")
def plugin_group() -> None:
    pass


@plugin_group.command("new", help="Buat paket plugin baru / Write a new plugin package (hub-NAME) to start from.")
@click.argument("name")
@click.option("--dir", "parent", default=".", show_default=True, help="Folder the package is written in.")
def plugin_new(name: str, parent: str) -> None:
    from pathlib import Path

    from hub.scaffold import new_plugin

    root = new_plugin(name, Path(parent))
    click.echo(f"Plugin ditulis di / Plugin written in {root}")
    click.echo(f"  pip install -e {root} && cd {root} && pytest")


# --- backup and restore ------------------------------------------------------------------------------


@cli.command(
    "backup", help="Cadangkan / Write one archive: database, media, installation id, keys (see docs/operations.md)."
)
@click.argument("archive", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--check",
    "check_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Verify ARCHIVE instead: checksums and the database dump.",
)
@click.option(
    "--without-keys",
    is_flag=True,
    help="Leave the keys out (keep them elsewhere: without them credentials do not decrypt).",
)
@click.option(
    "--media-manifest", is_flag=True, help="Media on shared storage: list their checksums instead of copying them."
)
@click.option(
    "--keep", type=int, default=None, help="Archives to keep in HUB_BACKUP_DIR (default HUB_BACKUP_KEEP; 0 keeps all)."
)
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def backup_cmd(archive, check_path, without_keys, media_manifest, keep, as_json) -> None:
    import json
    from pathlib import Path

    from hub import backup

    if check_path:
        result = backup.check_archive(Path(check_path))
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "ok": result.ok,
                        "problems": result.problems,
                        "warnings": result.warnings,
                        "manifest": {k: v for k, v in result.manifest.items() if k != "members"},
                    },
                    indent=2,
                )
            )
        else:
            for warning in result.warnings:
                click.echo(f"warning: {warning}", err=True)
            for problem in result.problems:
                click.echo(f"problem: {problem}", err=True)
            if result.ok:
                m = result.manifest
                click.echo(
                    f"Arsip baik / Archive OK: hub {m['hub_version']}, {m['database']['kind']}, "
                    f"installation {m['installation_id']}, {len(m['media']['files'])} media files, "
                    f"made {m['created_at']}"
                )
        sys.exit(0 if result.ok else 1)
    app = _current_app()
    if without_keys:
        click.echo(f"warning: {backup._WITHOUT_KEYS_WARNING}", err=True)
    in_backup_dir = archive is None
    dest = Path(archive) if archive else backup.default_archive_path(app)
    manifest = backup.create_backup(app, dest, with_keys=not without_keys, include_media=not media_manifest)
    removed = backup.prune(app, keep) if in_backup_dir else []
    if as_json:
        click.echo(
            json.dumps(
                {
                    "archive": str(dest),
                    "size": dest.stat().st_size,
                    "removed": [str(p) for p in removed],
                    "installation_id": manifest["installation_id"],
                },
                indent=2,
            )
        )
        return
    click.echo(
        f"Cadangan ditulis / Backup written: {dest} ({dest.stat().st_size} bytes, "
        f"{len(manifest['media']['files'])} media files)"
    )
    for path in removed:
        click.echo(f"  removed (retention): {path}")


@cli.command("restore", help="Pulihkan / Restore an archive of `hub backup` into this empty instance.")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_cmd(archive) -> None:
    from pathlib import Path

    from hub import backup

    outcome = backup.restore_backup(_current_app(), Path(archive))
    for warning in outcome["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    for path in outcome["keys_written"]:
        click.echo(f"  keys written: {path}")
    m = outcome["manifest"]
    click.echo(
        f"Dipulihkan / Restored: installation {m['installation_id']}, hub {m['hub_version']}, "
        f"made {m['created_at']}. Next: hub db upgrade, then hub audit verify."
    )


# --- keys ------------------------------------------------------------------------------------------


@cli.group("keys", help="Kunci enkripsi / Encryption keys: rotation (docs/operations.md).")
def keys_group() -> None:
    pass


@keys_group.command(
    "encryption-key",
    help="Cetak kunci enkripsi yang berlaku / Print the encryption key in force "
    "(derived from HUB_SECRET_KEY when HUB_ENCRYPTION_KEY is unset).",
)
def keys_encryption_key() -> None:
    from hub.crypto import current_key

    click.echo(current_key().decode())


@keys_group.command("new", help="Buat kunci Fernet baru / Print a new random Fernet key (for HUB_ENCRYPTION_KEY).")
def keys_new() -> None:
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@keys_group.command(
    "reencrypt",
    help="Enkripsi ulang / Rewrite every stored secret under HUB_ENCRYPTION_KEY "
    "(the old keys listed in HUB_ENCRYPTION_OLD_KEYS decrypt).",
)
def keys_reencrypt() -> None:
    from hub import audit
    from hub.crypto import reencrypt_all
    from hub.extensions import db

    counts = reencrypt_all()
    audit.record("keys.reencrypted", actor=None, details={"rows": counts})
    db.session.commit()
    for table, n in counts.items():
        click.echo(f"{table:<20} {n} re-encrypted")
    click.echo("Selesai / Done: HUB_ENCRYPTION_OLD_KEYS can now be emptied.")


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

    app = _current_app()
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
        _current_app(),
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
    """Run by :func:`main` without an app of its own: with several web workers the app is built
    here, in gunicorn's master, and forked into them (``preload_app``, shared pages); with one, in
    that worker only: a copy in a master that serves nothing would only cost memory (the master
    then imports neither the app nor Flask)."""
    from hub.config import validate_connections
    from hub.up import serve

    if workers > 1:
        app = _guarded(_build_app)
        with app.app_context():
            _guarded(lambda: validate_connections(app))
            serve(app, host=host, port=port, workers=workers)
    else:
        # this master imports no Flask: a bad setting stops the worker, which says which one
        serve(None, host=host, port=port, workers=workers)


def _build_app() -> Flask:
    from hub.app import create_app

    return create_app()


def _guarded(fn):
    """``fn()``; a bad setting or an unusable service ends the command with one line saying why."""
    try:
        return fn()
    except ConfigError as exc:
        click.echo(f"hub: pengaturan salah / bad setting: {exc}", err=True)
        sys.exit(2)
    except PluginError as exc:  # a broken or incompatible plugin: one line naming it, no traceback
        click.echo(f"hub: {exc}", err=True)
        sys.exit(2)
    except HubError as exc:
        click.echo(f"hub: {exc}", err=True)
        sys.exit(1)


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
    from hub.logging_setup import configure

    configure()  # one format (HUB_LOG_FORMAT text or json), request ids, secrets redacted


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["--version"]:  # needs no app: answers even with a bad setting
        click.echo(version_line())
        return
    _configure_logging()
    if args[:1] == ["web"]:
        # the web server decides where its app is built (see web_cmd): not here
        web_cmd.main(args=args[1:], prog_name="hub web", standalone_mode=True)
        return

    app = _guarded(_build_app)
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
