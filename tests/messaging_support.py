"""Stubs of the Telegram Bot API and the WhatsApp Cloud API on 127.0.0.1, and the set-up of the
messaging plugin against them.

They check what the real services check and answer as they answer:

* Telegram (``{"ok": false, "error_code", "description", "parameters"}`` bodies): the bot token
  in the path (``/bot<token>/<method>``; another token -> 401 "Unauthorized"); ``sendMessage``
  needs a ``chat_id`` of a chat that started the bot (else 400 "chat not found"), a known
  ``parse_mode`` with text that parses in it (HTML: only Telegram's tags, every ``<`` a tag,
  else 400 "can't parse entities"), and a ``reply_markup`` that is an inline keyboard of
  buttons with a ``text`` and one of ``url`` (http/https) or ``callback_data``. A chat in
  :attr:`TelegramStub.blocked` -> 403 "Forbidden: bot was blocked by the user";
  :meth:`TelegramStub.rate_limit_next` -> 429 with ``parameters.retry_after``.
  ``getUpdates`` is refused (409) while a webhook is set.
* WhatsApp (Graph ``{"error": {"message", "type", "code", "fbtrace_id"}}`` bodies): a version
  prefix ``/vNN.N/`` (recorded), the phone number id, ``Authorization: Bearer <token>`` (else
  401, code 190), ``messaging_product="whatsapp"``, a template by name *and* language that is
  approved (else 404, code 132001) and exactly its number of body parameters (else 400, code
  132000).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets

from flask import jsonify, request

from tests.stubs.social_server import StubServer

BOT_TOKEN = "7012345678:AAF-diskominfo-bot-token-xyz"
BOT_USERNAME = "diskominfo_hub_bot"
WA_TOKEN = "EAAG-whatsapp-system-user-token"
WA_PHONE_ID = "109876543210987"
WA_APP_SECRET = "wa-app-secret-for-signatures"
GRAPH_VERSION = "v21.0"
TEMPLATES = {("hub_notifikasi", "id"): 5, ("hub_kode_verifikasi", "id"): 1}

_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
}


def _tg_error(status: int, description: str, **parameters):
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return jsonify(body), status


def _html_parses(text: str) -> bool:
    for match in re.finditer(r"<(/?)([a-zA-Z-]*)[^>]*>|<", text):
        if match.group(0) == "<" or match.group(2).lower() not in _HTML_TAGS:
            return False
    return not re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text)


class TelegramStub(StubServer):
    name = "telegram"

    def __init__(self, token: str = BOT_TOKEN):
        self.token = token
        self.chats: set[str] = set()
        self.blocked: set[str] = set()
        self.sent: list[dict] = []
        self.updates: list[dict] = []
        self.webhook: dict | None = None
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(500)
        super().__init__()

    def rate_limit_next(self, retry_after: int) -> None:
        self.fail_next(
            "POST",
            f"/bot{self.token}/sendMessage",
            lambda: _tg_error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after),
        )

    def user_sends(self, chat_id: str, text: str, *, username: str = "vera_v", language: str = "id") -> dict:
        """What Telegram delivers when a person writes to the bot (kept for ``getUpdates`` too)."""
        self.chats.add(str(chat_id))
        update = {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": next(self._ids),
                "from": {"id": int(chat_id), "is_bot": False, "username": username, "language_code": language},
                "chat": {"id": int(chat_id), "type": "private"},
                "date": 1_760_000_000,
                "text": text,
            },
        }
        self.updates.append(update)
        return update

    def to(self, chat_id: str) -> list[dict]:
        return [m for m in self.sent if str(m["chat_id"]) == str(chat_id)]

    def routes(self) -> None:
        @self.app.post("/bot<token>/<method>")
        def method(token: str, method: str):
            failure = self.guard()
            if failure is not None:
                return failure
            if token != self.token:
                return _tg_error(401, "Unauthorized")
            body = request.get_json(silent=True)
            if body is None:
                body = request.form.to_dict()
            handler = getattr(self, f"_{method}", None)
            if handler is None:
                return _tg_error(404, "Not Found: method not found")
            return handler(body)

    def _sendMessage(self, body: dict):  # noqa: N802 - Telegram's method name
        chat_id = str(body.get("chat_id") or "")
        if not chat_id:
            return _tg_error(400, "Bad Request: chat_id is empty")
        if chat_id in self.blocked:
            return _tg_error(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.chats:
            return _tg_error(400, "Bad Request: chat not found")
        text = body.get("text") or ""
        if not text.strip():
            return _tg_error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return _tg_error(400, "Bad Request: message is too long")
        mode = body.get("parse_mode")
        if mode not in (None, "HTML", "MarkdownV2", "Markdown"):
            return _tg_error(400, f"Bad Request: unsupported parse_mode {mode!r}")
        if mode == "HTML" and not _html_parses(text):
            return _tg_error(400, "Bad Request: can't parse entities: unsupported start tag")
        markup = body.get("reply_markup")
        if markup is not None:
            if isinstance(markup, str):
                try:
                    markup = json.loads(markup)
                except ValueError:
                    return _tg_error(400, "Bad Request: can't parse reply keyboard markup JSON object")
            rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                return _tg_error(
                    400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
                )
            for button in (b for r in rows for b in r):
                kinds = [k for k in ("url", "callback_data", "login_url", "web_app") if k in button]
                if not button.get("text") or len(kinds) != 1:
                    return _tg_error(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
                if "url" in button and not re.match(r"^https?://", str(button["url"])):
                    return _tg_error(400, "Bad Request: inline keyboard button URL is invalid")
            body = {**body, "reply_markup": markup}
        with self.lock:
            message_id = next(self._ids)
            self.sent.append({**body, "message_id": message_id})
        return jsonify(
            ok=True,
            result={"message_id": message_id, "chat": {"id": int(chat_id)}, "date": 1_760_000_001, "text": text},
        )

    def _getUpdates(self, body: dict):  # noqa: N802
        if self.webhook is not None:
            return _tg_error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(body.get("offset") or 0)
        return jsonify(ok=True, result=[u for u in self.updates if u["update_id"] >= offset])

    def _setWebhook(self, body: dict):  # noqa: N802
        token = body.get("secret_token") or ""
        if token and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", token):
            return _tg_error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = dict(body)
        return jsonify(ok=True, result=True, description="Webhook was set")

    def _deleteWebhook(self, body: dict):  # noqa: N802
        self.webhook = None
        return jsonify(ok=True, result=True, description="Webhook was deleted")


def _graph_error(status: int, code: int, message: str, type_: str = "OAuthException"):
    body = {"error": {"message": message, "type": type_, "code": code, "fbtrace_id": secrets.token_hex(6)}}
    return jsonify(body), status


class WhatsAppStub(StubServer):
    name = "whatsapp"

    def __init__(self):
        self.token = WA_TOKEN
        self.phone_id = WA_PHONE_ID
        self.templates = dict(TEMPLATES)
        self.versions: set[str] = set()
        self.sent: list[dict] = []
        self._ids = itertools.count(1)
        super().__init__()

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.sent if m["to"] == phone]

    def routes(self) -> None:
        @self.app.post("/<version>/<phone_id>/messages")
        def messages(version: str, phone_id: str):
            failure = self.guard()
            if failure is not None:
                return failure
            if not re.fullmatch(r"v\d+\.\d+", version):
                return _graph_error(400, 2500, f"Unknown path components: /{version}/{phone_id}/messages")
            self.versions.add(version)
            auth = request.headers.get("Authorization", "")
            if auth != f"Bearer {self.token}":
                return _graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
            if phone_id != self.phone_id:
                return _graph_error(400, 100, f"Unsupported post request. Object with ID '{phone_id}' does not exist")
            body = request.get_json(silent=True) or {}
            if body.get("messaging_product") != "whatsapp":
                return _graph_error(400, 100, "(#100) The parameter messaging_product is required.")
            if body.get("type") != "template":
                return _graph_error(400, 131047, "Re-engagement message", "OAuthException")
            template = body.get("template") or {}
            key = (template.get("name"), (template.get("language") or {}).get("code"))
            if key not in self.templates:
                return _graph_error(404, 132001, "(#132001) Template name does not exist in the translation")
            params = [
                p
                for c in template.get("components") or []
                if c.get("type") == "body"
                for p in c.get("parameters") or []
            ]
            if len(params) != self.templates[key] or any(p.get("type") != "text" or not p.get("text") for p in params):
                return _graph_error(
                    400, 132000, "(#132000) Number of parameters does not match the expected number of params"
                )
            to = str(body.get("to") or "")
            with self.lock:
                wamid = f"wamid.HBgN{next(self._ids):08d}"
                self.sent.append(
                    {
                        "to": to,
                        "template": key[0],
                        "language": key[1],
                        "params": [p["text"] for p in params],
                        "id": wamid,
                    }
                )
            return jsonify(
                messaging_product="whatsapp", contacts=[{"input": to, "wa_id": to}], messages=[{"id": wamid}]
            )


def status_payload(wamid: str, status: str, phone: str, errors: list | None = None) -> dict:
    """A WhatsApp status webhook body, as Meta sends it."""
    entry = {"id": wamid, "status": status, "timestamp": "1760000100", "recipient_id": phone}
    if errors:
        entry["errors"] = errors
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA-1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": WA_PHONE_ID},
                            "statuses": [entry],
                        },
                    }
                ],
            }
        ],
    }


def signed(body: bytes, secret: str = WA_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def configure(telegram: TelegramStub | None = None, whatsapp: WhatsAppStub | None = None) -> None:
    """Point the messaging plugin at the stubs, as the admin page would (tokens encrypted)."""
    from hub_messaging.secrets import set_secret

    from hub.extensions import db
    from hub.models import Setting

    values = {}
    if telegram is not None:
        values.update(telegram_api_base=telegram.url, telegram_bot_username=BOT_USERNAME)
        set_secret("telegram_bot_token", BOT_TOKEN)
        set_secret("telegram_webhook_secret", "tg-webhook-secret-123")
    if whatsapp is not None:
        values.update(
            whatsapp_api_base=whatsapp.url,
            whatsapp_graph_version=GRAPH_VERSION,
            whatsapp_phone_number_id=WA_PHONE_ID,
        )
        set_secret("whatsapp_token", WA_TOKEN)
        set_secret("whatsapp_app_secret", WA_APP_SECRET)
    for key, value in values.items():
        db.session.merge(Setting(namespace="messaging", key=key, value=value))
    db.session.commit()


# --- fixtures (imported by the test modules) -------------------------------------------------------

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from tests.workflow_support import CheckedPlugin, assign  # noqa: E402

WIB = dt.timezone(dt.timedelta(hours=7))
#: a Wednesday at 10:00 in Jakarta: inside working hours
WORKING = dt.datetime(2026, 12, 9, 10, 0, tzinfo=WIB)
BASE_URL = "https://hub.example.go.id"


@pytest.fixture
def telegram_stub():
    with TelegramStub() as stub:
        yield stub
    assert not stub.errors, stub.errors


@pytest.fixture
def whatsapp_stub():
    with WhatsAppStub() as stub:
        yield stub
    assert not stub.errors, stub.errors


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()], SMTP_HOST="", BASE_URL=BASE_URL, NOTIFY_NOW=WORKING)
    with app.app_context():
        yield app


@pytest.fixture
def flow(people):
    """SOP 000 (a display request) for items of requesting offices on the test channel."""
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )


def set_clock(app, moment: dt.datetime) -> None:
    app.config["NOTIFY_NOW"] = moment


def link_telegram(app, client, telegram_stub, chat_id: str, secret: str = "tg-webhook-secret-123") -> str:
    """The account page's deep link, opened in Telegram (``/start <token>`` through the webhook)."""
    page = client.post("/messaging/account", data={"action": "telegram_link"})
    assert page.status_code == 200
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)
    assert send_update(app, telegram_stub.user_sends(chat_id, f"/start {match.group(1)}"), secret).status_code == 200
    return match.group(1)


def send_update(app, update: dict, secret: str = "tg-webhook-secret-123"):
    return app.test_client().post(
        "/messaging/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )


def deliveries(medium: str | None = None) -> list:
    from hub.extensions import db
    from hub.notify.models import NotificationDelivery

    db.session.expire_all()
    stmt = db.select(NotificationDelivery).order_by(NotificationDelivery.id)
    if medium:
        stmt = stmt.where(NotificationDelivery.medium == medium)
    return list(db.session.execute(stmt).scalars())
