"""Hook implementations of the social plugin: X and Facebook Pages (SOP 001, 004)."""

from __future__ import annotations

from hub import hookimpl
from hub.channels import Channel

X = Channel(
    name="x",
    label_id="X (Twitter)",
    label_en="X (Twitter)",
    accepts=("text", "image", "video"),
    item_kinds=("article", "post", "video"),
    admin_role="admin_social",
    requirements_id="Teks maksimal 280 karakter (tautan dihitung 23).",
    requirements_en="Text up to 280 characters (links count as 23).",
    text_limit=280,
)
FACEBOOK = Channel(
    name="facebook",
    label_id="Facebook",
    label_en="Facebook Page",
    accepts=("text", "image", "video"),
    item_kinds=("article", "post", "video"),
    admin_role="admin_social",
    requirements_id="Teks maksimal 63.206 karakter.",
    requirements_en="Text up to 63,206 characters.",
    text_limit=63206,
)


@hookimpl
def register_channels():
    return [X, FACEBOOK]
