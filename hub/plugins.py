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

    @property
    def hook(self):
        return self.pm.hook

    def channel(self, name: str) -> Channel:
        try:
            return self.channels[name]
        except KeyError:
            raise PluginError(f"no installed plugin provides the channel {name!r}") from None


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
    for plugin in extra_plugins or []:
        if isinstance(plugin, str):  # a module name: HUB_EXTRA_PLUGINS='["tests.stub_channel"]' for subprocesses
            try:
                plugin = importlib.import_module(plugin)
            except ImportError as exc:
                raise PluginError(f"extra plugin {plugin!r} cannot be imported: {exc}") from exc
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
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
