"""Pages of the social plugin: the accounts page (add, edit, reconnect, test connection) and the
weighted character count the item form calls for its live counter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from hub_social.accounts import (
    CHANNELS,
    ID_FIELDS,
    SECRET_FIELDS,
    AccountError,
    add_account,
    clean_base_url,
    set_secrets,
    social_accounts,
)
from hub_social.drivers import test_connection
from hub_social.health import warnings
from hub_social.textcount import X_LIMIT, x_length

from hub.sdk import Asset, ChannelAccount, db, json_object, public, require

bp = Blueprint("social", __name__, url_prefix="/social", template_folder="templates")


def _audit(action: str, account: ChannelAccount, **details) -> None:
    try:
        from hub.sdk import record_audit
    except ImportError:  # the audit trail is not installed in this build
        return
    record_audit(action, target_type="channel_account", target_id=account.id, details=details)


def _parse_expiry(raw: str) -> dt.datetime | None:
    """A ``datetime-local`` (or date) value in the office's time zone, as aware UTC."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise AccountError(
            f"tanggal kedaluwarsa tidak dikenali / expiry date not understood: {raw!r} (YYYY-MM-DD HH:MM)"
        ) from None
    if len(raw) == 10:  # a date alone: the end of that day
        value = value.replace(hour=23, minute=59)
    return value.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"])).astimezone(dt.UTC)


def _secrets_from_form(channel: str) -> dict:
    return {f: request.form.get(f, "") for f in SECRET_FIELDS[channel]}


@bp.get("/accounts")
@require("settings.manage")
def accounts():
    return render_template(
        "social/accounts.html", accounts=social_accounts(), warnings=warnings(), secret_fields=SECRET_FIELDS
    )


@bp.post("/accounts")
@require("settings.manage")
def add():
    channel = request.form.get("channel", "")
    try:
        if channel not in CHANNELS:
            raise AccountError(f"kanal tidak dikenal / unknown channel {channel!r}")
        account = add_account(
            channel,
            request.form.get("name", ""),
            _secrets_from_form(channel),
            base_url=request.form.get("base_url", ""),
            page_id=request.form.get("page_id", ""),
            ig_user_id=request.form.get("ig_user_id", ""),
            expires_at=_parse_expiry(request.form.get("expires_at", "")),
        )
        db.session.flush()
    except AccountError as exc:
        db.session.rollback()
        flash(_("The account was not added: %(reason)s", reason=str(exc)), "error")
        return render_template(
            "social/accounts.html",
            accounts=social_accounts(),
            warnings=warnings(),
            secret_fields=SECRET_FIELDS,
            form=request.form,
        ), 422
    _audit("social.account_added", account, channel=channel, name=account.name)
    db.session.commit()
    flash(_("Account added. Test the connection now."), "success")
    return redirect(url_for(".account", account_id=account.id))


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@require("settings.manage")
def account(account_id: int):
    acc = db.session.get(ChannelAccount, account_id)
    if acc is None or acc.channel not in CHANNELS:
        abort(404)
    if request.method == "POST":
        try:
            name = request.form.get("name", "").strip()
            if not name:
                raise AccountError("nama akun wajib diisi / the account needs a name")
            acc.name = name
            acc.base_url = clean_base_url(request.form.get("base_url", ""))
            acc.is_active = request.form.get("is_active") == "on"
            acc.expires_at = _parse_expiry(request.form.get("expires_at", ""))
            id_field = ID_FIELDS.get(acc.channel)
            if id_field and request.form.get(id_field, "").strip():
                acc.config = {**(acc.config or {}), id_field: request.form[id_field].strip()}
            new_secrets = _secrets_from_form(acc.channel)
            if any(v.strip() for v in new_secrets.values()):
                set_secrets(acc, new_secrets)
        except AccountError as exc:
            db.session.rollback()
            flash(_("Not saved: %(reason)s", reason=str(exc)), "error")
            return _account_page(acc), 422
        changed = sorted(k for k, v in new_secrets.items() if v.strip())
        _audit("social.account_changed", acc, active=acc.is_active, credentials_replaced=changed)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".account", account_id=acc.id))
    return _account_page(acc)


def _account_page(acc: ChannelAccount) -> str:
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return render_template("social/account.html", account=acc, secret_fields=SECRET_FIELDS[acc.channel], tz=tz)


@bp.post("/accounts/<int:account_id>/test")
@require("settings.manage")
def test(account_id: int):
    acc = db.session.get(ChannelAccount, account_id)
    if acc is None or acc.channel not in CHANNELS:
        abort(404)
    ok, message = test_connection(acc)
    _audit("social.account_tested", acc, ok=ok)
    db.session.commit()
    flash(message, "success" if ok else "error")
    return redirect(url_for(".account", account_id=acc.id))


@bp.post("/accounts/<int:account_id>/youtube/connect")
@require("settings.manage")
def youtube_connect(account_id: int):
    """Send the admin to Google's consent page for this channel."""
    from flask import g
    from hub_social.accounts import credentials
    from hub_social.youtube_oauth import consent_url

    acc = db.session.get(ChannelAccount, account_id)
    if acc is None or acc.channel != "youtube":
        abort(404)
    return redirect(consent_url(acc, credentials(acc).secrets.get("client_id", ""), g.user.id))


@bp.get("/youtube/callback")
@require("settings.manage")
def youtube_callback():
    """Google's answer: the code becomes the refresh token (stored encrypted)."""
    from flask import g
    from hub_social.accounts import credentials, set_refresh_token
    from hub_social.youtube_client import exchange_code
    from hub_social.youtube_oauth import account_of_state, redirect_uri

    account_id = account_of_state(request.args.get("state", ""), g.user.id)
    acc = db.session.get(ChannelAccount, account_id) if account_id is not None else None
    if acc is None or acc.channel != "youtube":
        flash(_("The consent answer is not valid or is too old; connect again."), "error")
        return redirect(url_for(".accounts"))
    if request.args.get("error") or not request.args.get("code"):
        flash(_("Google did not give consent: %(reason)s", reason=request.args.get("error", "-")), "error")
        return redirect(url_for(".account", account_id=acc.id))
    secrets = credentials(acc).secrets
    answer = exchange_code(
        acc.base_url, secrets.get("client_id", ""), secrets.get("client_secret", ""), request.args["code"],
        redirect_uri(),
    )  # fmt: skip
    if not answer.get("refresh_token"):
        flash(_("Google did not give consent: %(reason)s", reason=answer.get("error", "-")), "error")
        return redirect(url_for(".account", account_id=acc.id))
    set_refresh_token(acc, answer["refresh_token"])
    _audit("social.account_connected", acc, channel="youtube")
    ok, message = test_connection(acc)
    db.session.commit()
    flash(message, "success" if ok else "error")
    return redirect(url_for(".account", account_id=acc.id))


@bp.post("/count")
@require("item.create")
def count():
    """The weighted X count of a text, for the item form's live counter.

    It is the X channel's ``count_url``, called by the core's ``static/variants.js``."""
    text = json_object(required=False).get("text", "")
    length = x_length(str(text))
    return jsonify(channel="x", length=length, limit=X_LIMIT, valid=length <= X_LIMIT)


@bp.post("/count/instagram")
@require("item.create")
def count_instagram():
    """An Instagram caption's count for the item form's live counter (the channel's ``count_url``):
    valid only within all three rules (characters, hashtags, mentions)."""
    from hub_social import content
    from hub_social.textcount import instagram_counts

    c = instagram_counts(str(json_object(required=False).get("text", "")))
    valid = (
        c["length"] <= content.IG_CAPTION_MAX
        and c["hashtags"] <= content.IG_HASHTAGS_MAX
        and c["mentions"] <= content.IG_MENTIONS_MAX
    )
    return jsonify(channel="instagram", limit=content.IG_CAPTION_MAX, valid=valid, **c)


@bp.get("/public/<token>.jpg")
@public
def public_image(token: str):
    """An image Instagram fetches for a container (``image_url``): a signed, short-lived link, as JPEG.

    The signature is the access check (see :mod:`hub_social.public_media`); a forged or expired
    link, a deleted asset or one that is not an image answer 404 and show nothing else.
    """
    from hub_social.public_media import as_jpeg, asset_id_of

    from hub.sdk import FileGone, asset_path

    asset_id = asset_id_of(token)
    asset = db.session.get(Asset, asset_id) if asset_id is not None else None
    if asset is None or asset.kind != "image" or asset.deleted_at is not None:
        abort(404)
    try:
        path = asset_path(asset)
    except FileGone:
        abort(404)
    response = current_app.response_class(as_jpeg(path, asset.mime), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response
