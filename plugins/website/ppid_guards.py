"""Abuse guards of the public request form, with no outside service:

* a honeypot field (``website``) hidden from people; a form that fills it is answered as if
  registered and nothing is kept;
* an arithmetic challenge, signed with the hub's secret key, valid for an hour and used up by the
  first answer, right or wrong (its nonce is kept in Redis until it expires);
* throttling in Redis: at most ``ppid_requests_per_address`` requests an hour from one network
  address and ``ppid_requests_per_email`` a day for one e-mail address (both settings).
"""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from hub.sdk import plugin_config, redis_connection

CHALLENGE_SECONDS = 3600
HONEYPOT = "website"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="website-ppid-challenge")


def new_challenge() -> tuple[str, str]:
    """(question, token): ``"7 + 5"`` and the signed token the form sends back."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = _serializer().dumps({"a": a, "b": b, "n": secrets.token_hex(8)})
    return f"{a} + {b}", token


def question_of(token: str) -> str | None:
    try:
        data = _serializer().loads(token, max_age=CHALLENGE_SECONDS)
    except BadSignature:
        return None
    return f"{data['a']} + {data['b']}"


def check_challenge(token: str, answer: str) -> bool:
    """True for the right answer to an unexpired token not used before (then it is used up)."""
    try:
        data = _serializer().loads(token or "", max_age=CHALLENGE_SECONDS)
    except BadSignature:
        return False
    # the token is used up by any attempt, so a robot cannot try every answer on one question
    fresh = bool(redis_connection().set(f"website:ppid:challenge:{data['n']}", 1, nx=True, ex=CHALLENGE_SECONDS))
    return fresh and (answer or "").strip() == str(data["a"] + data["b"])


def client_address() -> str:
    return request.remote_addr or "unknown"


def _hit(key: str, window: int) -> int:
    conn = redis_connection()
    count = int(conn.incr(key))
    if count == 1:
        conn.expire(key, window)
    return count


def throttled(email_hash: str) -> bool:
    """Count this filing; True when the address or the e-mail is over its limit."""
    per_address = int(plugin_config("website", "ppid_requests_per_address") or 0)
    per_email = int(plugin_config("website", "ppid_requests_per_email") or 0)
    over = False
    if per_address and _hit(f"website:ppid:address:{client_address()}", 3600) > per_address:
        over = True
    if per_email and _hit(f"website:ppid:email:{email_hash}", 86400) > per_email:
        over = True
    return over
