"""Flask extensions, created unbound here and attached in :func:`hub.app.create_app`."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from hub.models.base import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
