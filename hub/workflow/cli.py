"""``hub workflow …`` commands (added through the hub's own ``register_commands`` hook)."""

from __future__ import annotations

import click

from hub import hookimpl


@click.group("workflow", help="Alur kerja / Workflows: templates, overdue checks, export.")
def workflow_cli() -> None:
    pass


@workflow_cli.command("load-templates", help="Muat templat SOP / Load the bundled and plugins' workflow templates.")
def load_templates_cmd() -> None:
    from hub.workflow.loader import load_templates

    for code, outcome in sorted(load_templates().items()):
        click.echo(f"{code:<28} {outcome}")


@workflow_cli.command("check-overdue", help="Tandai langkah terlambat / Flag and notify overdue steps (for cron).")
def check_overdue_cmd() -> None:
    from hub.workflow.overdue import check_overdue

    flagged = check_overdue()
    click.echo(f"{len(flagged)} langkah terlambat ditandai / overdue steps flagged")


@workflow_cli.command("list", help="Daftar alur kerja / List workflows.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def list_cmd(as_json: bool) -> None:
    from hub.workflow.store import list_workflows

    workflows = list_workflows()
    if as_json:
        import json

        rows = [
            {
                "code": w.code,
                "version": w.latest_version,
                "active": bool(w.is_active),
                "name_id": w.name_id,
                "name_en": w.name_en,
                "source": w.source,
            }
            for w in workflows
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for w in workflows:
        click.echo(f"{w.code:<28} v{w.latest_version:<3} {'active' if w.is_active else 'off':<7} {w.name_en}")


@workflow_cli.command("export", help="Ekspor YAML / Print a workflow as YAML.")
@click.argument("code")
@click.option("--version", type=int, default=None)
def export_cmd(code: str, version: int | None) -> None:
    from hub.workflow.store import export_yaml, get_workflow

    workflow = get_workflow(code)
    if workflow is None:
        raise click.ClickException(f"no workflow {code!r}")
    click.echo(export_yaml(workflow, version), nl=False)


@workflow_cli.command("import", help="Impor YAML / Store a YAML definition as a new workflow or version.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--note", default="")
def import_cmd(path: str, note: str) -> None:
    from pathlib import Path

    from hub.extensions import db
    from hub.workflow.document import from_yaml
    from hub.workflow.store import save_definition

    workflow, version, created = save_definition(from_yaml(Path(path).read_text(encoding="utf-8")), note=note)
    db.session.commit()
    click.echo(f"{workflow.code} v{version.number} {'stored' if created else 'unchanged'}")


@hookimpl
def register_commands(cli):
    if "workflow" not in cli.commands:
        cli.add_command(workflow_cli)
