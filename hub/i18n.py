"""Languages: Bahasa Indonesia first, English second (Flask-Babel).

Source strings in code and templates are English, wrapped in ``_()``; the
Indonesian catalogue is the ``.po`` file of each area (``hub/translations``,
``hub/<area>/translations``, ``<plugin package>/translations``). At start-up every
catalogue of a language is merged and compiled into the instance folder, so no
compiled ``.mo`` files live in the repository and plugins bring their own.

The language of a request: the ``lang`` the person chose (kept in the session),
else the logged-in user's language, else Bahasa Indonesia.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session
from flask_babel import Babel

from hub.permissions import public

HUB_DIR = Path(__file__).parent
babel = Babel()
bp = Blueprint("i18n", __name__)


def translation_dirs(app: Flask) -> list[Path]:
    """Every ``translations`` folder of the core and of the installed plugins."""
    from hub.plugins import plugins

    dirs = sorted(p for p in HUB_DIR.rglob("translations") if p.is_dir())
    for info in plugins(app).info.values():
        module = sys.modules.get(getattr(info.module, "__name__", ""), None)
        package = (getattr(module, "__package__", None) or "").split(".")[0]
        pkg_module = sys.modules.get(package)
        if pkg_module is not None and getattr(pkg_module, "__file__", None):
            candidate = Path(pkg_module.__file__).parent / "translations"
            if candidate.is_dir():
                dirs.append(candidate)
    return dirs


def compile_catalogues(app: Flask) -> Path:
    """Merge each language's ``.po`` files and compile them into the instance folder."""
    sources = [po for d in translation_dirs(app) for po in sorted(d.glob("*/LC_MESSAGES/*.po"))]
    digest = hashlib.sha256()
    for po in sources:
        digest.update(str(po).encode())
        digest.update(po.read_bytes())
    out = Path(app.config["INSTANCE_DIR"]) / "i18n" / digest.hexdigest()[:16]
    if out.is_dir():
        return out
    by_lang: dict[str, Catalog] = {}
    for po in sources:
        lang = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        merged = by_lang.setdefault(lang, Catalog(locale=lang))
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent))
    for lang, catalog in by_lang.items():
        target = tmp / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as fh:
            write_mo(fh, catalog)
    try:
        os.rename(tmp, out)
    except OSError:  # another process compiled the same catalogues first
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return out


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a background job (a plugin's publish raising a translated error)
        return languages[0]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    user = g.get("user")
    if user is not None and getattr(user, "language", None) in languages:
        return user.language
    return languages[0]


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues(app))
    # Source strings are English, so English is Babel's fallback; the default a person sees is
    # chosen by select_locale() (the first of LANGUAGES: Bahasa Indonesia).
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale)
    from hub import dates

    dates.init_app(app)  # |moment, |day, |number: one way to write a date or a number
    app.register_blueprint(bp)

    @app.context_processor
    def _languages():
        return {"current_lang": select_locale(), "languages": app.config["LANGUAGES"]}


@bp.post("/lang")
@public
def set_language():
    """Switch the interface language (a form with ``lang`` and ``next``)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        user = g.get("user")
        if user is not None and user.language != lang:
            # kept on the account: the next login, on any device, speaks it too
            from hub.extensions import db

            user.language = lang
            db.session.commit()
    target = request.form.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)
