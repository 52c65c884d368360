"""What the social plugin brings besides its channels: the social media admin role. Its items
follow the website plugin's SOP 001 template (``website_social``), which lists these channels."""

from __future__ import annotations

from hub.sdk import CHANNEL_ADMIN_PERMISSIONS, Role

ROLES = [
    Role(
        "admin_social",
        "Admin Media Sosial",
        "Social Media Admin",
        "Menerbitkan kiriman media sosial yang disetujui.",
        "Publishes approved social posts.",
        permissions=CHANNEL_ADMIN_PERMISSIONS,
    ),
]
