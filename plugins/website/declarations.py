"""What the website plugin brings besides its channels: the website admin role, the PPID document
kind and its workflow templates (``workflows/``: SOP 001 website and social media, SOP 002 DIP,
and the Kalbar office's website and social media SOP)."""

from __future__ import annotations

from pathlib import Path

from hub.sdk import CHANNEL_ADMIN_PERMISSIONS, ItemKind, Role

WORKFLOWS = Path(__file__).parent / "workflows"

ROLES = [
    Role(
        "admin_website",
        "Admin Website",
        "Website Admin",
        "Menerbitkan konten website/PPID yang disetujui.",
        "Publishes approved website/PPID content.",
        permissions=CHANNEL_ADMIN_PERMISSIONS,
    ),
]

ITEM_KINDS = [ItemKind("ppid_document", "Dokumen informasi publik (PPID)", "Public-information document (PPID)")]


def workflow_templates() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yaml"))
