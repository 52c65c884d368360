"""``hub plugin new NAME``: write a working plugin package an outside developer starts from.

The package has a ``pyproject.toml`` with the ``hub.plugins`` entry point, one channel that
POSTs approved items to a webhook URL (a setting), a workflow template assigned to that
channel (so its items have an approval chain as soon as the hub loads it), an Indonesian
translations catalogue, a README and one test that uses :mod:`hub.testing`. The plugin
imports from the hub only through :mod:`hub.sdk`.
"""

from __future__ import annotations

import re
from pathlib import Path

from hub.exceptions import PluginError

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "hub-{{name}}"
version = "0.1.0"
description = "{{Title}} channel for the publishing hub: POSTs approved items to a webhook."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["publishing-hub", "requests>=2.31"]

# How the hub finds the plugin: `pip install` it and the hub loads it at start-up.
[project.entry-points."hub.plugins"]
{{name}} = "hub_{{name}}.plugin"

[tool.setuptools]
packages = ["hub_{{name}}"]

[tool.setuptools.package-data]
hub_{{name}} = ["translations/*/LC_MESSAGES/*.po"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

INIT = '''\
"""{{Title}}: a channel plugin for the publishing hub."""

__version__ = "0.1.0"
'''

PLUGIN = '''\
"""{{Title}}: approved items are POSTed as JSON to a webhook.

Everything from the hub comes from ``hub.sdk`` (the stable plugin API); the rest of ``hub``
is internal. Settings are read with ``plugin_config``: the environment variable
``HUB_{{NAME}}_WEBHOOK_URL`` overrides the value stored by an administrator.
"""

from __future__ import annotations

import requests
from hub.sdk import (
    Channel,
    PermanentPublishError,
    PluginSetting,
    Problem,
    PublishResult,
    TransientPublishError,
    _,
    hookimpl,
    plugin_config,
)

NAME = "{{name}}"
TEXT_LIMIT = 4000
HUB_SDK_REQUIRES = ">=1.0,<2"  # the hub.sdk versions this plugin was written for

CHANNEL = Channel(
    name=NAME,
    label_id="{{Title}}",
    label_en="{{Title}}",
    accepts=("text",),
    text_limit=TEXT_LIMIT,
    # admin_role defaults to "admin_channel" (Admin Kanal), the core role that decides the workflow's
    # channel_admin steps and publishes; declare your own with register_roles to use another
    requirements_id="Teks paling banyak 4000 karakter.",
    requirements_en="Text of at most 4000 characters.",
)

#: The approval chain of this channel's items, loaded by `hub db upgrade` / `hub up` and assigned
#: to the channel (applies_to). An administrator may edit it or assign another on /admin/workflows.
WORKFLOW = {
    "format": 1,
    "code": NAME,
    "name": {"id": "{{Title}}", "en": "{{Title}}"},
    "applies_to": {"channels": [NAME]},
    "steps": [
        {
            "key": "draft",
            "kind": "prepare",
            "role": "pembuat_konten",
            "name": {"id": "Menyusun konten", "en": "Prepare the item"},
        },
        {
            "key": "edit",
            "kind": "review",
            "role": "channel_admin",
            "name": {"id": "Penyuntingan oleh admin kanal", "en": "The channel admin edits"},
            "limit": "1d",
            "decisions": ["approve", "return"],
            "return_to": ["creator"],
        },
        {
            "key": "approve",
            "kind": "approval",
            "role": "kepala_bidang",
            "name": {"id": "Persetujuan Kepala Bidang", "en": "Approval by the head of division"},
            "limit": "1d",
            "decisions": ["approve", "return", "reject"],
            "return_to": ["creator", "previous"],
        },
        {
            "key": "publish",
            "kind": "publish",
            "role": "channel_admin",
            "name": {"id": "Dikirim ke {{Title}}", "en": "Sent to {{Title}}"},
        },
    ],
}


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def register_settings():
    return [
        PluginSetting("webhook_url", "URL webhook", "Webhook URL"),
        PluginSetting("timeout", "Batas waktu permintaan (detik)", "Request timeout (s)", default=10, type="float"),
    ]


@hookimpl
def register_workflow_templates():
    return [WORKFLOW]


@hookimpl
def validate_item(item, channel, phase):
    if channel.name != NAME:
        return []
    if len(item.text_for(NAME)) > TEXT_LIMIT:
        return [
            Problem(
                NAME,
                "variant_text",
                f"{NAME}.text_length",
                f"Teks untuk {{Title}} paling banyak {TEXT_LIMIT} karakter.",
                f"The text for {{Title}} is at most {TEXT_LIMIT} characters.",
            )
        ]
    return []


def send(url: str, payload: dict, timeout: float) -> dict:
    """The transport: one POST. Tests point the webhook URL at a local stub server."""
    response = requests.post(url, json=payload, timeout=timeout)
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientPublishError(_("The webhook is busy (HTTP %(status)s).", status=response.status_code))
    if response.status_code >= 400:
        raise PermanentPublishError(_("The webhook refused the item (HTTP %(status)s).", status=response.status_code))
    return response.json() if response.content else {}


@hookimpl
def publish(publication, item, channel):
    if channel.name != NAME:
        return None
    url = plugin_config(NAME, "webhook_url")
    if not url:
        raise PermanentPublishError(_("No webhook URL is set for this channel."))
    payload = {
        "reference": publication.idempotency_key,
        "title": item.title,
        "text": item.text_for(NAME),
    }
    try:
        answer = send(url, payload, plugin_config(NAME, "timeout"))
    except requests.RequestException as exc:
        raise TransientPublishError(str(exc)) from exc
    return PublishResult(remote_id=str(answer.get("id") or publication.idempotency_key))
'''

PO = """\
# Indonesian catalogue of hub-{{name}}; the hub merges it with its own at start-up.
msgid ""
msgstr ""
"Language: id\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The webhook is busy (HTTP %(status)s)."
msgstr "Webhook sedang sibuk (HTTP %(status)s)."

msgid "The webhook refused the item (HTTP %(status)s)."
msgstr "Webhook menolak konten ini (HTTP %(status)s)."

msgid "No webhook URL is set for this channel."
msgstr "URL webhook untuk kanal ini belum diatur."
"""

README = """\
# hub-{{name}}

A channel plugin for the publishing hub: approved items are POSTed as JSON
(`reference`, `title`, `text`) to a webhook URL.

## Install

    pip install -e .        # in the hub's environment
    hub plugins             # lists "{{name}}" with its distribution and channel

Set the webhook URL on the plugin's settings page or with `HUB_{{NAME}}_WEBHOOK_URL`.
The plugin brings its workflow (`{{name}}`: the channel admin edits, the head of division
approves, the hub publishes), assigned to the channel when the hub starts (`hub up` or
`hub db upgrade`); an administrator can change it on /admin/workflows.

## Test

    pip install pytest
    pytest

The test uses the hub's testing kit (`hub.testing`, loaded by pytest automatically): the
`make_item` and `approve_through` fixtures and a local webhook stub (`webhook_stub`).
Set `HUB_TEST_DATABASE_URL` / `HUB_TEST_REDIS_URL` to run on PostgreSQL / your Redis.
"""

TEST = '''\
"""An item for the {{name}} channel goes through its approval chain and reaches the webhook."""


def test_an_approved_item_is_posted_to_the_webhook(make_item, approve_through, webhook_stub, monkeypatch):
    monkeypatch.setenv("HUB_{{NAME}}_WEBHOOK_URL", webhook_stub.url)
    item = make_item(channels=["{{name}}"], title="Festival Siti Nurbaya", body="Festival budaya di Padang.")

    decided = approve_through(item)

    assert [step for step, _user in decided] == ["edit", "approve"]
    assert [r["json"]["title"] for r in webhook_stub.requests] == ["Festival Siti Nurbaya"]
    assert webhook_stub.requests[0]["json"]["text"] == "Festival budaya di Padang."

'''

FILES = {
    "pyproject.toml": PYPROJECT,
    "README.md": README,
    "hub_{{name}}/__init__.py": INIT,
    "hub_{{name}}/plugin.py": PLUGIN,
    "hub_{{name}}/translations/id/LC_MESSAGES/messages.po": PO,
    "tests/test_{{name}}.py": TEST,
}


def _fill(text: str, name: str) -> str:
    title = name.replace("_", " ").title()
    return text.replace("{{name}}", name).replace("{{NAME}}", name.upper()).replace("{{Title}}", title)


def new_plugin(name: str, parent: Path) -> Path:
    """Write the package ``hub-<name>`` in ``parent``; returns its folder. Refuses to overwrite."""
    if not NAME.match(name):
        raise PluginError(
            f"nama plugin {name!r} harus huruf kecil, angka atau _ (2-31) / "
            f"the plugin name {name!r} must be 2-31 lower-case letters, digits or _"
        )
    root = Path(parent) / f"hub-{name}"
    if root.exists():
        raise PluginError(f"{root} sudah ada / already exists")
    for rel, text in FILES.items():
        path = root / _fill(rel, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(text, name), encoding="utf-8")
    return root
