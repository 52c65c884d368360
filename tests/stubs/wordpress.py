"""A local stub of the WordPress REST API (wp/v2), on 127.0.0.1, for tests.

It checks what WordPress 6.x checks and answers as it answers, errors included
(codes and messages from ``class-wp-rest-posts-controller.php``,
``class-wp-rest-attachments-controller.php``, ``class-wp-rest-terms-controller.php``
and ``wp_authenticate_application_password``):

* HTTP Basic auth with an Application Password (24 letters and digits; spaces and
  other separators are ignored, as WordPress strips them): unknown user ->
  ``invalid_username``, wrong password -> ``incorrect_password`` (401, on every
  route, public ones included); no auth where needed -> ``rest_cannot_create`` /
  ``rest_not_logged_in`` (401), ``status=any`` -> ``rest_invalid_param`` (400) wrapping
  ``rest_forbidden_status``. ``state.wrong_password_is_anonymous = True`` gives what a
  stock WordPress 6.1 answers instead: a wrong password counts as no login at all.
* ``POST /media``: raw body with ``Content-Disposition: attachment; filename=…`` and a
  ``Content-Type``; the extension must be an allowed type and the bytes must be that
  type, else ``rest_upload_sideload_error`` (500, "Sorry, you are not allowed to upload
  this file type."); a body over ``max_upload_bytes`` -> 413 ``rest_upload_file_too_big``.
* ``POST /posts``: ``empty_content`` (400) when title, content and excerpt are all empty,
  ``rest_invalid_param`` for a bad status or term list; a ``featured_media`` that is no
  attachment is dropped silently (the post is saved without it, as WordPress 6.1 does);
  slugs are made unique (``-2``…); ``DELETE`` trashes (slug gets ``__trashed``),
  ``?force=true`` deletes, a second trash answers ``rest_already_trashed`` (410).
* ``GET /posts?status=any`` needs a user who can edit posts; ``any`` does not list
  trashed posts (WordPress's ``exclude_from_search``).

Switches for failure tests: :meth:`lose_next_answer` (do the work, then close the
connection without answering: the "created but the answer was lost" timeout) and
:meth:`fail_next` (answer the next matching request with a canned error, e.g. 503 or
429 with ``Retry-After``).
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.stubs.wordpress_errors import WPError
from tests.stubs.wordpress_model import SiteState

API = "/wp-json/wp/v2"


class WordPressStub:
    """``with WordPressStub() as wp: wp.url`` -> the site URL; ``wp.posts``, ``wp.media`` hold what it got."""

    def __init__(self, *, max_upload_bytes: int = 2 * 1024 * 1024, categories=("Berita", "Daftar Informasi Publik")):
        self.state = SiteState(max_upload_bytes=max_upload_bytes, categories=categories)
        self.requests: list[dict] = []
        self.errors: list[BaseException] = []
        self._lose: list[tuple[str, str]] = []
        self._fail: list[tuple[str, str, int, dict, dict]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- set-up ------------------------------------------------------------------------------

    def add_user(self, username: str, app_password: str, role: str = "editor") -> dict:
        return self.state.add_user(username, app_password, role)

    def lose_next_answer(self, method: str, route: str) -> None:
        """Do the next ``method route`` (e.g. "POST", "/posts") but close the connection instead of answering."""
        self._lose.append((method, route))

    def fail_next(self, method: str, route: str, status: int, code: str, message: str, headers=None) -> None:
        """Answer the next ``method route`` with a WordPress-style error without doing it."""
        body = {"code": code, "message": message, "data": {"status": status}}
        self._fail.append((method, route, status, body, dict(headers or {})))

    # --- what it holds -------------------------------------------------------------------------

    @property
    def posts(self) -> dict[int, dict]:
        return self.state.posts

    @property
    def media(self) -> dict[int, dict]:
        return self.state.media

    def live_posts(self) -> list[dict]:
        return [p for p in self.state.posts.values() if p["status"] != "trash"]

    def calls(self, method: str, route_prefix: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and r["route"].startswith(route_prefix)]

    # --- server --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "stub not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WordPressStub:
        stub = self

        class Handler(_Handler):
            pass

        Handler.stub = stub
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="wordpress-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WordPressStub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- dispatch ------------------------------------------------------------------------------

    def _take(self, queue: list, method: str, route: str):
        with self._lock:
            for i, entry in enumerate(queue):
                if entry[0] == method and re.fullmatch(entry[1] + r"(/\d+)?", route):
                    return queue.pop(i)
        return None

    def handle(self, method: str, route: str, query: dict, headers, body: bytes) -> tuple[int, object, dict, bool]:
        """Returns (status, json body, extra headers, lose the answer)."""
        user = None
        self.requests.append({"method": method, "route": route, "query": query, "headers": dict(headers)})
        failure = self._take(self._fail, method, route)
        if failure is not None:
            return failure[2], failure[3], failure[4], False
        lose = self._take(self._lose, method, route) is not None
        try:
            user = self.state.authenticate(headers.get("Authorization"))
            self.requests[-1]["user"] = user["username"] if user else None
            with self._lock:
                status, payload, extra = self.state.route(method, route, query, headers, body, user)
        except WPError as err:
            return err.status, err.body(), {}, False
        return status, payload, extra, lose


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stub: WordPressStub

    def log_message(self, format, *args):  # noqa: A002 - quiet in tests
        pass

    def _serve(self) -> None:
        try:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            if not parts.path.startswith(API):
                status, payload, extra, lose = 404, WPError.no_route().body(), {}, False
            else:
                route = parts.path[len(API) :].rstrip("/") or "/"
                status, payload, extra, lose = self.stub.handle(self.command, route, query, self.headers, body)
            if lose:
                # the work is done; the answer never arrives (a proxy timeout, a dropped link)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                self.send_header(key, str(value))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - reported to the test through stub.errors
            self.stub.errors.append(exc)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
