"""A local stub of the Facebook Graph API (Pages: feed, photos, videos), on 127.0.0.1, for tests.

It checks what Graph checks and answers as Graph answers (``{"error": {"message", "type",
"code", "fbtrace_id"}}`` bodies):

* paths carry a version prefix ``/vNN.N/`` (recorded in :attr:`versions`); a page access
  token is required (``access_token`` in the query or form, or ``Authorization: OAuth|Bearer``):
  missing -> code 104, unknown or revoked -> code 190 (HTTP 400, ``WWW-Authenticate``), a token
  of another page -> code 200;
* ``POST /{page}/feed`` (``message`` or ``link`` or ``attached_media`` required; attached
  photos must be this page's unpublished photos); ``POST /{page}/photos`` (multipart
  ``source`` that is really an image, at most 10 MB; ``published=false`` for unpublished);
  ``POST /{page}/videos`` (``source`` that is really an MP4, or the chunked flow
  ``upload_phase=start|transfer|finish`` with the offsets it dictates);
* ``GET /{page}`` (``fields=id,name``), ``GET /{page}/posts|feed|videos`` (``since``),
  ``DELETE /{id}`` (code 100 for an unknown id);
* Instagram's Content Publishing API (``tests/stubs/graph_instagram.py``).

Switches: :meth:`rate_limit_next` (code 32 with ``x-business-use-case-usage`` and its
``estimated_time_to_regain_access``), :meth:`expire_token`, :meth:`server_error_next`,
:meth:`lose_next_answer`. What it got is in :attr:`posts`, :attr:`photos`, :attr:`videos`.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time

from flask import g, jsonify, request

from tests.stubs.graph_instagram import InstagramStubMixin
from tests.stubs.social_server import StubServer

PHOTO_MAX = 10 * 1024 * 1024
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")


def graph_error(message: str, type_: str, code: int, status: int = 400, **extra):
    body = {"error": {"message": message, "type": type_, "code": code, **extra, "fbtrace_id": secrets.token_hex(6)}}
    resp = jsonify(body)
    if code == 190:
        resp.headers["WWW-Authenticate"] = f'OAuth "Facebook Platform" "invalid_token" "{message}"'
    return resp, status


class GraphStub(InstagramStubMixin, StubServer):
    name = "graph"

    def __init__(self, *, chunk_bytes: int = 64 * 1024):
        self.pages: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}
        self.posts: dict[str, dict] = {}
        self.photos: dict[str, dict] = {}
        self.videos: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.versions: set[str] = set()
        self.chunk_bytes = chunk_bytes
        #: versions below this are retired (answered with code 2635)
        self.oldest_version = 19.0
        self._ids = itertools.count(100_000_000_000_001)
        self._ig_init()
        super().__init__()

    # --- set-up and switches ----------------------------------------------------------------------

    def add_page(self, page_id: str, token: str, name: str = "Diskominfo") -> None:
        self.pages[page_id] = {"id": page_id, "name": name}
        self.tokens[token] = page_id

    def expire_token(self, token: str) -> None:
        self.tokens[token] = "__expired__"

    def rate_limit_next(self, method: str, path: str, minutes: int = 1) -> None:
        def answer():
            resp, status = graph_error("(#32) Page request limit reached", "OAuthException", 32)
            usage = {"x": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": minutes}]}
            resp.headers["x-business-use-case-usage"] = json.dumps(usage)
            return resp, status

        self.fail_next(method, path, answer)

    def server_error_next(self, method: str, path: str) -> None:
        self.fail_next(
            method,
            path,
            lambda: graph_error("An unknown error has occurred.", "OAuthException", 1, 500, is_transient=True),
        )

    def live_posts(self) -> dict[str, dict]:
        return {k: v for k, v in self.posts.items() if not v["deleted"]}

    # --- routes -------------------------------------------------------------------------------------

    def routes(self) -> None:  # noqa: C901 - one place for the API surface
        app = self.app

        @app.before_request
        def _check():
            canned = self.guard()
            if canned is not None:
                return canned
            match = re.match(r"^/(?:ig-api-upload/)?(v\d+\.\d+)/", request.path)
            if match is None:
                return graph_error("Unknown path components: " + request.path, "OAuthException", 2500)
            self.versions.add(match.group(1))
            if float(match.group(1)[1:]) < self.oldest_version:
                return graph_error(
                    f"(#2635) You are calling a deprecated version of the Graph API ({match.group(1)}). "
                    "Please update to the latest version.",
                    "OAuthException",
                    2635,
                )
            token = request.values.get("access_token") or ""
            auth = request.headers.get("Authorization", "")
            if not token and auth.split(" ")[0] in ("OAuth", "Bearer"):
                token = auth.split(" ", 1)[1]
            if not token:
                return graph_error("An access token is required to request this resource.", "OAuthException", 104)
            page = self.tokens.get(token)
            if page is None:
                return graph_error("Invalid OAuth access token - Cannot parse access token", "OAuthException", 190)
            if page == "__expired__":
                return graph_error(
                    "Error validating access token: Session has expired.", "OAuthException", 190, error_subcode=463
                )
            g.page = page
            return None

        def own(page_id: str):
            if page_id != g.page:
                return graph_error("(#200) Permissions error", "OAuthException", 200, 403)
            return None

        @app.get("/<version>/<page_id>")
        def page(version, page_id):
            if (ig := self.ig_object(page_id)) is not None:
                return ig
            if page_id in self.pages:
                return own(page_id) or jsonify({k: v for k, v in self.pages[page_id].items()})
            return graph_error(f"(#100) Object with ID '{page_id}' does not exist", "GraphMethodException", 100)

        @app.post("/<version>/<page_id>/feed")
        def feed(version, page_id):
            if (err := own(page_id)) is not None:
                return err
            message, link = request.form.get("message", ""), request.form.get("link", "")
            attached = json.loads(request.form.get("attached_media") or "[]")
            if not (message or link or attached):
                return graph_error("(#100) Missing message or attachment", "OAuthException", 100)
            photo_ids = [a.get("media_fbid") for a in attached]
            for pid in photo_ids:
                photo = self.photos.get(str(pid))
                if photo is None or photo["page"] != page_id or photo["published"]:
                    return graph_error("(#100) Invalid attached_media", "OAuthException", 100)
            post = self._post(page_id, "feed", message=message, link=link, photos=photo_ids)
            return jsonify(id=post["id"])

        @app.post("/<version>/<page_id>/photos")
        def photos(version, page_id):
            if (err := own(page_id)) is not None:
                return err
            source = request.files.get("source")
            if source is None:
                return graph_error("(#324) Requires upload file", "OAuthException", 324)
            data = source.read()
            if not data.startswith(IMAGE_MAGIC):
                return graph_error("(#324) Missing or invalid image file", "OAuthException", 324)
            if len(data) > PHOTO_MAX:
                return graph_error("(#100) Photo is too large", "OAuthException", 100)
            published = request.form.get("published", "true") != "false"
            pid = str(next(self._ids))
            self.photos[pid] = {"id": pid, "page": page_id, "published": published, "size": len(data)}
            self.photos[pid]["alt_text"] = request.form.get("alt_text_custom")
            if not published:
                return jsonify(id=pid)
            post = self._post(page_id, "photo", message=request.form.get("message", ""), photos=[pid])
            return jsonify(id=pid, post_id=post["id"])

        @app.post("/<version>/<page_id>/videos")
        def videos(version, page_id):
            if (err := own(page_id)) is not None:
                return err
            phase = request.form.get("upload_phase")
            if phase is None:
                source = request.files.get("source")
                if source is None:
                    return graph_error("(#100) No file or file_url was provided", "OAuthException", 100)
                return self._video_done(page_id, source.read())
            if phase == "start":
                size = request.form.get("file_size", "")
                if not size.isdigit():
                    return graph_error("(#100) file_size is required", "OAuthException", 100)
                sid, vid = str(next(self._ids)), str(next(self._ids))
                self.sessions[sid] = {"page": page_id, "video": vid, "size": int(size), "data": b""}
                end = min(int(size), self.chunk_bytes)
                return jsonify(video_id=vid, upload_session_id=sid, start_offset="0", end_offset=str(end))
            session = self.sessions.get(request.form.get("upload_session_id", ""))
            if session is None or session["page"] != page_id:
                return graph_error("(#100) Invalid upload_session_id", "OAuthException", 100)
            if phase == "transfer":
                chunk = request.files.get("video_file_chunk")
                if chunk is None or request.form.get("start_offset") != str(len(session["data"])):
                    return graph_error("(#6001) Invalid start_offset or missing chunk", "OAuthException", 6001)
                session["data"] += chunk.read()
                start = len(session["data"])
                end = min(session["size"], start + self.chunk_bytes)
                return jsonify(start_offset=str(start), end_offset=str(end))
            if phase == "finish":
                if len(session["data"]) != session["size"]:
                    return graph_error("(#6001) Upload incomplete", "OAuthException", 6001)
                return self._video_done(page_id, session.pop("data"), vid=session["video"], success=True)
            return graph_error("(#100) Invalid upload_phase", "OAuthException", 100)

        @app.get("/<version>/<page_id>/<edge>")
        def listing(version, page_id, edge):
            if page_id in self.ig_users:
                return self.ig_listing(page_id, edge)
            if (err := own(page_id)) is not None:
                return err
            since = int(request.args.get("since") or 0)
            if edge == "videos":
                rows = [
                    {"id": v["id"], "description": v["description"], "created_time": _iso(v["created"])}
                    for v in self.videos.values()
                    if v["page"] == page_id and not v["deleted"] and v["created"] >= since
                ]
            elif edge in ("posts", "feed"):
                rows = [
                    {"id": p["id"], "message": p["message"], "created_time": _iso(p["created"])}
                    for p in self.live_posts().values()
                    if p["page"] == page_id and p["created"] >= since
                ]
            else:
                return graph_error(f"(#100) Unknown edge {edge}", "OAuthException", 100)
            return jsonify(data=sorted(rows, key=lambda r: r["created_time"], reverse=True), paging={})

        self.ig_routes(app)

        @app.delete("/<version>/<object_id>")
        def delete(version, object_id):
            target = self.posts.get(object_id) or self.videos.get(object_id)
            if target is None or target["deleted"]:
                return graph_error(
                    f"(#100) Object with ID '{object_id}' does not exist, cannot be loaded due to missing "
                    "permissions, or does not support this operation",
                    "GraphMethodException",
                    100,
                    error_subcode=33,
                )
            if target["page"] != g.page:
                return graph_error("(#200) Permissions error", "OAuthException", 200, 403)
            target["deleted"] = True
            return jsonify(success=True)

    # --- helpers ------------------------------------------------------------------------------------

    def _post(self, page_id: str, kind: str, **fields) -> dict:
        with self.lock:
            post_id = f"{page_id}_{next(self._ids)}"
            self.posts[post_id] = {
                "id": post_id,
                "page": page_id,
                "kind": kind,
                "message": fields.get("message", ""),
                "link": fields.get("link", ""),
                "photos": fields.get("photos", []),
                "created": int(time.time()),
                "deleted": False,
            }
        return self.posts[post_id]

    def _video_done(self, page_id: str, data: bytes, vid: str | None = None, success: bool = False):
        if data[4:8] != b"ftyp":
            return graph_error(
                "(#352) The video file you selected is in a format that we don't support.", "OAuthException", 352
            )
        vid = vid or str(next(self._ids))
        self.videos[vid] = {
            "id": vid,
            "page": page_id,
            "description": request.form.get("description", ""),
            "title": request.form.get("title", ""),
            "size": len(data),
            "created": int(time.time()),
            "deleted": False,
        }
        return jsonify(success=True) if success else jsonify(id=vid)


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(ts))
