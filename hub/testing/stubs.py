"""Stubs for plugin tests: a channel that records what it publishes, and a local webhook server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hub.channels import Channel, PublishResult
from hub.hookspecs import hookimpl


class RecordingChannel:
    """A plugin object with one channel whose ``publish`` records each call and succeeds.

    The calls are kept in Redis (a list per channel and test session), so a forked RQ worker's
    calls are seen by the test: ``recorder.calls`` -> ``[{"item_id", "publication_id", "target",
    "title", "text", "channel"}, …]``. ``recorder.fail_with = exc`` makes the next calls raise it.
    """

    def __init__(
        self,
        name: str = "recorder",
        *,
        redis_url: str,
        key_prefix: str = "hub-testing",
        admin_role: str = "admin_channel",
        accepts: tuple[str, ...] = ("text", "image", "video"),
    ):
        self.channel = Channel(
            name=name, label_id="Kanal perekam", label_en="Recording channel", accepts=accepts, admin_role=admin_role
        )
        self.redis_url = redis_url
        self.key = f"{key_prefix}:recorded:{name}"
        self.fail_with: Exception | None = None
        self.__name__ = f"hub.testing.recorder.{name}"  # the plugin's name in the manager

    def _redis(self):
        import redis

        return redis.Redis.from_url(self.redis_url)

    @property
    def calls(self) -> list[dict]:
        return [json.loads(raw) for raw in self._redis().lrange(self.key, 0, -1)]

    @hookimpl
    def register_channels(self):
        return [self.channel]

    @hookimpl
    def publish(self, publication, item, channel):
        if channel.name != self.channel.name:
            return None
        if self.fail_with is not None:
            raise self.fail_with
        call = {
            "channel": channel.name,
            "item_id": item.id,
            "publication_id": publication.id,
            "target": publication.target,
            "title": item.title,
            "text": item.text_for(channel.name),
        }
        self._redis().rpush(self.key, json.dumps(call))
        return PublishResult(remote_id=f"rec-{publication.id}", remote_url=f"https://recorder.invalid/{publication.id}")


class WebhookStub:
    """``with WebhookStub() as hook: hook.url`` — an HTTP server on 127.0.0.1 in the test process.

    Every request is recorded in ``hook.requests`` (``method``, ``path``, ``headers``, ``json``,
    ``body``) and answered 200 ``{"ok": true, "id": "<n>"}``; ``hook.fail_next(503)`` answers the
    next request with that status instead. A forked RQ worker's requests reach it, so a test sees
    what a plugin really sent.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self._script: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def fail_next(self, status: int, times: int = 1) -> None:
        self._script.extend([status] * times)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> WebhookStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body_json = json.loads(raw) if raw else None
                except ValueError:
                    body_json = None
                with stub._lock:
                    stub.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": dict(self.headers),
                            "json": body_json,
                            "body": raw.decode("utf-8", "replace"),
                        }
                    )
                    status = stub._script.pop(0) if stub._script else 200
                    number = len(stub.requests)
                data = json.dumps({"ok": status < 400, "id": str(number)}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT = do_GET = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
