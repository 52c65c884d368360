"""Permissions: deny by default, one mechanism.

Every view declares what it needs, with :func:`require` (one or more
permission codes) or :func:`public` (no login: the login page, ``/healthz``,
a screen player with its own secret). A test walks the URL map and fails on any
view without a declaration. Roles map to permissions in :data:`ROLE_PERMISSIONS`,
the one place that says who may do what.
"""

from __future__ import annotations

import functools

from flask import g, redirect, request, url_for

from hub.declarations import CHANNEL_ADMIN_PERMISSIONS
from hub.roles import ROLES

PUBLIC = "public"

#: permission code -> (Bahasa Indonesia, English) description
PERMISSIONS: dict[str, tuple[str, str]] = {
    "item.create": ("Membuat dan mengajukan konten", "Create and submit items"),
    "item.view_own_org": ("Melihat konten kantor sendiri", "See own office's items"),
    "item.view_all": ("Melihat semua konten", "See every office's items"),
    "item.decide": ("Memutuskan langkah persetujuan", "Decide approval steps"),
    "publication.manage": ("Menerbitkan, mencoba ulang, membatalkan", "Publish, retry, cancel, unpublish"),
    "media.upload": ("Mengunggah media", "Upload media"),
    "workflow.manage": ("Mengelola alur kerja", "Manage workflows"),
    "user.manage": ("Mengelola pengguna dan peran", "Manage users and roles"),
    "settings.manage": ("Mengelola pengaturan", "Manage settings"),
    "audit.view": ("Melihat jejak audit", "View the audit trail"),
    "report.view": ("Melihat laporan", "View reports"),
    "account.self": ("Mengelola akun sendiri", "Manage own account"),
}

_APPROVERS = (
    "kepala_dinas",
    "sekretaris",
    "kepala_bidang",
    "sub_koordinator",
    "verifikator",
    "pejabat_pengawas",
    "pejabat_administrator",
)

ROLE_PERMISSIONS: dict[str, set[str]] = {code: {"account.self"} for code in ROLES}
for _code in _APPROVERS:
    ROLE_PERMISSIONS[_code] |= {"item.decide", "item.view_all", "report.view", "item.create", "media.upload"}
ROLE_PERMISSIONS["admin_channel"] |= set(CHANNEL_ADMIN_PERMISSIONS)
ROLE_PERMISSIONS["teknisi"] |= {"item.view_all", "item.decide"}
ROLE_PERMISSIONS["pembuat_konten"] |= {"item.create", "media.upload", "item.view_own_org"}
ROLE_PERMISSIONS["pemohon"] |= {"item.create", "media.upload", "item.view_own_org"}
ROLE_PERMISSIONS["kepala_dinas"] |= {"audit.view"}
# A system administrator manages users and settings but approves nothing (separation of duties).
ROLE_PERMISSIONS["system_admin"] |= {
    "user.manage",
    "settings.manage",
    "workflow.manage",
    "audit.view",
    "report.view",
    "item.view_all",
}

#: the core's own permissions and grants (before any plugin added to them)
CORE_PERMISSIONS: dict[str, tuple[str, str]] = dict(PERMISSIONS)
CORE_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {code: frozenset(p) for code, p in ROLE_PERMISSIONS.items()}


def install_plugin_permissions(roles, permissions) -> None:
    """Make :data:`PERMISSIONS` and :data:`ROLE_PERMISSIONS` the core's plus the plugins' declarations.

    ``roles``: :class:`hub.declarations.Role` (each holds ``account.self`` and its ``permissions``);
    ``permissions``: :class:`hub.declarations.Permission` (granted to their ``roles``). The codes
    are checked by :func:`hub.plugins.build_plugin_manager` first. Changed in place, like ``ROLES``.
    """
    PERMISSIONS.clear()
    PERMISSIONS.update(CORE_PERMISSIONS)
    PERMISSIONS.update({p.code: (p.label_id, p.label_en) for p in permissions})
    ROLE_PERMISSIONS.clear()
    ROLE_PERMISSIONS.update({code: set(p) for code, p in CORE_ROLE_PERMISSIONS.items()})
    for role in roles:
        ROLE_PERMISSIONS[role.code] = {"account.self", *role.permissions}
    for permission in permissions:
        for code in permission.roles:
            ROLE_PERMISSIONS[code].add(permission.code)


def permissions_of(user) -> set[str]:
    if user is None or not user.is_active:
        return set()
    perms: set[str] = set()
    for code in user.role_codes:
        perms |= ROLE_PERMISSIONS.get(code, set())
    return perms


def has_permission(user, *perms: str) -> bool:
    """True when ``user`` holds every permission in ``perms``."""
    return set(perms) <= permissions_of(user)


def roles_with_permission(perm: str) -> set[str]:
    """The codes of the roles that grant ``perm`` (e.g. who to notify about a settings problem)."""
    return {code for code, perms in ROLE_PERMISSIONS.items() if perm in perms}


def public(view):
    """Declare a view open to everyone (no login)."""
    view._hub_permission = PUBLIC
    return view


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def require(*perms: str):
    """Declare that a view needs a logged-in user holding every permission in ``perms``.

    ``require()`` with no codes means: any logged-in user. The codes are the core's or those a
    plugin declares (``register_permissions``); a plugin's module may be imported before they are
    known, so an unknown code stops start-up once the app is built (:func:`unknown_permissions`).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = g.get("user")
            if user is None:
                if _wants_json():
                    from hub.api.problems import http_problem

                    return http_problem(401)
                return redirect(url_for("auth.login", next=request.full_path))
            if not has_permission(user, *perms):
                if _wants_json():
                    from hub.api.problems import http_problem

                    return http_problem(403)
                from flask import abort

                abort(403)
            return view(*args, **kwargs)

        wrapped._hub_permission = perms or ("authenticated",)
        return wrapped

    return decorator


def unknown_permissions(app) -> list[str]:
    """``"<endpoint>: <codes>"`` for every view of ``app`` requiring a permission no one declared."""
    found = []
    for endpoint, view in sorted(app.view_functions.items()):
        perms = declared_permission(view)
        if isinstance(perms, tuple):
            unknown = [p for p in perms if p not in PERMISSIONS and p != "authenticated"]
            if unknown:
                found.append(f"{endpoint}: {', '.join(unknown)}")
    return found


def declared_permission(view) -> object | None:
    return getattr(view, "_hub_permission", None)


# --- object-level rules (the permission says what kind of thing; these say which ones) ------------


def can_view_item(user, item) -> bool:
    """Whether ``user`` may see ``item``.

    ``item.view_all`` sees every office's items; ``item.view_own_org`` (a Pemohon, a
    Pembuat Konten) only its own office's; anyone active sees the items they created.
    """
    perms = permissions_of(user)
    if not perms or item is None:
        return False
    if "item.view_all" in perms or item.created_by_id == user.id:
        return True
    return "item.view_own_org" in perms and item.organisation_id == user.organisation_id


def visible_items_clause(user):
    """The SQL condition for the items ``user`` may see (the same rule as :func:`can_view_item`)::

    db.select(Item).where(visible_items_clause(g.user))
    """
    from sqlalchemy import false, or_, true

    from hub.models import Item

    perms = permissions_of(user)
    if "item.view_all" in perms:
        return true()
    if not perms:
        return false()
    conditions = [Item.created_by_id == user.id]
    if "item.view_own_org" in perms:
        conditions.append(Item.organisation_id == user.organisation_id)
    return or_(*conditions)


def get_item_or_404(item_id: int):
    """The item when ``g.user`` may see it; 404 otherwise (another office's item does not exist for them)."""
    from flask import abort

    from hub.extensions import db
    from hub.models import Item

    item = db.session.get(Item, item_id)
    if not can_view_item(g.get("user"), item):
        abort(404)
    return item


def undeclared_views(app) -> list[str]:
    """``"<rule> -> <endpoint>"`` for every route of ``app`` whose view declares no permission.

    Walks the URL map of the built app, so plugins' and every area's blueprints are
    included. Flask's own static-file views are public by nature and not listed.
    """
    from flask import Blueprint, Flask

    static_views = (Flask.send_static_file, Blueprint.send_static_file)
    missing = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        flask_static = rule.endpoint == "static" and getattr(view, "__qualname__", "").startswith("Flask.__init__")
        if flask_static or getattr(view, "__func__", None) in static_views:
            continue
        if declared_permission(view) is None:
            missing.append(f"{rule.rule} -> {rule.endpoint}")
    return sorted(missing)
