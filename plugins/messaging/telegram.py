"""Telegram: the Bot API over HTTPS with ``requests``.

* Messages: ``sendMessage`` with ``chat_id``, the text in HTML (``parse_mode="HTML"``, escaped) and
  an inline keyboard with one URL button opening the item page. Nothing in a message decides
  anything: the button only opens the hub, where the person logs in and decides.
* Linking: the account page makes a one-time token (valid 15 minutes, kept as its SHA-256) and
  shows ``https://t.me/<bot>?start=<token>``; Telegram sends ``/start <token>`` from the person's
  chat, and the chat is linked. A used or expired token is refused. ``/stop`` unlinks the chat.
* Updates arrive by webhook (``X-Telegram-Bot-Api-Secret-Token`` checked against the secret
  given to ``setWebhook``) or, for a hub without a public address, by long polling
  (``getUpdates``, ``hub messaging telegram-poll``).
* Errors: 429 (``parameters.retry_after``) and 5xx are retried; 403 ("bot was blocked by the
  user", "user is deactivated") and 400 "chat not found" are definite refusals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import logging
import secrets as pysecrets

from flask_babel import force_locale
from flask_babel import gettext as _
from hub_messaging.models import LinkToken, TelegramChat
from hub_messaging.secrets import get_secret

from hub.sdk import (
    DeliveryRefused,
    Notifier,
    Setting,
    TransientDeliveryError,
    db,
    notification_link,
    notify_now,
    plugin_config,
)

log = logging.getLogger(__name__)
LINK_MINUTES = 15
TIMEOUT = 20


class TelegramError(Exception):
    def __init__(self, status: int, description: str, retry_after: float | None = None):
        super().__init__(f"Telegram {status}: {description}")
        self.status, self.description, self.retry_after = status, description, retry_after


def api_base() -> str:
    return str(plugin_config("messaging", "telegram_api_base") or "https://api.telegram.org").rstrip("/")


def bot_username() -> str:
    return str(plugin_config("messaging", "telegram_bot_username") or "").lstrip("@")


def call(method: str, payload: dict, *, token: str | None = None, timeout: float = TIMEOUT) -> object:
    """POST one Bot API method; the ``result``, or :class:`TelegramError` with Telegram's words."""
    import requests  # here, not at import: the app is built without it

    token = token or get_secret("telegram_bot_token")
    if not token:
        raise TelegramError(0, "no bot token configured")
    try:
        resp = requests.post(f"{api_base()}/bot{token}/{method}", json=payload, timeout=timeout)
    except requests.RequestException as exc:
        raise TelegramError(0, f"{type(exc).__name__}: {exc}") from exc
    try:
        body = resp.json()
    except ValueError:
        body = {"ok": False, "description": resp.text[:200]}
    if resp.status_code == 200 and body.get("ok"):
        return body.get("result")
    params = body.get("parameters") or {}
    raise TelegramError(resp.status_code, str(body.get("description") or resp.reason), params.get("retry_after"))


def _lang(person) -> str:
    return "en" if getattr(person, "language", "id") == "en" else "id"


def message_payload(notification, person, chat_id: str) -> dict:
    """The ``sendMessage`` body: title in bold, the text, a button opening the page (never deciding)."""
    lang = _lang(person)
    text = f"<b>{html.escape(notification.title(lang))}</b>"
    if notification.body(lang):
        text += "\n" + html.escape(notification.body(lang))
    payload = {"chat_id": chat_id, "text": text[:4096], "parse_mode": "HTML", "disable_web_page_preview": True}
    link = notification_link(notification)
    if link:
        with force_locale(lang):
            label = _("Open in the hub")
        payload["reply_markup"] = {"inline_keyboard": [[{"text": label, "url": link}]]}
    return payload


def as_delivery_error(exc: TelegramError) -> Exception:
    description = exc.description.lower()
    if exc.status == 429:
        return TransientDeliveryError(str(exc), retry_after=exc.retry_after)
    if exc.status == 403 or (exc.status == 400 and ("chat not found" in description or "deactivated" in description)):
        return DeliveryRefused(f"Telegram menolak: {exc.description}", f"Telegram refused: {exc.description}")
    return TransientDeliveryError(str(exc))


class TelegramNotifier(Notifier):
    code = "telegram"
    label_id = "Telegram"
    label_en = "Telegram"
    quiet = True
    setup_endpoint = "messaging.account"

    def available(self) -> bool:
        return bool(get_secret("telegram_bot_token"))

    def addresses(self, users: list) -> dict[int, str]:
        ids = [u.id for u in users]
        if not ids:
            return {}
        rows = db.session.execute(
            db.select(TelegramChat.user_id, TelegramChat.chat_id).where(TelegramChat.user_id.in_(ids))
        ).all()
        return {user_id: chat_id for user_id, chat_id in rows}

    def deliver(self, notification, person, address: str) -> str | None:
        chat = db.session.get(TelegramChat, person.id)
        if chat is None or chat.chat_id != address:
            raise DeliveryRefused("Akun Telegram sudah tidak terhubung", "The Telegram account is no longer linked")
        try:
            result = call("sendMessage", message_payload(notification, person, address))
        except TelegramError as exc:
            raise as_delivery_error(exc) from exc
        return str((result or {}).get("message_id") or "") or None


# --- linking ---------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(user) -> tuple[str, dt.datetime]:
    """A fresh one-time deep link for ``user`` and when it expires (no commit)."""
    token = pysecrets.token_urlsafe(24)
    expires = notify_now() + dt.timedelta(minutes=LINK_MINUTES)
    db.session.add(LinkToken(user_id=user.id, token_hash=_hash(token), expires_at=expires, created_at=notify_now()))
    return f"https://t.me/{bot_username()}?start={token}", expires


def link_chat(token: str, chat_id: str, username: str = "") -> int | None:
    """Use a deep-link token: the linked user's id, or None (unknown, used or expired). No commit."""
    row = db.session.execute(db.select(LinkToken).where(LinkToken.token_hash == _hash(token))).scalar()
    now = notify_now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    taken = db.session.execute(
        db.update(LinkToken)
        .where(LinkToken.id == row.id, LinkToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return None
    # one chat reaches one person, one person is reached in one chat
    db.session.execute(
        db.delete(TelegramChat).where(TelegramChat.chat_id == chat_id, TelegramChat.user_id != row.user_id)
    )
    chat = db.session.get(TelegramChat, row.user_id)
    if chat is None:
        db.session.add(TelegramChat(user_id=row.user_id, chat_id=chat_id, username=username[:100], linked_at=now))
    else:
        chat.chat_id, chat.username, chat.linked_at = chat_id, username[:100], now
    return row.user_id


def unlink_chat(chat_id: str) -> int:
    return db.session.execute(db.delete(TelegramChat).where(TelegramChat.chat_id == chat_id)).rowcount


REPLIES = {
    "linked": (
        "Akun hub Anda terhubung. Notifikasi akan dikirim ke sini. Kirim /stop untuk memutus.",
        "Your hub account is linked. Notifications will come here. Send /stop to unlink.",
    ),
    "refused": (
        "Tautan ini tidak berlaku (sudah dipakai atau kedaluwarsa). Buat tautan baru di halaman akun hub.",
        "This link is not valid (already used or expired). Make a new one on your hub account page.",
    ),
    "stopped": (
        "Akun hub Anda tidak lagi terhubung ke obrolan ini.",
        "Your hub account is no longer linked to this chat.",
    ),
    "help": (
        "Buka halaman akun di hub dan pilih Hubungkan Telegram untuk menerima notifikasi di sini.",
        "Open your account page in the hub and choose Link Telegram to get notifications here.",
    ),
}


def handle_update(update: dict) -> str:
    """Act on one update (``/start <token>``, ``/stop``); returns what was done. No commit."""
    message = update.get("message") or {}
    chat = message.get("chat") or {}
    text = str(message.get("text") or "").strip()
    if not chat.get("id") or not text.startswith("/"):
        return "ignored"
    chat_id = str(chat["id"])
    lang = "en" if str((message.get("from") or {}).get("language_code") or "").startswith("en") else "id"
    command, _, arg = text.partition(" ")
    command = command.split("@")[0]
    if command == "/start" and arg.strip():
        user_id = link_chat(arg.strip(), chat_id, str((message.get("from") or {}).get("username") or ""))
        outcome = "linked" if user_id else "refused"
    elif command == "/stop":
        unlink_chat(chat_id)
        outcome = "stopped"
    else:
        outcome = "help"
    _reply(chat_id, REPLIES[outcome][0 if lang == "id" else 1])
    return outcome


def _reply(chat_id: str, text: str) -> None:
    try:
        call("sendMessage", {"chat_id": chat_id, "text": text})
    except TelegramError as exc:  # the link is made; a lost reply changes nothing
        log.warning("Telegram reply to %s failed: %s", chat_id, exc)


def secret_matches(header: str | None) -> bool:
    expected = get_secret("telegram_webhook_secret")
    return bool(expected) and header is not None and hmac.compare_digest(header.encode(), expected.encode())


OFFSET_KEY = ("messaging.state", "telegram_update_offset")


def poll_once(timeout: int = 0) -> int:
    """Long polling (no public address): fetch and handle the waiting updates; returns how many."""
    row = db.session.get(Setting, OFFSET_KEY)
    offset = int(row.value) if row is not None and row.value else 0
    updates = call(
        "getUpdates", {"offset": offset, "timeout": timeout, "allowed_updates": ["message"]}, timeout=TIMEOUT + timeout
    )
    for update in updates or []:
        handle_update(update)
        offset = max(offset, int(update["update_id"]) + 1)
    if row is None:
        db.session.add(Setting(namespace=OFFSET_KEY[0], key=OFFSET_KEY[1], value=offset))
    else:
        row.value = offset
    db.session.commit()
    return len(updates or [])


def set_webhook(url: str) -> None:
    """Tell Telegram where to send updates, with the secret it must send back (a new one each time)."""
    from hub_messaging.secrets import set_secret

    secret = pysecrets.token_urlsafe(32)
    call("setWebhook", {"url": url, "secret_token": secret, "allowed_updates": ["message"]})
    set_secret("telegram_webhook_secret", secret)
