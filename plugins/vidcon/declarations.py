"""What the vidcon plugin brings besides its channel: the booking item kind and its workflow
template (``workflows/``, SOP 003). Its admin is the core's Teknisi."""

from __future__ import annotations

from pathlib import Path

from hub.sdk import ItemKind

WORKFLOWS = Path(__file__).parent / "workflows"

ITEM_KINDS = [ItemKind("vidcon_booking", "Pemesanan video konferensi", "Video-conference booking")]


def workflow_templates() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yaml"))
