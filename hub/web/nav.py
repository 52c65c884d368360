"""The navigation: a registry of links, each shown only to people who may open it.

Entries come from the core (:data:`CORE_ENTRIES`), from other areas
(:func:`add_nav_entry`) and from plugins (the ``nav_entries`` hook). An entry
names its target by ``endpoint`` or by ``path``; it is shown when the target
exists in this app and the person holds its permission — by default the
permission the target view declares, so a link never leads to a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from hub.permissions import PUBLIC, declared_permission, permissions_of

EXT_KEY = "hub.nav"
CACHE_KEY = "hub.nav.all"


@dataclass(frozen=True)
class NavEntry:
    """One link. ``section`` is ``"main"`` (top bar) or ``"admin"`` (administration index)."""

    label_id: str
    label_en: str
    endpoint: str | None = None
    path: str | None = None
    #: permission codes needed; None: whatever the target view declares
    permission: str | tuple[str, ...] | None = None
    section: str = "main"
    order: int = 50
    description_id: str = ""
    description_en: str = ""
    #: an index page: shown only when the person can open something in this section
    index_of: str | None = None

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def description(self, lang: str = "id") -> str:
        return self.description_id if lang == "id" else self.description_en


def _E(label_id, label_en, section="main", order=50, **kw) -> NavEntry:  # noqa: N802 - table helper
    return NavEntry(label_id, label_en, section=section, order=order, **kw)


#: The core's links. Targets that another area has not built yet are simply not shown.
CORE_ENTRIES: list[NavEntry] = [
    _E("Beranda", "Dashboard", order=0, endpoint="web.dashboard"),
    _E("Kotak masuk", "Inbox", order=10, path="/inbox"),
    _E("Konten baru", "New item", order=20, path="/items/new"),
    _E("Konten", "Items", order=25, path="/items"),
    _E("Kalender", "Calendar", order=30, endpoint="calendar.index"),
    _E("Laporan", "Reports", order=40, endpoint="reports.index"),
    _E("Administrasi", "Administration", order=90, endpoint="admin.index", index_of="admin"),
    _E("Akun saya", "My account", order=95, path="/account"),
    # the administration index (hub/admin); other areas' pages, found by their paths
    _E(
        "Pengguna dan peran",
        "Users and roles",
        "admin",
        10,
        path="/admin/users",
        description_id="Akun, peran, 2FA dan penonaktifan",
        description_en="Accounts, roles, 2FA and deactivation",
    ),
    _E(
        "Organisasi",
        "Organisations",
        "admin",
        20,
        endpoint="admin.organisations",
        description_id="Kantor operator dan OPD pemohon",
        description_en="The operating office and requesting offices",
    ),
    _E(
        "Alur kerja",
        "Workflows",
        "admin",
        30,
        path="/admin/workflows",
        description_id="Langkah, peran dan batas waktu",
        description_en="Steps, roles and time limits",
    ),
    _E(
        "Kalender kerja dan hari libur",
        "Working calendar and holidays",
        "admin",
        60,
        path="/admin/calendar",
        description_id="Jam kerja dan hari libur untuk batas waktu",
        description_en="Working hours and holidays used for time limits",
    ),
    _E(
        "Kebijakan kata sandi",
        "Password policy",
        "admin",
        70,
        path="/admin/password-policy",
        description_id="Panjang, kerumitan dan masa berlaku",
        description_en="Length, complexity and expiry",
    ),
    _E(
        "Jejak audit",
        "Audit trail",
        "admin",
        80,
        path="/admin/audit",
        description_id="Siapa melakukan apa dan kapan",
        description_en="Who did what, and when",
    ),
]


def add_nav_entry(app: Flask, entry: NavEntry) -> None:
    """Let a core area add a link while the app is built (plugins use the ``nav_entries`` hook)."""
    app.extensions.setdefault(EXT_KEY, []).append(entry)
    app.extensions.pop(CACHE_KEY, None)


def all_entries(app: Flask) -> list[NavEntry]:
    """Every entry, sorted; the ``nav_entries`` hook is asked once per app."""
    cached = app.extensions.get(CACHE_KEY)
    if cached is None:
        from hub.plugins import plugins

        entries = list(CORE_ENTRIES) + list(app.extensions.get(EXT_KEY, []))
        for result in plugins(app).hook.nav_entries():
            entries.extend(result or [])
        cached = app.extensions[CACHE_KEY] = sorted(entries, key=lambda e: (e.order, e.label_en))
    return cached


def _resolve(app: Flask, entry: NavEntry) -> tuple[str, str] | None:
    """(endpoint, url) of the entry's target in this app, or None when nothing serves it."""
    if entry.endpoint:
        if entry.endpoint not in app.view_functions:
            return None
        try:
            return entry.endpoint, url_for(entry.endpoint)
        except Exception:  # noqa: BLE001 - the endpoint needs arguments: not a nav target
            return None
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(entry.path, method="GET")
    except RequestRedirect as redirect:  # "/admin" -> "/admin/": follow the app's own redirect once
        path = urlsplit(redirect.new_url).path
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except (HTTPException, RequestRedirect):
            return None
        return endpoint, path
    except HTTPException:
        return None
    return endpoint, entry.path


def required_permissions(app: Flask, entry: NavEntry, endpoint: str) -> tuple[str, ...] | None:
    """The permission codes a person needs for the entry; None means "anyone, even logged out"."""
    if entry.permission is not None:
        return (entry.permission,) if isinstance(entry.permission, str) else tuple(entry.permission)
    declared = declared_permission(app.view_functions[endpoint])
    if declared == PUBLIC:
        return None
    if declared is None:  # undeclared views are denied by the permission test; never link to them
        return ("__undeclared__",)
    return tuple(p for p in declared if p != "authenticated")


def visible_entries(user, section: str = "main") -> list[dict]:
    """The links ``user`` may follow in ``section``: dicts with ``label``, ``url``, ``description``."""
    app = current_app._get_current_object()
    if user is None:
        return []
    lang = str(get_locale() or "id")
    held = permissions_of(user)
    shown = []
    for entry in all_entries(app):
        if entry.section != section:
            continue
        target = _resolve(app, entry)
        if target is None:
            continue
        needed = required_permissions(app, entry, target[0])
        if needed is not None and not set(needed) <= held:
            continue
        if entry.index_of and not visible_entries(user, entry.index_of):
            continue
        shown.append(
            {
                "label": entry.label(lang),
                "url": target[1],
                "description": entry.description(lang),
                "endpoint": target[0],
            }
        )
    return shown
