"""The plugin API: the one module a plugin imports from the hub.

Everything a plugin may use is named here; the rest of ``hub`` is internal and may
change without notice. ``HUB_SDK_VERSION`` follows semantic versioning: a minor
version adds names, a major version removes or changes one. A plugin states the range
it was written for (see docs/plugins.md).

This module is filled in by issue 16 (plugin contract); the names below are the
stable core a channel needs.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from hub.channels import (
    Channel,
    OptionField,
    PluginSetting,
    Preview,
    PreviewPart,
    Problem,
    PublishResult,
)
from hub.exceptions import (
    PermanentPublishError,
    PluginError,
    PublishError,
    PublishOutcomeUnknown,
    TransientPublishError,
)
from hub.hookspecs import hookimpl
from hub.plugins import plugin_config

HUB_SDK_VERSION = "1.0"

__all__ = [
    "HUB_SDK_VERSION",
    "Channel",
    "OptionField",
    "PermanentPublishError",
    "PluginError",
    "PluginSetting",
    "Preview",
    "PreviewPart",
    "Problem",
    "PublishError",
    "PublishOutcomeUnknown",
    "PublishResult",
    "TransientPublishError",
    "_",
    "hookimpl",
    "lazy_gettext",
    "plugin_config",
]
