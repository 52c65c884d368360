"""A local stub of Google Drive's public download flow, on two 127.0.0.1 ports, for tests.

It answers the way Drive does for a link shared with "Anyone with the link" (or not):

* the site host (``base_url``, like ``https://drive.google.com``): ``GET /uc?export=download&id=ID``
  answers ``303`` to the download host (``download_url``, like ``drive.usercontent.google.com``)
  ``/download?id=ID&export=download``; ``id`` missing -> 400.
* the download host: a small public file -> ``200`` with the bytes, its ``Content-Type``,
  ``Content-Length`` and ``Content-Disposition: attachment; filename="…"; filename*=UTF-8''…``;
  a large public file (over Drive's virus-scan size) -> ``200 text/html``, the "Google Drive
  can't scan this file for viruses" page with ``<form id="download-form">`` holding the hidden
  fields ``id``, ``export``, ``confirm=t`` and ``uuid``; the file comes only when the request
  carries ``confirm=t`` and that page's ``uuid``. A private file -> ``302`` to
  ``https://accounts.google.com/ServiceLogin?…`` (``private_style="login"``) or ``403`` with
  the "You need access" page (``"denied"``). Unknown ids -> ``404`` with Drive's "Sorry, the
  file you have requested does not exist." page. ``export=download`` missing -> ``400``.

``requests`` lists every request as ``(host, path, query dict)`` for assertions.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit

LOGIN_URL = "https://accounts.google.com/ServiceLogin?service=wise&passive=1209600&continue="

VIRUS_PAGE = """<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>
<div class="uc-main"><div id="uc-text"><p class="uc-warning-caption">Google Drive can't scan this file for viruses.</p>
<p class="uc-warning-subcaption"><span class="uc-name-size"><a href="/open?id={id}">{name}</a> ({size})</span>
is too large for Google to scan for viruses. Would you still like to download this file?</p>
<form id="download-form" action="{action}" method="get"><input type="submit" id="uc-download-link"
class="goog-inline-block jfk-button jfk-button-action" value="Download anyway"/>
<input type="hidden" name="id" value="{id}"><input type="hidden" name="export" value="download">
<input type="hidden" name="confirm" value="t"><input type="hidden" name="uuid" value="{uuid}"></form>
</div></div></body></html>"""

NOT_FOUND_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Google Drive - Page Not Found</title></head>
<body><div id="af-error-container"><p><b>404.</b> <ins>That's an error.</ins></p>
<p>Sorry, the file you have requested does not exist.</p></div></body></html>"""

NEED_ACCESS_PAGE = """<!DOCTYPE html><html><head><title>Google Drive</title></head><body>
<h1>You need access</h1><p>Request access, or switch to an account with access.</p></body></html>"""


@dataclass
class DriveFile:
    data: bytes
    name: str
    mime: str = "application/octet-stream"
    public: bool = True
    large: bool = False
    private_style: str = "login"  # or "denied"
    uuid: str = ""


class DriveStub:
    def __init__(self):
        self.files: dict[str, DriveFile] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self._servers = [ThreadingHTTPServer(("127.0.0.1", 0), self._handler(role)) for role in ("site", "download")]
        for server in self._servers:
            server.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_port}"

    @property
    def download_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_port}"

    def add(self, data: bytes, name: str, **options) -> str:
        """Put a file on the stub; returns its Drive id (33 characters, like Drive's)."""
        file_id = "1" + secrets.token_urlsafe(24)[:32]
        self.files[file_id] = DriveFile(data=data, name=name, uuid=secrets.token_hex(16), **options)
        return file_id

    def share_link(self, file_id: str) -> str:
        return f"{self.base_url}/file/d/{file_id}/view?usp=sharing"

    def start(self) -> DriveStub:
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _handler(self, role: str):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", **headers):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key.replace("_", "-"), value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                stub.requests.append((role, url.path, query))
                if role == "site":
                    return self._site(url.path, query)
                return self._download(url.path, query)

            def _site(self, path, query):
                if path == "/uc":
                    if not query.get("id"):
                        return self._send(400, b"<html><body>Bad Request</body></html>")
                    target = f"{stub.download_url}/download?" + urlencode({"id": query["id"], "export": "download"})
                    return self._send(303, b"", Location=target)
                return self._send(404, NOT_FOUND_PAGE.encode())

            def _download(self, path, query):
                if path != "/download" or query.get("export") != "download" or not query.get("id"):
                    return self._send(400, b"<html><body>Bad Request</body></html>")
                f = stub.files.get(query["id"])
                if f is None:
                    return self._send(404, NOT_FOUND_PAGE.encode())
                if not f.public:
                    if f.private_style == "denied":
                        return self._send(403, NEED_ACCESS_PAGE.encode())
                    return self._send(302, b"", Location=LOGIN_URL + quote(self.path, safe=""))
                if f.large and not (query.get("confirm") == "t" and query.get("uuid") == f.uuid):
                    page = VIRUS_PAGE.format(
                        id=query["id"],
                        name=f.name,
                        size=f"{len(f.data) // 1024}K",
                        action=f"{stub.download_url}/download",
                        uuid=f.uuid,
                    )
                    return self._send(200, page.encode())
                disposition = (
                    f'attachment; filename="{f.name.encode("ascii", "replace").decode()}"; '
                    f"filename*=UTF-8''{quote(f.name)}"
                )
                self.send_response(200)
                self.send_header("Content-Type", f.mime)
                self.send_header("Content-Length", str(len(f.data)))
                self.send_header("Content-Disposition", disposition)
                self.end_headers()
                for start in range(0, len(f.data), 65536):
                    self.wfile.write(f.data[start : start + 65536])

        return Handler
