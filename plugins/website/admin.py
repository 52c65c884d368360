"""Administration of WordPress sites (permission ``settings.manage``): list, add, test, enable/disable."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from hub_website.sites import CHANNELS, SiteError, add_site, check_connection, sites

from hub.sdk import ChannelAccount, db, record_audit, require

bp = Blueprint("website_admin", __name__, template_folder="templates", url_prefix="/admin/websites")


def _lang() -> str:
    return str(get_locale() or "id")


def _site_or_404(site_id: int) -> ChannelAccount:
    site = db.session.get(ChannelAccount, site_id)
    if site is None or site.channel not in CHANNELS:
        abort(404)
    return site


@bp.route("", methods=["GET", "POST"])
@require("settings.manage")
def index():
    """The sites, and the form to add one (tested before it is saved)."""
    form = request.form
    errors: list[str] = []
    if request.method == "POST":
        categories = [c.strip() for c in form.get("categories", "").split(",") if c.strip()]
        config: dict = {"default_categories": categories}
        if form.get("dip_category", "").strip():
            config["dip_category"] = form["dip_category"].strip()
        if form.get("max_upload_mb", "").strip():
            try:
                config["max_upload_mb"] = float(form["max_upload_mb"])
            except ValueError:
                errors.append(_("The upload limit must be a number of megabytes."))
        site = None
        if not errors:
            try:
                site = add_site(
                    form.get("channel", ""),
                    form.get("name", ""),
                    form.get("url", ""),
                    form.get("username", ""),
                    form.get("app_password", ""),
                    config=config,
                )
            except SiteError as exc:
                errors.append(str(exc))
        if site is not None:
            check = check_connection(site)
            if check.ok or form.get("save_anyway"):
                db.session.flush()
                record_audit(
                    "website.site_added",
                    target_type="channel_account",
                    target_id=site.id,
                    details={"channel": site.channel, "name": site.name, "url": site.base_url, "tested": check.ok},
                )
                db.session.commit()
                flash(
                    _("Site added.") + " " + (check.message_id if _lang() == "id" else check.message_en),
                    "success" if check.ok else "error",
                )
                return redirect(url_for(".index"))
            db.session.rollback()
            errors.append(check.message_id if _lang() == "id" else check.message_en)
    return render_template("website/sites.html", sites=sites(), errors=errors, form=form, channels=CHANNELS), (
        400 if errors else 200
    )


@bp.post("/<int:site_id>/test")
@require("settings.manage")
def test(site_id: int):
    """Try the site's credentials: ``GET /wp-json/wp/v2/users/me?context=edit``."""
    site = _site_or_404(site_id)
    check = check_connection(site)
    record_audit("website.site_tested", target_type="channel_account", target_id=site.id, details={"ok": check.ok})
    db.session.commit()
    flash(check.message_id if _lang() == "id" else check.message_en, "success" if check.ok else "error")
    return redirect(url_for(".index"))


@bp.post("/<int:site_id>/active")
@require("settings.manage")
def set_active(site_id: int):
    site = _site_or_404(site_id)
    site.is_active = request.form.get("active") == "1"
    record_audit(
        "website.site_enabled" if site.is_active else "website.site_disabled",
        target_type="channel_account",
        target_id=site.id,
    )
    db.session.commit()
    return redirect(url_for(".index"))


@bp.post("/<int:site_id>/default")
@require("settings.manage")
def make_default(site_id: int):
    """Make this site the one items of its channel go to when they name none."""
    site = _site_or_404(site_id)
    for other in sites(site.channel):
        other.config = {**(other.config or {}), "default": other.id == site.id}
    record_audit("website.site_default", target_type="channel_account", target_id=site.id)
    db.session.commit()
    return redirect(url_for(".index"))
