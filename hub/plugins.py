"""The plugin manager: built in :func:`hub.app.create_app`, kept in ``app.extensions``.

Order: add the specs, let pluggy load the ``hub.plugins`` entry-point group
(``load_setuptools_entrypoints``; the bundled plugins come in this way too, and pluggy
keeps each one's distribution, shown by ``hub plugins``; ``DISABLED_PLUGINS`` are blocked),
register any plugins given in the test config, then ``check_pending()`` so an
implementation of an unknown hook fails loudly.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, replace
from importlib import metadata
from typing import TYPE_CHECKING

import pluggy
from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from hub import hookspecs
from hub.channels import Channel, PluginSetting
from hub.declarations import FIELD_TYPES, ItemDate, ItemField, ItemKind, Permission, Role
from hub.exceptions import PluginError

if TYPE_CHECKING:
    from flask import Flask

ENTRY_POINT_GROUP = "hub.plugins"
EXT_KEY = "hub.plugins"


@dataclass
class PluginInfo:
    name: str
    version: str
    module: object
    channels: list[Channel]
    distribution: str = ""


class PluginRegistry:
    """What the app knows about its plugins: the manager, their channels, their settings."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.channels: dict[str, Channel] = {}
        self.settings: dict[str, dict[str, PluginSetting]] = {}
        self.info: dict[str, PluginInfo] = {}
        #: what the plugins declare besides channels (hub.declarations), by code / name
        self.roles: dict[str, Role] = {}
        self.permissions: dict[str, Permission] = {}
        self.item_kinds: dict[str, ItemKind] = {}
        self.item_fields: dict[str, ItemField] = {}
        self.item_dates: dict[str, ItemDate] = {}

    @property
    def hook(self):
        return self.pm.hook

    def channel(self, name: str) -> Channel:
        try:
            return self.channels[name]
        except KeyError:
            raise PluginError(f"no installed plugin provides the channel {name!r}") from None


def check_sdk_requirement(name: str, plugin: object) -> None:
    """Refuse a plugin whose ``HUB_SDK_REQUIRES`` range excludes this hub's ``HUB_SDK_VERSION``.

    ``HUB_SDK_REQUIRES`` is a PEP 440 specifier set (``">=1.0,<2"``) on the module the
    entry point names. A plugin that states none is accepted (it takes the risk). The
    error is one line naming the plugin, the range and the version, so ``hub up`` stops
    with something an operator can act on.
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from hub.sdk import HUB_SDK_VERSION

    wanted = getattr(plugin, "HUB_SDK_REQUIRES", None)
    if wanted is None:
        return
    try:
        spec = SpecifierSet(str(wanted))
    except InvalidSpecifier:
        raise PluginError(
            f"plugin {name!r} has an invalid HUB_SDK_REQUIRES {wanted!r} (expected a range such as '>=1.0,<2')"
        ) from None
    if not spec.contains(HUB_SDK_VERSION, prereleases=True):
        raise PluginError(
            f"plugin {name!r} requires hub.sdk {spec} but this hub provides hub.sdk {HUB_SDK_VERSION}; "
            f"install a version of the plugin written for hub.sdk {HUB_SDK_VERSION}"
        )


def build_plugin_manager(app: Flask, extra_plugins: list | None = None) -> PluginRegistry:
    pm = pluggy.PluginManager("hub")
    pm.add_hookspecs(hookspecs)
    registry = PluginRegistry(pm)

    for name in app.config.get("DISABLED_PLUGINS") or []:
        pm.set_blocked(name)
    try:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    except Exception as exc:  # a broken plugin must not be silently skipped
        raise PluginError(_load_failure(pm, exc)) from exc
    dists = {pm.get_name(plugin): (dist.project_name, dist.version) for plugin, dist in pm.list_plugin_distinfo()}
    for plugin, _dist in pm.list_plugin_distinfo():
        check_sdk_requirement(pm.get_name(plugin), plugin)  # a plugin written for another API major stops here
    for plugin in extra_plugins or []:
        if isinstance(plugin, str):  # a module name: HUB_EXTRA_PLUGINS='["tests.stub_channel"]' for subprocesses
            try:
                plugin = importlib.import_module(plugin)
            except ImportError as exc:
                raise PluginError(f"extra plugin {plugin!r} cannot be imported: {exc}") from exc
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        check_sdk_requirement(name, plugin)
        pm.register(plugin, name=name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements a hook the hub does not know: {exc}") from exc

    for impl in pm.hook.register_channels.get_hookimpls():
        for channel in impl.function() or []:
            if channel.name in registry.channels:
                other = registry.channels[channel.name].plugin
                raise PluginError(f"channel {channel.name!r} is declared by both {other!r} and {impl.plugin_name!r}")
            registry.channels[channel.name] = replace(channel, plugin=impl.plugin_name)
    for impl in pm.hook.register_settings.get_hookimpls():
        registry.settings[impl.plugin_name] = {s.key: s for s in impl.function() or []}
    _collect_declarations(registry)

    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked (DISABLED_PLUGINS)
            continue
        dist_name, version = dists.get(name, ("", getattr(plugin, "__version__", "")))
        registry.info[name] = PluginInfo(
            name=name,
            version=version or getattr(plugin, "__version__", "") or "",
            module=plugin,
            channels=[c for c in registry.channels.values() if c.plugin == name],
            distribution=dist_name,
        )
    app.extensions[EXT_KEY] = registry
    return registry


def _declared(pm: pluggy.PluginManager, hook_name: str, key: str, found: dict, what: str, taken=()) -> None:
    """Collect one declaration hook into ``found`` (code -> declaration with ``plugin`` set); a code
    declared twice (or one of ``taken``, the core's) stops start-up naming both."""
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        for decl in impl.function() or []:
            code = getattr(decl, key)
            if code in taken:
                raise PluginError(f'Plugin "{impl.plugin_name}": {what} "{code}" is the core\'s already')
            if code in found:
                other = found[code].plugin
                raise PluginError(f'Plugin "{impl.plugin_name}": {what} "{code}" is declared by "{other}" already')
            found[code] = replace(decl, plugin=impl.plugin_name)


def _collect_declarations(registry: PluginRegistry) -> None:
    """Roles, permissions, item kinds and fields of every plugin; then install the roles and
    permissions next to the core's and check every channel's ``admin_role``."""
    from hub import permissions as perms
    from hub import roles

    pm = registry.pm
    _declared(pm, "register_roles", "code", registry.roles, "role", roles.CORE_ROLES)
    _declared(pm, "register_permissions", "code", registry.permissions, "permission", perms.CORE_PERMISSIONS)
    _declared(pm, "register_item_kinds", "code", registry.item_kinds, "item kind")
    _declared(pm, "register_item_fields", "name", registry.item_fields, "item field")
    from hub.workflow.definition import DATE_LABELS

    _declared(pm, "register_item_dates", "name", registry.item_dates, "item date", DATE_LABELS)
    known_roles = set(roles.CORE_ROLES) | set(registry.roles)
    known_perms = set(perms.CORE_PERMISSIONS) | set(registry.permissions)
    for role in registry.roles.values():
        unknown = sorted(set(role.permissions) - known_perms)
        if unknown:
            raise PluginError(f'Plugin "{role.plugin}": role "{role.code}" has unknown permission(s) {unknown}')
    for permission in registry.permissions.values():
        unknown = sorted(set(permission.roles) - known_roles)
        if unknown:
            raise PluginError(
                f'Plugin "{permission.plugin}": permission "{permission.code}" names unknown role(s) {unknown}'
            )
    for item_field in registry.item_fields.values():
        if item_field.type not in FIELD_TYPES:
            raise PluginError(
                f'Plugin "{item_field.plugin}": item field "{item_field.name}" has type "{item_field.type}" '
                f"(one of {', '.join(FIELD_TYPES)})"
            )
    roles.install_plugin_roles(registry.roles.values())
    perms.install_plugin_permissions(registry.roles.values(), registry.permissions.values())
    for channel in registry.channels.values():
        check_admin_role(channel)


def check_admin_role(channel: Channel) -> None:
    """Stop start-up (one line, naming the plugin and the role) when nobody could decide the channel's
    admin step: its ``admin_role`` is no role, or a role without ``item.decide``."""
    from hub.permissions import ROLE_PERMISSIONS
    from hub.roles import ROLES

    role = channel.admin_role
    if role not in ROLES:
        raise PluginError(
            f'Plugin "{channel.plugin}": kanal "{channel.name}" memakai admin_role "{role}" yang bukan peran / '
            f'channel "{channel.name}" has admin_role "{role}", which is not a role (known: {", ".join(sorted(ROLES))})'
        )
    if "item.decide" not in ROLE_PERMISSIONS.get(role, ()):
        raise PluginError(
            f'Plugin "{channel.plugin}": admin_role "{role}" dari kanal "{channel.name}" tidak dapat memutuskan '
            f'langkah admin / channel "{channel.name}" has admin_role "{role}", which cannot decide the '
            f"channel's admin step (it lacks the permission item.decide)"
        )


def _load_failure(pm: pluggy.PluginManager, exc: Exception) -> str:
    """One line naming the entry point that failed: pluggy loads them in order, so it is the
    first one neither registered nor blocked."""
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if not pm.has_plugin(ep.name) and not pm.is_blocked(ep.name):
            return f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}"
    return f"a plugin failed to load: {exc}"


def plugins(app: Flask | None = None) -> PluginRegistry:
    """The registry of the given (or current) app."""
    return (app or current_app).extensions[EXT_KEY]


def hook(app: Flask | None = None):
    """Shortcut: ``hook().publish(publication=…, item=…, channel=…)``."""
    return plugins(app).pm.hook


_TYPES = {
    "str": str,
    "int": int,
    "float": float,
    "bool": lambda v: v if isinstance(v, bool) else str(v).lower() in ("1", "true", "yes", "on"),
    "json": lambda v: v,
}


#: ``session.info`` key: {namespace: {key: raw value}} read in the session's current transaction
SETTINGS_CACHE = "hub.settings_rows"


def _stored_settings(name: str) -> dict:
    """The plugin's setting rows as {key: raw value}: one statement per transaction (a request), not
    one per read. Settings changed in this session are read from the session; the cache goes with the
    transaction (commit, rollback) and with any flush that writes a setting."""
    from hub.extensions import db
    from hub.models import Setting

    session = db.session()
    if any(isinstance(obj, Setting) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(SETTINGS_CACHE, None)
        rows = db.session.scalars(db.select(Setting).where(Setting.namespace == name))
        return {row.key: row.value for row in rows}
    cache = session.info.setdefault(SETTINGS_CACHE, {})
    if name not in cache:
        rows = db.session.scalars(db.select(Setting).where(Setting.namespace == name))
        cache[name] = {row.key: row.value for row in rows}
    return cache[name]


def _forget_settings(session, *_args) -> None:
    session.info.pop(SETTINGS_CACHE, None)


def _forget_written_settings(session, *_args) -> None:
    from hub.models import Setting

    if any(isinstance(obj, Setting) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(SETTINGS_CACHE, None)


for _event in ("after_commit", "after_soft_rollback"):
    sa_event.listen(Session, _event, _forget_settings)
sa_event.listen(Session, "before_flush", _forget_written_settings)


def plugin_config(name: str, key: str | None = None):
    """A plugin's settings: environment ``HUB_<NAME>_<KEY>``, then the database, then the default.

    With ``key`` returns that one value; without, a dict of all the plugin's settings. The
    database rows are read once per transaction (see :func:`_stored_settings`).
    """
    declared = plugins().settings.get(name, {})
    keys = [key] if key else list(declared)
    values = {}
    for k in keys:
        decl = declared.get(k)
        if decl is None:
            raise PluginError(f"plugin {name!r} declares no setting {k!r}")
        env = os.environ.get(f"HUB_{name.upper()}_{k.upper()}")
        if env is not None:
            raw = env
        else:
            stored = _stored_settings(name)
            raw = stored[k] if k in stored else decl.default
        values[k] = None if raw is None else _TYPES[decl.type](raw)
    return values[key] if key else values
