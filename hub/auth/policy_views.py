"""The settings pages (``settings.manage``): the password policy and login throttling, and the
plugins' own settings. Every change is audited (``setting.changed``)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub.auth import settings
from hub.extensions import db
from hub.permissions import require

bp = Blueprint("security_settings", __name__, url_prefix="/admin")


@bp.route("/password-policy", methods=["GET", "POST"])
@require("settings.manage")
def password_policy():
    errors = []
    if request.method == "POST":
        try:
            settings.put("password_policy", dict(request.form), actor=g.user)
            settings.put("login_throttle", dict(request.form), actor=g.user)
            db.session.commit()
        except settings.SettingError as exc:
            db.session.rollback()
            errors.append(str(exc))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("security_settings.password_policy"))
    return render_template(
        "auth/policy.html",
        policy=settings.get("password_policy"),
        throttle=settings.get("login_throttle"),
        limits=settings.LIMITS,
        errors=errors,
    ), 422 if errors else 200


# --- the plugins' settings (declared with the register_settings hook) -----------------------------


def _plugin_rows() -> list[dict]:
    """One row per declared setting: where its value comes from and what it is now."""
    import os

    from hub.models import Setting
    from hub.plugins import plugin_config, plugins

    rows = []
    for name, declared in sorted(plugins().settings.items()):
        values = plugin_config(name) if declared else {}
        for key, decl in declared.items():
            env = f"HUB_{name.upper()}_{key.upper()}"
            stored = db.session.get(Setting, (name, key))
            rows.append(
                {
                    "plugin": name,
                    "decl": decl,
                    "field": f"{name}.{key}",
                    "env": env if env in os.environ else None,
                    "value": None if decl.secret else values.get(key),
                    "stored": stored is not None,
                }
            )
    return rows


def _parse(decl, field: str):
    """The typed value of a submitted field; raises ValueError when it is not one.

    A checkbox comes with a hidden ``0`` before it, so an unticked box still says "false"."""
    import json

    if decl.type == "bool":
        return "1" in request.form.getlist(field)
    raw = request.form.get(field, "").strip()
    if decl.type == "int":
        return int(raw)
    if decl.type == "float":
        return float(raw)
    if decl.type == "json":
        return json.loads(raw) if raw else None
    return raw


@bp.route("/plugin-settings", methods=["GET", "POST"])
@require("settings.manage")
def plugin_settings():
    """Change the plugins' settings (stored in the ``setting`` table under the plugin's name; audited).

    A setting given by the environment (``HUB_<PLUGIN>_<KEY>``) wins and is shown read-only;
    secret settings are set only through the environment, never on a page.
    """
    from hub import audit
    from hub.models import Setting

    rows = _plugin_rows()
    errors = []
    if request.method == "POST":
        changes = []
        for row in rows:
            decl = row["decl"]
            if row["env"] or decl.secret or row["field"] not in request.form:
                continue  # a field the form did not send is left as it is
            try:
                value = _parse(decl, row["field"])
            except ValueError:
                label = decl.label_id if str(get_locale() or "id") == "id" else decl.label_en
                errors.append(_("%(label)s: the value is not valid.", label=label))
                continue
            if value != row["value"] and not (value == "" and row["value"] is None):
                changes.append((row, value))
        if not errors:
            for row, value in changes:
                key = row["decl"].key
                setting = db.session.get(Setting, (row["plugin"], key))
                if setting is None:
                    setting = Setting(namespace=row["plugin"], key=key)
                    db.session.add(setting)
                setting.value = value
                audit.record(
                    "setting.changed",
                    actor=g.user,
                    target_type="setting",
                    target_id=row["field"],
                    details={key: [row["value"], value]},
                )
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("security_settings.plugin_settings"))
    return render_template("auth/plugin_settings.html", rows=rows, errors=errors), 422 if errors else 200
