"""A channel that publishes instantly (no network), so the dispatch figures show the hub's own cost.

Loaded by every bench process with ``HUB_EXTRA_PLUGINS='["bench.noop_channel"]'``.
"""

from __future__ import annotations

from hub import hookimpl
from hub.channels import Channel, PublishResult

CHANNEL = Channel(
    name="bench",
    label_id="Kanal bench",
    label_en="Bench channel",
    accepts=("text",),
    text_limit=5000,
    admin_role="admin_social",
)


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def publish(publication, item, channel):
    if channel.name != CHANNEL.name:
        return None
    return PublishResult(remote_id=f"bench-{publication.id}", remote_url="")


def noop() -> None:
    """The bare RQ job the dispatch figures are compared with."""
