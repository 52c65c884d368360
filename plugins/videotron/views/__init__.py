"""The videotron pages: the public player (secret URL) and the pages for admins and technicians."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

PACKAGE = Path(__file__).resolve().parent.parent

bp = Blueprint("videotron", __name__, url_prefix="/videotron", template_folder=str(PACKAGE / "templates"))

from hub_videotron.views import monitor, plans, player, recaps, screens  # noqa: E402,F401 - registers the views
