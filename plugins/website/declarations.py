"""What the website plugin brings besides its channels: the website admin role, the PPID and atasan
PPID roles with their permissions, the PPID document
kind and its workflow templates (``workflows/``: SOP 001 website and social media, SOP 002 DIP,
and the Kalbar office's website and social media SOP)."""

from __future__ import annotations

from pathlib import Path

from hub.sdk import CHANNEL_ADMIN_PERMISSIONS, ItemKind, Permission, Role

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
    # UU 14/2008: the PPID answers requests for public information; its superior answers objections
    Role(
        "ppid",
        "PPID",
        "Information Officer (PPID)",
        "Pejabat Pengelola Informasi dan Dokumentasi: mencatat dan menjawab permohonan informasi publik.",
        "Public information and documentation officer: registers and answers information requests.",
        permissions=("website.ppid_requests", "report.view"),
    ),
    Role(
        "atasan_ppid",
        "Atasan PPID",
        "PPID's Superior",
        "Menjawab keberatan atas layanan informasi publik (UU 14/2008 Pasal 35-36).",
        "Answers objections to the public information service (UU 14/2008 Art. 35-36).",
        permissions=("website.ppid_requests", "website.ppid_objections", "report.view"),
    ),
]

PERMISSIONS = [
    Permission(
        "website.ppid_requests",
        "Mengelola register permohonan informasi publik",
        "Manage the register of information requests",
    ),
    Permission(
        "website.ppid_objections",
        "Menjawab keberatan informasi publik",
        "Answer public-information objections",
    ),
]

ITEM_KINDS = [ItemKind("ppid_document", "Dokumen informasi publik (PPID)", "Public-information document (PPID)")]


def workflow_templates() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yaml"))
