"""Words for codes shown on pages: item and publication states, channel names, roles."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from hub.roles import role_label

STATUS_LABELS = {
    # items
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "returned": _l("Returned for revision"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    # publications
    "pending": _l("Waiting"),
    "queued": _l("Queued"),
    "publishing": _l("Publishing"),
    "published": _l("Published"),
    "failed": _l("Failed"),
    "needs_attention": _l("Needs attention"),
    "cancelled": _l("Cancelled"),
    "unpublished": _l("Unpublished"),
    # media
    "probing": _l("Being checked"),
    "ready": _l("Ready"),
    "deleted": _l("Deleted (retention)"),
}

KIND_LABELS = {
    # item kinds
    "article": _l("Article"),
    "post": _l("Post"),
    "video": _l("Video"),
    # media kinds
    "image": _l("Image"),
    "document": _l("Document"),
}


def lang() -> str:
    return str(get_locale() or "id")


def status_label(code: str) -> str:
    label = STATUS_LABELS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def kind_label(code: str) -> str:
    """An item kind or a media kind in the page's language: the core's, else the title a plugin
    declared (``register_item_kinds``), else the code."""
    label = KIND_LABELS.get(code)
    if label is not None:
        return str(label)
    from hub.plugins import plugins

    declared = plugins().item_kinds.get(code)
    return declared.label(lang()) if declared else (code or "").replace("_", " ")


def channel_label(name: str) -> str:
    from hub.plugins import plugins

    channel = plugins().channels.get(name)
    return channel.label(lang()) if channel else name


#: roles a workflow step may name besides the SOP roles
STEP_ROLES = {"channel_admin": _l("Channel admin"), "creator": _l("Creator")}


def role_name(code: str) -> str:
    if code in STEP_ROLES:
        return str(STEP_ROLES[code])
    return role_label(code, lang())


def template_globals() -> dict:
    return {
        "status_label": status_label,
        "kind_label": kind_label,
        "channel_label": channel_label,
        "role_name": role_name,
    }
