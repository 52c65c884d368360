"""What the X and Graph API stubs share: a Flask app served by a threaded server on 127.0.0.1,
failure switches, and "do the work, then drop the connection" (the lost answer)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no access log in test output
        pass

    def make_environ(self):
        # werkzeug drops headers whose names hold "_"; Meta's upload host reads ``file_size``
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ.setdefault("HTTP_" + key.upper(), value)
        return environ


class StubServer:
    """Subclasses build ``self.app`` routes in :meth:`routes` and call :meth:`guard` first in each."""

    name = "stub"

    def __init__(self):
        self.app = Flask(f"{self.name}-stub")
        self.lock = threading.RLock()
        self.requests: list[tuple[str, str]] = []
        #: (method, path, time.time()) of every request, for tests that check waiting
        self.timeline: list[tuple[str, str, float]] = []
        self.errors: list[BaseException] = []
        self._fail: list[tuple[str, str, Callable[[], object]]] = []
        self._lose: list[tuple[str, str]] = []
        self._server = None
        self._thread: threading.Thread | None = None
        self.routes()

        @self.app.errorhandler(Exception)
        def _crash(exc):  # a bug in the stub: keep it for the test to see, answer 500
            from werkzeug.exceptions import HTTPException

            if isinstance(exc, HTTPException):
                return exc
            self.errors.append(exc)
            return jsonify(error=f"stub crashed: {exc!r}"), 500

        @self.app.after_request
        def _lose_answer(response):
            if getattr(request, "_lose_answer", False):
                # the work is done; close the connection before a byte of the answer goes out
                sock = request.environ.get("werkzeug.socket")
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)
            return response

    def routes(self) -> None:
        raise NotImplementedError

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self):
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler)
        # clients keep connections alive; do not wait for their threads when stopping
        self._server.daemon_threads, self._server.block_on_close = True, False
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"{self.name}-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- switches ---------------------------------------------------------------------------------

    def fail_next(self, method: str, path_prefix: str, answer: Callable[[], object]) -> None:
        """Answer the next ``method`` request whose path starts with ``path_prefix`` with ``answer()``."""
        with self.lock:
            self._fail.append((method, path_prefix, answer))

    def lose_next_answer(self, method: str, path_prefix: str) -> None:
        """Do the next matching request, then close the connection without answering."""
        with self.lock:
            self._lose.append((method, path_prefix))

    def guard(self):
        """Record the request; return a canned failure when one is queued for it (else None)."""
        with self.lock:
            self.requests.append((request.method, request.path))
            self.timeline.append((request.method, request.path, time.time()))
            for i, (method, prefix, answer) in enumerate(self._fail):
                if request.method == method and request.path.startswith(prefix):
                    del self._fail[i]
                    return answer()
            for i, (method, prefix) in enumerate(self._lose):
                if request.method == method and request.path.startswith(prefix):
                    del self._lose[i]
                    request._lose_answer = True
                    break
        return None
