"""``hub media …`` commands."""

from __future__ import annotations

import click


@click.group("media", help="Media / Media files.")
def media_group() -> None:
    pass


@media_group.command(
    "retention", help="Hapus berkas yang lewat masa simpan / Delete files past their retention period."
)
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def retention_cmd(dry_run: bool) -> None:
    from hub.media.retention import run_retention

    report = run_retention(dry_run=dry_run)
    verb = "akan dihapus / would be deleted" if dry_run else "dihapus / deleted"
    for asset_id, reason in report.deleted:
        click.echo(f"media #{asset_id}: {verb} ({reason})")
    click.echo(
        f"{len(report.deleted)} media {verb}; {report.freed_bytes} bytes; "
        f"{report.incoming_removed} unfinished uploads removed; {report.kept} kept."
    )


def register_commands(cli: click.Group) -> None:
    cli.add_command(media_group)
