"""A local stub of the X API v2 (posts, users, v2 media upload), on 127.0.0.1, for tests.

It checks what X checks and answers as X answers (bodies in the v2 "problem" format):

* every request carries ``Authorization: OAuth …`` (OAuth 1.0a user context) with
  HMAC-SHA1, a fresh timestamp, an unused nonce, a known consumer key and access token,
  and a signature that VERIFIES with the consumer and token secrets over the real URL
  (``https://api.x.com`` or ``https://api.twitter.com`` + path: the client signs the real
  host and its transport sends the request here). Anything else: 401 Unauthorized.
* ``POST /2/tweets``: JSON; text or media required; text at most 280 weighted
  characters (twitter-text rules; 400 "Your Tweet text is too long…"); media ids must be the
  user's and processed; a reply
  must point at an existing post; the same text twice -> 403 "duplicate content".
* (in ``x_media.py``) ``POST /2/media/upload`` (one-shot image, multipart ``media`` + ``media_category``),
  ``/2/media/upload/initialize`` (JSON), ``/{id}/append`` (multipart ``segment_index`` +
  ``media``), ``/{id}/finalize``, ``GET /2/media/upload?command=STATUS`` (processing goes
  pending -> in_progress -> succeeded with ``check_after_secs``), ``POST /2/media/metadata``.
  File bytes are checked (PNG/JPEG/GIF/WebP signatures, an MP4 ``ftyp`` box), sizes too.
* ``GET /2/users/me``, ``GET /2/users/:id/tweets`` (``start_time``; ``created_at``,
  ``referenced_tweets`` and ``attachments.media_keys`` only when ``tweet.fields`` asks, as X
  does), ``DELETE /2/tweets/:id``.
* every answer has ``x-rate-limit-limit/remaining/reset`` headers.

Switches: :meth:`rate_limit_next` (429 with ``x-rate-limit-reset``), :meth:`unauthorized_next`,
:meth:`server_error_next`, :meth:`lose_next_answer` (post accepted, connection dropped).
What it got is in :attr:`tweets` and :attr:`media`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import time
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from flask import g, jsonify, request
from twitter_text import parse_tweet

from tests.stubs.social_server import StubServer
from tests.stubs.x_media import add_media_routes

REAL_HOSTS = ("https://api.x.com", "https://api.twitter.com")


def _enc(value: str) -> str:
    return quote(str(value), safe="~")


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra):
    body = {"title": title, "detail": detail, "type": type_, "status": status, **extra}
    return jsonify(body), status


def invalid(message: str):
    return problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        "https://api.twitter.com/2/problems/invalid-request",
        errors=[{"message": message}],
    )


def _when(value: str) -> datetime | None:
    """An RFC 3339 time as X takes and gives it (``…Z``, with or without milliseconds)."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class XStub(StubServer):
    name = "x"

    def __init__(self, *, processing_polls: int = 1, check_after_secs: int = 1):
        self.consumers: dict[str, str] = {}
        self.tokens: dict[str, tuple[str, dict]] = {}
        self.nonces: set[str] = set()
        self.tweets: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.processing_polls, self.check_after_secs = processing_polls, check_after_secs
        self._ids = itertools.count(1_860_000_000_000_000_001)
        super().__init__()

    # --- set-up and switches ----------------------------------------------------------------------

    def add_user(self, consumer_key, consumer_secret, access_token, access_token_secret, *, username="diskominfo"):
        user = {"id": str(next(self._ids)), "name": username.title(), "username": username}
        self.consumers[consumer_key] = consumer_secret
        self.tokens[access_token] = (access_token_secret, user)
        return user

    def rate_limit_next(self, method: str, path: str, reset_in: int = 2) -> None:
        def answer():
            resp, status = problem(429, "Too Many Requests", "Too Many Requests")
            resp.headers["x-rate-limit-remaining"] = "0"
            resp.headers["x-rate-limit-reset"] = str(int(time.time()) + reset_in)
            return resp, status

        self.fail_next(method, path, answer)

    def unauthorized_next(self, method: str, path: str) -> None:
        self.fail_next(method, path, lambda: problem(401, "Unauthorized", "Unauthorized"))

    def server_error_next(self, method: str, path: str) -> None:
        self.fail_next(method, path, lambda: problem(503, "Service Unavailable", "Service Unavailable"))

    def media_key(self, media_id: str) -> str:
        """X's media key: the type's prefix (3 image, 16 GIF, 7 video) and the media id."""
        mime = self.media.get(media_id, {}).get("mime", "")
        return f"{'16' if mime == 'image/gif' else '3' if mime.startswith('image/') else '7'}_{media_id}"

    def live_tweets(self) -> dict[str, dict]:
        return {k: v for k, v in self.tweets.items() if not v["deleted"]}

    # --- auth ---------------------------------------------------------------------------------------

    def _verify_oauth(self) -> dict | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return None
        params = {}
        for part in header[6:].split(","):
            key, _, value = part.strip().partition("=")
            params[key] = unquote(value.strip('"'))
        consumer_secret = self.consumers.get(params.get("oauth_consumer_key", ""))
        token = self.tokens.get(params.get("oauth_token", ""))
        if consumer_secret is None or token is None or params.get("oauth_signature_method") != "HMAC-SHA1":
            return None
        if abs(time.time() - int(params.get("oauth_timestamp", "0"))) > 300:
            return None
        nonce = params.get("oauth_nonce", "")
        if not nonce or nonce in self.nonces:
            return None
        signed = [(k, v) for k, v in params.items() if k.startswith("oauth_") and k != "oauth_signature"]
        signed += list(request.args.items(multi=True))
        if request.mimetype == "application/x-www-form-urlencoded":
            signed += list(request.form.items(multi=True))
        normalised = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in signed))
        key = f"{_enc(consumer_secret)}&{_enc(token[0])}".encode()
        for host in REAL_HOSTS:
            base = "&".join([request.method, _enc(host + request.path), _enc(normalised)])
            expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
            if hmac.compare_digest(expected, params.get("oauth_signature", "")):
                self.nonces.add(nonce)
                return token[1]
        return None

    # --- routes -------------------------------------------------------------------------------------

    def routes(self) -> None:  # noqa: C901 - one place for the API surface
        app = self.app

        @app.before_request
        def _auth():
            canned = self.guard()
            if canned is not None:
                return canned
            g.x_user = self._verify_oauth()
            if g.x_user is None:
                return problem(401, "Unauthorized", "Unauthorized")
            return None

        @app.after_request
        def _rate_headers(response):
            response.headers.setdefault("x-rate-limit-limit", "100")
            response.headers.setdefault("x-rate-limit-remaining", "99")
            response.headers.setdefault("x-rate-limit-reset", str(int(time.time()) + 900))
            return response

        @app.get("/2/users/me")
        def me():
            return jsonify(data=g.x_user)

        @app.post("/2/tweets")
        def create():
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return invalid("Request body must be JSON")
            text = body.get("text") or ""
            media_ids = (body.get("media") or {}).get("media_ids") or []
            reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
            if not text and not media_ids:
                return invalid("Tweet needs text or media")
            if text and parse_tweet(text).weightedLength > 280:
                # what X v2 answers (seen through tweepy as "400 Bad Request\nYour Tweet text is too long…")
                return problem(
                    400,
                    "Invalid Request",
                    "Your Tweet text is too long. For more information on how Twitter determines text length see "
                    "https://github.com/twitter/twitter-text.",
                    "https://api.twitter.com/2/problems/invalid-request",
                )
            for mid in media_ids:
                m = self.media.get(str(mid))
                if m is None or m["user"] != g.x_user["id"] or m["state"] != "succeeded":
                    return invalid("Your media IDs are invalid.")
            if reply_to and str(reply_to) not in self.live_tweets():
                return invalid("The Tweet you are replying to does not exist")
            with self.lock:
                mine = [t for t in self.live_tweets().values() if t["user"] == g.x_user["id"]]
                if text and any(t["text"] == text for t in mine):
                    return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
                tid = str(next(self._ids))
                self.tweets[tid] = {
                    "id": tid,
                    "text": text,
                    "media_ids": [str(m) for m in media_ids],
                    "reply_to": str(reply_to) if reply_to else None,
                    "user": g.x_user["id"],
                    "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "deleted": False,
                }
            return jsonify(data={"id": tid, "text": text, "edit_history_tweet_ids": [tid]}), 201

        @app.delete("/2/tweets/<tid>")
        def delete(tid):
            tweet = self.tweets.get(tid)
            if tweet is None or tweet["deleted"]:
                return problem(404, "Not Found Error", f"Could not find tweet with id: [{tid}].")
            if tweet["user"] != g.x_user["id"]:
                return problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
            tweet["deleted"] = True
            return jsonify(data={"deleted": True})

        @app.get("/2/users/<uid>/tweets")
        def timeline(uid):
            since = _when(request.args.get("start_time") or "1970-01-01T00:00:00Z")
            if since is None:
                return invalid("start_time must be an RFC 3339 date-time (YYYY-MM-DDTHH:mm:ssZ)")
            rows = sorted(
                (t for t in self.live_tweets().values() if t["user"] == uid and _when(t["created_at"]) >= since),
                key=lambda t: t["created_at"],
                reverse=True,
            )[: int(request.args.get("max_results", 10))]
            # X answers id, text and edit_history_tweet_ids; other fields only when tweet.fields asks
            fields = set(filter(None, request.args.get("tweet.fields", "").split(",")))
            data = []
            for t in rows:
                shown = t["text"] + "".join(f" https://t.co/{m[-10:]}" for m in t["media_ids"])  # as X shows media
                entry = {"id": t["id"], "text": shown.strip(), "edit_history_tweet_ids": [t["id"]]}
                if "created_at" in fields:
                    entry["created_at"] = t["created_at"]
                if "referenced_tweets" in fields and t["reply_to"]:
                    entry["referenced_tweets"] = [{"type": "replied_to", "id": t["reply_to"]}]
                if "attachments" in fields and t["media_ids"]:
                    entry["attachments"] = {"media_keys": [self.media_key(m) for m in t["media_ids"]]}
                data.append(entry)
            return jsonify(data=data, meta={"result_count": len(data)})

        add_media_routes(self, app, invalid)
