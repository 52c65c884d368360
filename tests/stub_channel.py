"""A test channel plugin ("stub") and the local posting service it talks to.

:class:`StubService` is an HTTP server on 127.0.0.1 run by the test process, so what
it received survives a worker killed with SIGKILL. It behaves like a small social
posting API and checks what such an API checks:

* ``Authorization: Bearer <token>`` on every route, else 401 ``{"error": "unauthorized"}``;
* ``POST /v1/posts`` takes JSON only (415 otherwise) with ``text`` (1..500 characters)
  and ``client_ref`` (the caller's reference, required), else 400 with the reason;
  answers 201 ``{"id", "url"}``;
* ``GET /v1/posts?client_ref=…`` lists the posts made with that reference (how a
  retry finds an earlier copy);
* ``DELETE /v1/posts/<id>`` answers 204, or 404 when there is no such post.

Switches (each applies to the next ``POST /v1/posts``): :meth:`fail_next` (a 5xx or a
429 with ``Retry-After``, or a 4xx with a message), :meth:`block_next` (stop before or
after creating the post until :meth:`release`), :meth:`slow_next` (create the post, answer
after a delay: a client with a shorter timeout never learns it was made).

Pause points for recovery drills: a worker whose config has ``STUB_PAUSE_AT`` set to
``before-claim`` or ``after-answer`` calls ``POST /v1/pause/<point>`` there; the service
sets :meth:`pause_event` and holds the request until :meth:`release` (the test kills the
worker meanwhile).

The plugin (this module, registered with ``make_app(EXTRA_PLUGINS=[stub_channel])`` or,
in a ``hub worker`` subprocess, ``HUB_EXTRA_PLUGINS='["tests.stub_channel"]'``) reads the
service's address from ``STUB_CHANNEL_URL`` and its token from ``STUB_CHANNEL_TOKEN``.
An item's ``options["accounts"]`` splits the channel into one publication per account
(the ``publication_targets`` hook); ``options["searchable"] = False`` makes the plugin
unable to look up earlier copies (so a retry after an unknown outcome needs a person).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests
from flask import current_app

from hub import hookimpl
from hub.channels import Channel, PublishResult
from hub.exceptions import PermanentPublishError, PublishOutcomeUnknown, TransientPublishError

TOKEN = "stub-token-1234"
CHANNEL = Channel(
    name="stub",
    label_id="Kanal uji",
    label_en="Test channel",
    accepts=("text",),
    text_limit=500,
    admin_role="admin_social",
)


# --- the service ----------------------------------------------------------------------------------


class StubService:
    """``with StubService() as svc: svc.url``; ``svc.posts`` and ``svc.requests`` hold what it got."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.posts: dict[str, dict] = {}
        self.requests: list[dict] = []
        self._script: list[dict] = []
        self._released = threading.Event()
        self.blocked = threading.Event()  #: set while a request waits in block_next()
        self.paused: dict[str, threading.Event] = {}  #: point -> set once a worker waits there
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # switches
    def fail_next(self, status: int, message: str = "", *, retry_after: float | None = None, times: int = 1):
        for _ in range(times):
            self._script.append({"kind": "fail", "status": status, "message": message, "retry_after": retry_after})

    def block_next(self, *, after_create: bool = True) -> None:
        self._released.clear()
        self._script.append({"kind": "block", "after_create": after_create})

    def slow_next(self, seconds: float) -> None:
        self._script.append({"kind": "slow", "seconds": seconds})

    def release(self) -> None:
        self._released.set()

    def pause_event(self, point: str) -> threading.Event:
        with self._lock:
            return self.paused.setdefault(point, threading.Event())

    # what it got
    def count(self, client_ref: str) -> int:
        return sum(1 for p in self.posts.values() if p["client_ref"] == client_ref and not p["deleted"])

    def post_attempts(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST"]

    # server
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StubService:
        service = self

        class Handler(_Handler):
            svc = service

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    svc: StubService
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _answer(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client is gone (a killed worker): nothing to answer
            pass

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.svc.token}":
            self._answer(401, {"error": "unauthorized", "message": "missing or invalid bearer token"})
            return False
        return True

    def _record(self, **extra) -> None:
        with self.svc._lock:
            self.svc.requests.append({"method": self.command, "path": self.path, "at": time.time(), **extra})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self._record()
        if not self._authorised():
            return
        if parts.path != "/v1/posts":
            return self._answer(404, {"error": "not_found"})
        ref = parse_qs(parts.query).get("client_ref", [""])[0]
        if not ref:
            return self._answer(400, {"error": "invalid_request", "message": "client_ref is required"})
        found = [p for p in self.svc.posts.values() if p["client_ref"] == ref and not p["deleted"]]
        self._answer(200, {"data": found})

    def do_DELETE(self) -> None:
        self._record()
        if not self._authorised():
            return
        post_id = self.path.rsplit("/", 1)[-1]
        post = self.svc.posts.get(post_id)
        if not self.path.startswith("/v1/posts/") or post is None or post["deleted"]:
            return self._answer(404, {"error": "not_found", "message": f"no post {post_id}"})
        post["deleted"] = True
        self._answer(204)

    def do_PATCH(self) -> None:
        """Edit a post's text (what an approved revision does to a copy already out)."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self._record()
        if not self._authorised():
            return
        post = self.svc.posts.get(self.path.rsplit("/", 1)[-1])
        if not self.path.startswith("/v1/posts/") or post is None or post["deleted"]:
            return self._answer(404, {"error": "not_found", "message": f"no post {self.path}"})
        try:
            text = json.loads(raw).get("text")
        except (ValueError, AttributeError):
            text = None
        if not isinstance(text, str) or not 1 <= len(text) <= 500:
            return self._answer(400, {"error": "invalid_request", "message": "text must be 1 to 500 characters"})
        post["text"], post["edits"] = text, post.get("edits", 0) + 1
        self._answer(200, {"id": post["id"], "url": post["url"]})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.startswith("/v1/pause/"):  # a worker reached a pause point: hold it until released
            self._record()
            self.svc.pause_event(self.path.rsplit("/", 1)[-1]).set()
            self.svc._released.wait(120)
            return self._answer(204)
        if self.path != "/v1/posts":
            self._record()
            return self._answer(404, {"error": "not_found"})
        if not self._authorised():
            self._record(outcome="401")
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            self._record(outcome="415")
            return self._answer(415, {"error": "unsupported_media_type", "message": "send application/json"})
        try:
            body = json.loads(raw)
        except ValueError:
            self._record(outcome="400")
            return self._answer(400, {"error": "invalid_request", "message": "body is not JSON"})
        text, ref = body.get("text"), body.get("client_ref")
        if not isinstance(text, str) or not 1 <= len(text) <= 500:
            self._record(outcome="400", client_ref=ref)
            return self._answer(400, {"error": "invalid_request", "message": "text must be 1 to 500 characters"})
        if not isinstance(ref, str) or not ref:
            self._record(outcome="400")
            return self._answer(400, {"error": "invalid_request", "message": "client_ref is required"})
        step = self.svc._script.pop(0) if self.svc._script else {"kind": "ok"}
        self._record(client_ref=ref, outcome=step["kind"])
        if step["kind"] == "fail":
            headers = {"Retry-After": str(int(step["retry_after"]))} if step["retry_after"] is not None else {}
            return self._answer(step["status"], {"error": "failed", "message": step["message"]}, headers)
        post = None
        if step["kind"] != "block" or step["after_create"]:
            post = self._create(text, ref)
        if step["kind"] == "slow":  # the post is made at once; the answer comes late
            time.sleep(step["seconds"])
        if step["kind"] == "block":
            self.svc.blocked.set()
            self.svc._released.wait(120)
            self.svc.blocked.clear()
            if post is None:
                post = self._create(text, ref)
        self._answer(201, {"id": post["id"], "url": post["url"]})

    def _create(self, text: str, ref: str) -> dict:
        with self.svc._lock:
            post_id = f"p{len(self.svc.posts) + 1}"
            post = {"id": post_id, "url": f"{self.svc.url}/p/{post_id}", "text": text, "client_ref": ref}
            post.update(deleted=False, at=time.time())
            self.svc.posts[post_id] = post
        return post


# --- the plugin ------------------------------------------------------------------------------------


def _token() -> str:
    """``STUB_CHANNEL_TOKEN``; else the token of the channel's active account (stored encrypted, as a
    real plugin keeps its credentials: what a backup must carry with its keys); else :data:`TOKEN`."""
    if current_app.config.get("STUB_CHANNEL_TOKEN"):
        return current_app.config["STUB_CHANNEL_TOKEN"]
    from hub.crypto import decrypt_json
    from hub.extensions import db
    from hub.models import ChannelAccount

    secret = db.session.execute(
        db.select(ChannelAccount.secret)
        .where(ChannelAccount.channel == CHANNEL.name, ChannelAccount.is_active.is_(True))
        .order_by(ChannelAccount.id)
        .limit(1)
    ).scalar()
    return decrypt_json(secret).get("token", TOKEN) if secret else TOKEN


def _session() -> tuple[str, requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {_token()}"
    return current_app.config["STUB_CHANNEL_URL"].rstrip("/"), session


def _raise_for(resp: requests.Response) -> None:
    if resp.status_code < 400:
        return
    try:
        message = resp.json().get("message") or resp.text
    except ValueError:
        message = resp.text
    if resp.status_code == 429 or resp.status_code >= 500:
        retry_after = resp.headers.get("Retry-After")
        raise TransientPublishError(
            f"stub {resp.status_code}: {message}", retry_after=float(retry_after) if retry_after else None
        )
    raise PermanentPublishError(f"Kanal uji menolak / the test channel refused ({resp.status_code}): {message}")


def pause(point: str) -> None:
    """Stop at ``point`` when ``STUB_PAUSE_AT`` names it: the service holds the request (the test
    kills the worker there). Points: ``before-claim`` (job dequeued, row not yet claimed),
    ``after-answer`` (the channel answered, the outcome not yet recorded)."""
    if current_app.config.get("STUB_PAUSE_AT") == point:
        requests.post(f"{current_app.config['STUB_CHANNEL_URL'].rstrip('/')}/v1/pause/{point}", timeout=130)


@hookimpl
def register_blueprints(app):
    """Install the ``before-claim`` pause point in a worker started with ``HUB_STUB_PAUSE_AT``."""
    if app.config.get("STUB_PAUSE_AT") == "before-claim":
        from hub.dispatch import jobs

        if not getattr(jobs._claim, "paused", False):
            claim = jobs._claim

            def paused_claim(*args, **kwargs):
                pause("before-claim")
                return claim(*args, **kwargs)

            paused_claim.paused = True
            jobs._claim = paused_claim
    return []


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def publication_targets(item, channel):
    if channel.name != CHANNEL.name:
        return None
    target = item.target(channel.name)
    return list((target.options or {}).get("accounts") or []) if target else None


@hookimpl
def publish(publication, item, channel):
    if channel.name != CHANNEL.name:
        return None
    base, session = _session()
    options = (item.target(channel.name).options or {}) if item.target(channel.name) else {}
    ref = publication.idempotency_key
    text = item.text_for(channel.name) or item.title
    if publication.remote_id:  # published before: an approved revision edits the post in place
        try:
            resp = session.patch(f"{base}/v1/posts/{publication.remote_id}", json={"text": text}, timeout=10)
        except requests.RequestException as exc:
            raise TransientPublishError(f"stub unreachable: {exc}") from exc
        _raise_for(resp)
        return PublishResult(remote_id=resp.json()["id"], remote_url=resp.json()["url"])
    if publication.attempts > 1 or publication.state.get("sent"):
        if options.get("searchable") is False:
            raise PublishOutcomeUnknown("an earlier attempt may have posted and this channel cannot be searched")
        try:
            resp = session.get(f"{base}/v1/posts", params={"client_ref": ref}, timeout=10)
        except requests.RequestException as exc:
            raise TransientPublishError(f"stub unreachable: {exc}") from exc
        _raise_for(resp)
        earlier = resp.json()["data"]
        if earlier:
            publication.state = {**publication.state, "found_earlier": earlier[0]["id"]}
            return PublishResult(remote_id=earlier[0]["id"], remote_url=earlier[0]["url"])
    publication.state = {**publication.state, "sent": True}
    try:
        resp = session.post(
            f"{base}/v1/posts",
            json={"text": text, "client_ref": ref},
            timeout=float(current_app.config.get("STUB_CHANNEL_TIMEOUT", 30)),
        )
    except requests.RequestException as exc:  # it may have been created: the next attempt looks first
        raise TransientPublishError(f"stub did not answer: {exc}") from exc
    _raise_for(resp)
    body = resp.json()
    pause("after-answer")
    note = {"note": options["note"]} if options.get("note") else {}  # a plugin's note for the item page
    return PublishResult(remote_id=body["id"], remote_url=body["url"], details=note)


@hookimpl
def unpublish(publication, item, channel):
    if channel.name != CHANNEL.name:
        return None
    base, session = _session()
    try:
        resp = session.delete(f"{base}/v1/posts/{publication.remote_id}", timeout=10)
    except requests.RequestException as exc:
        raise TransientPublishError(f"stub unreachable: {exc}") from exc
    if resp.status_code == 404:
        return True  # already gone
    _raise_for(resp)
    return True
