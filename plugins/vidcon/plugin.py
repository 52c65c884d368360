"""Hook implementations of the vidcon plugin: video-conference bookings (SOP 003)."""

from __future__ import annotations

from hub import hookimpl
from hub.channels import Channel

CHANNEL = Channel(
    name="vidcon",
    label_id="Video Konferensi",
    label_en="Video conference",
    accepts=("text",),
    item_kinds=("vidcon_booking",),
    admin_role="teknisi",
    requirements_id="Tanggal, jam, tempat dan peralatan rapat; dalam jam layanan.",
    requirements_en="Meeting date, time, place and equipment; within service hours.",
)


@hookimpl
def register_channels():
    return [CHANNEL]
