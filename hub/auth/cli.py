"""Commands: ``hub user create|disable|reset-2fa|list`` and ``hub audit verify``."""

from __future__ import annotations

import sys

import click

from hub.extensions import db


@click.group("audit", help="Jejak audit / The audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Periksa rantai hash / Check the hash chain; exit 1 at the first bad entry.")
@click.option("--head", default=None, help="ID:HASH of an entry noted earlier (detects entries cut off the end).")
def audit_verify(head: str | None) -> None:
    from hub.audit import verify

    expect = None
    if head:
        head_id, _, head_hash = head.partition(":")
        if not head_id.isdigit() or len(head_hash) != 64:
            raise click.BadParameter("expected ID:HASH (the values `hub audit verify` printed)", param_hint="--head")
        expect = (int(head_id), head_hash)
    result = verify(expect_head=expect)
    if not result.ok:
        click.echo(f"GAGAL / FAILED: {result.problem} (after {result.count} good entries)")
        sys.exit(1)
    click.echo(f"OK: {result.count} entries verified")
    if result.head_id:
        click.echo(f"head: {result.head_id}:{result.head_hash}")
    db.session.rollback()


def register_commands(cli: click.Group) -> None:
    cli.add_command(audit_group)
