"""The "Upload media" page: the uploader widget, the limits, and the person's recent media."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_babel import gettext as _

from hub.extensions import db
from hub.media.settings import human_size, limit_for, setting
from hub.models import Asset
from hub.permissions import require

bp = Blueprint("media_pages", __name__)


@bp.get("/media/upload")
@require("media.upload")
def upload_page():
    assets = db.session.execute(
        db.select(Asset).where(Asset.uploaded_by_id == g.user.id).order_by(Asset.id.desc()).limit(50)
    ).scalars()
    limits = {
        "video": human_size(limit_for("video")),
        "image": human_size(limit_for("image")),
        "document": human_size(limit_for("document")),
        "pixels": f"{int(setting('MEDIA_MAX_IMAGE_PIXELS')) / 1_000_000:g}",
    }
    kind_labels = {"video": _("Video"), "image": _("Image"), "document": _("Document")}
    status_labels = {
        "probing": _("Being checked"),
        "ready": _("Ready"),
        "rejected": _("Refused"),
        "deleted": _("Deleted"),
        "receiving": _("Arriving"),
    }
    return render_template(
        "media/upload.html",
        assets=list(assets),
        limits=limits,
        kind_labels=kind_labels,
        status_labels=status_labels,
        human_size=human_size,
    )
