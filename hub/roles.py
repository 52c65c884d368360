"""The roles the SOPs name, as stable codes.

Workflow steps, permissions and user accounts refer to roles by these codes.
Each organisation may show a role under its own title (``Organisation.role_titles``);
the code never changes. Labels are (Bahasa Indonesia, English).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleInfo:
    code: str
    label_id: str
    label_en: str
    description: str


ROLES: dict[str, RoleInfo] = {
    r.code: r
    for r in [
        RoleInfo("kepala_dinas", "Kepala Dinas", "Head of Agency", "Final approval; responsible for all content."),
        RoleInfo("sekretaris", "Sekretaris", "Secretary", "Reviews and initials memos (SOP 002)."),
        RoleInfo("kepala_bidang", "Kepala Bidang", "Head of Division", "Checks content follows the SOP."),
        RoleInfo("sub_koordinator", "Sub Koordinator", "Sub-coordinator", "Manages content and schedules."),
        RoleInfo("verifikator", "Verifikator", "Verifier", "Checks content against the criteria."),
        RoleInfo("pembuat_konten", "Pembuat Konten", "Content Creator", "Prepares and submits content."),
        RoleInfo("admin_videotron", "Admin Videotron", "Videotron Admin", "Publishes approved videotron content."),
        RoleInfo("admin_website", "Admin Website", "Website Admin", "Publishes approved website/PPID content."),
        RoleInfo("admin_social", "Admin Media Sosial", "Social Media Admin", "Publishes approved social posts."),
        RoleInfo("teknisi", "Teknisi / Tim Teknis", "Technician", "Keeps screens and vidcon equipment running."),
        RoleInfo("pejabat_pengawas", "Pejabat Pengawas", "Supervisory Official", "Verifies facts (SOP 004)."),
        RoleInfo(
            "pejabat_administrator",
            "Pejabat Administrator",
            "Administrator Official",
            "Final review (SOP 004).",
        ),
        RoleInfo("pemohon", "Pemohon", "Requester", "Sends requests from another office (OPD)."),
        RoleInfo(
            "system_admin",
            "Administrator Sistem",
            "System Administrator",
            "Manages users and settings; approves nothing.",
        ),
    ]
}

#: The admin role that publishes each bundled channel family.
CHANNEL_ADMIN_ROLES = ("admin_videotron", "admin_website", "admin_social")


def role_label(code: str, lang: str = "id", *, own_titles: bool = True) -> str:
    """The role's name; in a request, the logged-in person's office's own title for it when the office
    gave one (``Organisation.role_titles``), so each office reads its own words on every page."""
    if own_titles:
        title = _viewer_title(code)
        if title:
            return title
    info = ROLES.get(code)
    if info is None:
        return code
    return info.label_id if lang == "id" else info.label_en


def _viewer_title(code: str) -> str | None:
    from flask import g, has_request_context

    if not has_request_context():
        return None
    try:
        org = getattr(g.get("user"), "organisation", None)
        return (getattr(org, "role_titles", None) or {}).get(code)
    except Exception:  # noqa: BLE001 - a detached or expired user: the standard name will do
        return None
