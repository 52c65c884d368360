"""Hook implementations of the videotron plugin: LED street screens (SOP 000)."""

from __future__ import annotations

from hub import hookimpl
from hub.channels import Channel

CHANNEL = Channel(
    name="videotron",
    label_id="Videotron",
    label_en="Videotron (LED street screens)",
    accepts=("video",),
    item_kinds=("video",),
    admin_role="admin_videotron",
    requirements_id="Video 1 menit, lanskap, minimal 720p; tayang H-7 s.d. H+1 acara.",
    requirements_en="1-minute landscape video, at least 720p; shown from 7 days before to 1 day after the event.",
)


@hookimpl
def register_channels():
    return [CHANNEL]
