"""Pages of the messaging plugin: linking Telegram and verifying WhatsApp on one's account, the
admin's settings (tokens encrypted at rest, template names, a test message) and the two webhooks."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from hub_messaging import telegram, whatsapp
from hub_messaging.models import TelegramChat, WhatsAppNumber
from hub_messaging.secrets import get_secret, set_secret

from hub.sdk import Notification, Setting, csrf_exempt, db, notify_now, public, require

bp = Blueprint("messaging", __name__, url_prefix="/messaging", template_folder="templates")

#: settings the admin page edits (plain values; the secrets are in hub_messaging.secrets)
PLAIN = (
    "telegram_bot_username",
    "whatsapp_phone_number_id",
    "whatsapp_template_notify",
    "whatsapp_template_code",
    "whatsapp_template_language",
)
SECRETS = ("telegram_bot_token", "whatsapp_token", "whatsapp_app_secret", "whatsapp_verify_token")


# --- my account ------------------------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@require("account.self")
def account():
    """Link Telegram (a one-time deep link), verify a WhatsApp number (a one-time code)."""
    link = expires = None
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "telegram_link":
            link, expires = telegram.new_link(g.user)
            db.session.commit()
        elif action == "telegram_unlink":
            db.session.execute(db.delete(TelegramChat).where(TelegramChat.user_id == g.user.id))
            db.session.commit()
            flash(_("Telegram is no longer linked."), "success")
            return redirect(url_for("messaging.account"))
        elif action == "whatsapp_number":
            return _start_whatsapp(request.form.get("phone", ""))
        elif action == "whatsapp_code":
            outcome = whatsapp.confirm(g.user, request.form.get("code", ""))
            db.session.commit()
            messages = {
                "verified": (_("Your WhatsApp number is verified."), "success"),
                "wrong": (_("That code is not right. Check the message and try again."), "error"),
                "expired": (_("The code has expired. Ask for a new one."), "error"),
                "none": (_("No code is waiting. Enter your number first."), "error"),
            }
            flash(*messages[outcome])
            return redirect(url_for("messaging.account"))
        elif action == "whatsapp_remove":
            db.session.execute(db.delete(WhatsAppNumber).where(WhatsAppNumber.user_id == g.user.id))
            db.session.commit()
            flash(_("Your WhatsApp number is removed."), "success")
            return redirect(url_for("messaging.account"))
        else:
            abort(400)
    return render_template(
        "messaging/account.html",
        chat=db.session.get(TelegramChat, g.user.id),
        number=db.session.get(WhatsAppNumber, g.user.id),
        link=link,
        expires=expires,
        telegram_ready=bool(get_secret("telegram_bot_token") and telegram.bot_username()),
        whatsapp_ready=whatsapp.WhatsAppNotifier().available(),
        now=notify_now(),
    )


def _start_whatsapp(raw: str):
    phone = whatsapp.normalise(raw)
    if phone is None:
        flash(_("Enter a phone number with its area code, for example 0812 3456 7890."), "error")
        return redirect(url_for("messaging.account"))
    try:
        whatsapp.start_verification(g.user, phone)
    except whatsapp.WhatsAppError as exc:
        db.session.rollback()
        flash(_("WhatsApp did not accept the code message: %(reason)s", reason=exc.message), "error")
        return redirect(url_for("messaging.account"))
    db.session.commit()
    flash(_("A code was sent to %(phone)s on WhatsApp. Enter it below.", phone="+" + phone), "success")
    return redirect(url_for("messaging.account"))


# --- the admin's settings -------------------------------------------------------------------------------


@bp.route("/admin", methods=["GET", "POST"])
@require("settings.manage")
def admin():
    """Bot token, WhatsApp phone number id and token, template names, a test message."""
    if request.method == "POST":
        action = request.form.get("action", "save")
        if action == "save":
            _save_settings()
        elif action == "webhook":
            try:
                telegram.set_webhook(current_app.config["BASE_URL"].rstrip("/") + url_for("messaging.telegram_webhook"))
                db.session.commit()
                flash(_("Telegram will send updates to this hub."), "success")
            except telegram.TelegramError as exc:
                flash(_("Telegram refused: %(reason)s", reason=exc.description), "error")
        elif action == "test":
            _send_test()
        return redirect(url_for("messaging.admin"))
    from hub.sdk import plugin_config

    return render_template(
        "messaging/admin.html",
        values={k: plugin_config("messaging", k) or "" for k in PLAIN},
        stored={k: bool(get_secret(k)) for k in SECRETS},
        webhook_url=current_app.config["BASE_URL"].rstrip("/") + url_for("messaging.whatsapp_webhook"),
    )


def _save_settings() -> None:
    for key in PLAIN:
        value = request.form.get(key, "").strip()
        row = db.session.get(Setting, ("messaging", key))
        if row is None:
            db.session.add(Setting(namespace="messaging", key=key, value=value))
        else:
            row.value = value
    for key in SECRETS:
        value = request.form.get(key, "").strip()
        if value:  # an empty field keeps the stored secret; "clear" removes it
            set_secret(key, value)
        elif request.form.get(f"clear_{key}"):
            set_secret(key, "")
    db.session.commit()
    flash(_("Settings saved."), "success")


def _send_test() -> None:
    """A test message to the admin's own linked Telegram chat and verified WhatsApp number."""
    note = Notification(
        kind="test",
        title_id="Pesan uji dari hub",
        title_en="Test message from the hub",
        body_id="Jika Anda membaca ini, notifikasi sampai.",
        body_en="If you read this, notifications arrive.",
        url=url_for("notify.preferences_page"),
        data={"item": "Pesan uji", "step_id": "-", "step_en": "-", "due_id": "-", "due_en": "-"},
    )
    sent = 0
    for notifier in (telegram.TelegramNotifier(), whatsapp.WhatsAppNotifier()):
        address = notifier.addresses([g.user]).get(g.user.id) if notifier.available() else None
        if not address:
            continue
        try:
            notifier.deliver(note, g.user, address)
            sent += 1
        except Exception as exc:  # noqa: BLE001 - shown to the admin as it is
            flash(_("%(medium)s: %(reason)s", medium=notifier.label_en, reason=str(exc)), "error")
    if sent:
        flash(_("Test message sent."), "success")
    else:
        flash(_("Link your own Telegram or WhatsApp on your account page first."), "error")


# --- webhooks ----------------------------------------------------------------------------------------------


@bp.post("/telegram/webhook")
@public
@csrf_exempt
def telegram_webhook():
    """Updates from Telegram; refused unless the secret token header matches the one we gave."""
    if not telegram.secret_matches(request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
        return jsonify(error="forbidden"), 403
    update = request.get_json(silent=True)
    if not isinstance(update, dict):
        return jsonify(error="bad update"), 400
    outcome = telegram.handle_update(update)
    db.session.commit()
    return jsonify(ok=True, outcome=outcome)


@bp.get("/whatsapp/webhook")
@public
def whatsapp_webhook_check():
    """Meta's subscription check: echo ``hub.challenge`` when ``hub.verify_token`` is ours."""
    expected = get_secret("whatsapp_verify_token")
    if request.args.get("hub.mode") == "subscribe" and expected and request.args.get("hub.verify_token") == expected:
        return request.args.get("hub.challenge", ""), 200, {"Content-Type": "text/plain"}
    return "forbidden", 403


@bp.post("/whatsapp/webhook")
@public
@csrf_exempt
def whatsapp_webhook():
    """Delivery statuses; refused unless ``X-Hub-Signature-256`` is the HMAC of the body."""
    raw = request.get_data(cache=True)
    if not whatsapp.signature_matches(raw, request.headers.get("X-Hub-Signature-256")):
        return jsonify(error="forbidden"), 403
    try:
        payload = json.loads(raw or b"{}")
    except ValueError:
        return jsonify(error="bad payload"), 400
    changed = whatsapp.record_statuses(payload if isinstance(payload, dict) else {})
    db.session.commit()
    return jsonify(ok=True, recorded=changed)
