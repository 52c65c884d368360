"""Automated checks before people look, and the SOP content checklist reviewers confirm.

:func:`problems_for` asks every target channel's plugin (``validate_item``) and adds the
hub's own rules (a title, at least one known channel). :func:`require_valid` raises
:class:`~hub.workflow.errors.ChecksFailed` with the problems of severity ``error``; the
pages and the API show each with its field, its rule and what to change.
"""

from __future__ import annotations

from hub.channels import Problem
from hub.models import Item
from hub.workflow.definition import WorkflowDef
from hub.workflow.errors import ChecksFailed, InvalidRequest

PHASES = ("submit", "approve")


def _hub_problems(item: Item, known: set[str]) -> list[Problem]:
    problems = []
    if not (item.title or "").strip():
        problems.append(Problem("hub", "title", "item.title_required", "Judul wajib diisi.", "A title is required."))
    if not item.channels:
        problems.append(
            Problem(
                "hub",
                "channels",
                "item.channel_required",
                "Pilih minimal satu kanal tujuan.",
                "Choose at least one target channel.",
            )
        )
    for name in item.channel_names:
        if name not in known:
            problems.append(
                Problem(
                    name,
                    "channels",
                    "item.channel_unknown",
                    f"Kanal {name!r} tidak terpasang; hapus dari tujuan.",
                    f"Channel {name!r} is not installed; remove it from the targets.",
                )
            )
    return problems


def problems_for(item: Item, phase: str) -> list[Problem]:
    """Every problem the hub and the target channels' plugins find, for ``phase`` ("submit"/"approve")."""
    from hub.plugins import plugins

    registry = plugins()
    problems = _hub_problems(item, set(registry.channels))
    for name in item.channel_names:
        channel = registry.channels.get(name)
        if channel is None:
            continue
        for result in registry.hook.validate_item(item=item, channel=channel, phase=phase):
            problems.extend(result or [])
    return problems


def require_valid(item: Item, phase: str) -> list[Problem]:
    """Raise :class:`ChecksFailed` when any problem is an error; return the warnings."""
    problems = problems_for(item, phase)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ChecksFailed(errors)
    return problems


def require_step_ready(item: Item, step) -> None:
    """Raise :class:`ChecksFailed` when a plugin says the step cannot be completed yet
    (``step_completion_problems``: a report not filed, a trial not recorded…)."""
    from hub.plugins import plugins

    problems = [p for result in plugins().hook.step_completion_problems(item=item, step=step) for p in result or []]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ChecksFailed(errors)


def require_checklist(wf: WorkflowDef, confirmed: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """Raise :class:`InvalidRequest` unless every checklist point is confirmed; return the codes."""
    confirmed = {str(c) for c in confirmed or ()}
    missing = [c for c in wf.checklist if c.code not in confirmed]
    if missing:
        raise InvalidRequest(
            "Konfirmasi semua poin daftar periksa konten sebelum menyetujui: " + "; ".join(c.text_id for c in missing),
            "Confirm every point of the content checklist before approving: " + "; ".join(c.text_en for c in missing),
            field="checklist",
            missing=[c.code for c in missing],
        )
    return [c.code for c in wf.checklist]
