"""The roles the SOPs name, as stable codes.

Workflow steps, permissions and user accounts refer to roles by these codes.
Each organisation may show a role under its own title (``Organisation.role_titles``);
the code never changes. Labels are (Bahasa Indonesia, English).

:data:`ROLES` holds the core's roles and, once an app is built, the roles its plugins
declare (``register_roles``, :func:`install_plugin_roles`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleInfo:
    code: str
    label_id: str
    label_en: str
    description: str
    #: the plugin that declared the role ("" for the core's)
    plugin: str = ""


ROLES: dict[str, RoleInfo] = {
    r.code: r
    for r in [
        RoleInfo("kepala_dinas", "Kepala Dinas", "Head of Agency", "Final approval; responsible for all content."),
        RoleInfo("sekretaris", "Sekretaris", "Secretary", "Reviews and initials memos (SOP 002)."),
        RoleInfo("kepala_bidang", "Kepala Bidang", "Head of Division", "Checks content follows the SOP."),
        RoleInfo("sub_koordinator", "Sub Koordinator", "Sub-coordinator", "Manages content and schedules."),
        RoleInfo("verifikator", "Verifikator", "Verifier", "Checks content against the criteria."),
        RoleInfo("pembuat_konten", "Pembuat Konten", "Content Creator", "Prepares and submits content."),
        RoleInfo(
            "admin_channel",
            "Admin Kanal",
            "Channel Admin",
            "Decides the admin step of, and publishes on, every channel that names no admin role of its own.",
        ),
        RoleInfo("teknisi", "Teknisi (Tim Teknis)", "Technician", "Keeps the channels' equipment running."),
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

#: the admin role of a channel that names none (``Channel.admin_role``'s default)
DEFAULT_CHANNEL_ADMIN_ROLE = "admin_channel"

#: the core's own roles (ROLES before any plugin added to it)
CORE_ROLES: dict[str, RoleInfo] = dict(ROLES)


def install_plugin_roles(roles) -> None:
    """Make :data:`ROLES` the core's roles plus ``roles`` (:class:`hub.declarations.Role`, with ``plugin`` set).

    Called by :func:`hub.plugins.build_plugin_manager` for each app built; the dict is changed in
    place so every module that imported it sees the plugins' roles.
    """
    ROLES.clear()
    ROLES.update(CORE_ROLES)
    for role in roles:
        ROLES[role.code] = RoleInfo(
            role.code, role.label_id, role.label_en, role.description_en or role.description_id, plugin=role.plugin
        )


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
