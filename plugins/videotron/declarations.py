"""What the videotron plugin brings besides its channel: its admin role, the screen and content-plan
permissions, the item fields of SOP 000 and its two workflow templates (``workflows/``)."""

from __future__ import annotations

from pathlib import Path

from hub.sdk import CHANNEL_ADMIN_PERMISSIONS, ItemField, Permission, Role

WORKFLOWS = Path(__file__).parent / "workflows"

ROLES = [
    Role(
        "admin_videotron",
        "Admin Videotron",
        "Videotron Admin",
        "Menayangkan konten videotron yang disetujui.",
        "Publishes approved videotron content.",
        permissions=(*CHANNEL_ADMIN_PERMISSIONS, "screen.monitor", "screen.manage", "content_plan.manage"),
    ),
]

PERMISSIONS = [
    Permission("screen.monitor", "Memantau layar videotron", "Monitor screens", roles=("teknisi", "system_admin")),
    Permission("screen.manage", "Mengelola layar videotron", "Manage screens", roles=("teknisi", "system_admin")),
    # SOP 000 flow B: the Sub Koordinator prepares the quarterly videotron plan, the Kepala Bidang signs it
    Permission(
        "content_plan.manage",
        "Menyusun rencana konten videotron",
        "Prepare videotron content plans",
        roles=("sub_koordinator",),
    ),
    Permission(
        "content_plan.sign",
        "Menandatangani rencana konten videotron",
        "Sign videotron content plans",
        roles=("kepala_bidang",),
    ),
]

#: production difficulty of in-house content (SOP 000 flow B): picks the production step's time limit
DIFFICULTY = ItemField(
    "difficulty",
    "Tingkat kesulitan produksi (konten internal)",
    "Production difficulty (in-house content)",
    type="choice",
    choices=(
        ("design", "Desain", "Design"),
        ("simple", "Video sederhana", "Simple video"),
        ("medium", "Video menengah", "Medium video"),
        ("hard", "Video sulit", "Hard video"),
    ),
)
#: the approver's marks (hub_videotron.approval), never the creator's to claim
URGENT = ItemField(
    "urgent",
    "Serta-merta (diputar lebih dulu, menyela putaran)",
    "Urgent (serta-merta: plays first, interrupts)",
    type="bool",
    creator_sets=False,
)
PUBLIC_NEED_EXCEPTION = ItemField(
    "public_need_exception",
    "Pengecualian kebutuhan masyarakat (masa tayang boleh melebihi H-7..H+1)",
    "Public-need exception (the window may exceed H-7..H+1)",
    type="bool",
    creator_sets=False,
)
ITEM_FIELDS = [DIFFICULTY, URGENT, PUBLIC_NEED_EXCEPTION]


def workflow_templates() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yaml"))


def urgent(item) -> bool:
    """The approver marked ``item`` serta-merta (``Item.extra["urgent"]``)."""
    return bool((item.extra or {}).get(URGENT.name))


def public_need_exception(item) -> bool:
    """The approver allowed a longer window (``Item.extra["public_need_exception"]``)."""
    return bool((item.extra or {}).get(PUBLIC_NEED_EXCEPTION.name))


def set_mark(item, name: str, value: bool) -> None:
    """Set one mark (a new dict, so the JSON column is written); False removes the key."""
    extra = {k: v for k, v in (item.extra or {}).items() if k != name}
    if value:
        extra[name] = True
    item.extra = extra
