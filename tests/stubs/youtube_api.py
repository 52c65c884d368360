"""A local stub of Google's OAuth 2.0 token endpoint and the YouTube Data API v3, on 127.0.0.1.

The hub's client keeps Google's hosts in its URLs and a transport adapter sends them here, so
the paths are the real ones. It checks what Google checks and answers as Google answers:

* ``POST /token``: ``refresh_token`` grant (client id and secret must match; a revoked refresh
  token -> 400 ``invalid_grant``), ``authorization_code`` grant (the code this stub's consent page
  gave, for that client and ``redirect_uri``); ``GET /o/oauth2/v2/auth`` grants consent at once
  and redirects to ``redirect_uri`` with ``code`` and ``state``;
* every API call needs ``Authorization: Bearer`` with a live access token (else 401);
* ``POST /upload/youtube/v3/videos?uploadType=resumable&part=…`` opens a session
  (``X-Upload-Content-Length``, ``X-Upload-Content-Type: video/*``; the title 1–100 characters,
  description at most 5,000 bytes, a privacy status of the three, ``publishAt`` only when
  private); costs 1,600 units of the project's daily quota (:attr:`quota_limit`), 403
  ``quotaExceeded`` when it would go over; answers 200 with ``Location`` (the session URI);
* ``PUT`` on the session URI: ``Content-Range: bytes a-b/total`` must start where the received
  bytes end; 308 with ``Range: bytes=0-n`` until complete, then 200 with the video resource;
  ``Content-Range: bytes */total`` asks the state;
* ``POST /upload/youtube/v3/thumbnails/set?videoId=`` (an image), ``GET /youtube/v3/videos``,
  ``PUT /youtube/v3/videos`` (``part=status``), ``DELETE /youtube/v3/videos``,
  ``GET /youtube/v3/channels?mine=true``.

:attr:`unaudited` makes every upload private, as Google does for unaudited projects.
:meth:`hold_chunk` blocks the n-th chunk until released (to kill a worker in the middle).
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from urllib.parse import urlencode

from flask import jsonify, redirect, request

from tests.stubs.social_server import StubServer

UPLOAD_HOST = "https://youtube.googleapis.com"
SCOPES = "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube"


def google_error(status: int, reason: str, message: str, domain: str = "youtube.api"):
    body = {"error": {"code": status, "message": message, "errors": [{"message": message, "domain": domain,
                                                                      "reason": reason}]}}  # fmt: skip
    return jsonify(body), status


class YouTubeStub(StubServer):
    name = "youtube"

    def __init__(self):
        self.clients: dict[str, dict] = {}  # client_id -> {"secret", "units"}
        self.refresh_tokens: dict[str, dict] = {}  # token -> {"client", "channel", "revoked"}
        self.access_tokens: dict[str, str] = {}  # token -> refresh token
        self.codes: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.videos: dict[str, dict] = {}
        self.quota_limit = 10000
        self.unaudited = False
        self._ids = itertools.count(1)
        self._hold: tuple[int, threading.Event, threading.Event] | None = None
        super().__init__()

    # --- set-up and switches ----------------------------------------------------------------------

    def add_client(self, client_id: str, secret: str) -> None:
        self.clients[client_id] = {"secret": secret, "units": 0}

    def add_channel(self, client_id: str, refresh_token: str, title: str) -> str:
        channel_id = f"UC{secrets.token_hex(11)}"
        self.channels[channel_id] = {"id": channel_id, "title": title}
        self.refresh_tokens[refresh_token] = {"client": client_id, "channel": channel_id, "revoked": False}
        return channel_id

    def revoke(self, refresh_token: str) -> None:
        self.refresh_tokens[refresh_token]["revoked"] = True
        for access, refresh in list(self.access_tokens.items()):
            if refresh == refresh_token:
                del self.access_tokens[access]

    def hold_chunk(self, number: int) -> tuple[threading.Event, threading.Event]:
        """Block the ``number``-th chunk PUT (1-based) before storing it: (reached, release)."""
        reached, release = threading.Event(), threading.Event()
        self._hold = (number, reached, release)
        return reached, release

    def live_videos(self) -> dict[str, dict]:
        return {k: v for k, v in self.videos.items() if not v["deleted"]}

    # --- routes -------------------------------------------------------------------------------------

    def _auth(self):
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
        refresh = self.access_tokens.get(token)
        if refresh is None:
            return None, google_error(401, "authError", "Request had invalid authentication credentials.",
                                      domain="global")  # fmt: skip
        return self.refresh_tokens[refresh], None

    def routes(self) -> None:  # noqa: C901 - one place for the API surface
        app = self.app

        @app.before_request
        def _guard():
            return self.guard()

        @app.get("/o/oauth2/v2/auth")
        def consent():
            client = request.args.get("client_id", "")
            if client not in self.clients or request.args.get("response_type") != "code":
                return "invalid_client", 400
            if request.args.get("access_type") != "offline":
                return "offline access needed for a refresh token", 400
            code = secrets.token_urlsafe(12)
            self.codes[code] = {"client": client, "redirect_uri": request.args.get("redirect_uri", "")}
            query = urlencode({"code": code, "state": request.args.get("state", ""), "scope": request.args["scope"]})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            form = request.form
            client = self.clients.get(form.get("client_id", ""))
            if client is None or client["secret"] != form.get("client_secret"):
                return jsonify(error="invalid_client", error_description="The OAuth client was not found."), 401
            if form.get("grant_type") == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                if (
                    code is None
                    or code["client"] != form["client_id"]
                    or code["redirect_uri"] != form.get("redirect_uri")
                ):
                    return jsonify(error="invalid_grant", error_description="Malformed auth code."), 400
                refresh = f"1//{secrets.token_urlsafe(16)}"
                self.add_channel(form["client_id"], refresh, "Diskominfotik Sumbar")
                access = f"ya29.{secrets.token_urlsafe(16)}"
                self.access_tokens[access] = refresh
                return jsonify(access_token=access, refresh_token=refresh, expires_in=3599, token_type="Bearer")
            if form.get("grant_type") != "refresh_token":
                return jsonify(error="unsupported_grant_type"), 400
            entry = self.refresh_tokens.get(form.get("refresh_token", ""))
            if entry is None or entry["revoked"] or entry["client"] != form["client_id"]:
                return jsonify(error="invalid_grant", error_description="Token has been expired or revoked."), 400
            access = f"ya29.{secrets.token_urlsafe(16)}"
            self.access_tokens[access] = form["refresh_token"]
            return jsonify(access_token=access, expires_in=3599, token_type="Bearer", scope=SCOPES)

        @app.get("/youtube/v3/channels")
        def channels():
            entry, err = self._auth()
            if err:
                return err
            channel = self.channels[entry["channel"]]
            return jsonify(items=[{"id": channel["id"], "snippet": {"title": channel["title"]}}])

        @app.post("/upload/youtube/v3/videos")
        def start():
            entry, err = self._auth()
            if err:
                return err
            if request.args.get("uploadType") != "resumable":
                return google_error(400, "badRequest", "Use the resumable protocol for this test stub.")
            size = request.headers.get("X-Upload-Content-Length", "")
            if not size.isdigit() or not request.headers.get("X-Upload-Content-Type", "").startswith("video/"):
                return google_error(400, "badContent", "X-Upload-Content-Length and a video type are required.")
            body = request.get_json(silent=True) or {}
            snippet, status = body.get("snippet") or {}, body.get("status") or {}
            title = snippet.get("title") or ""
            if not 1 <= len(title) <= 100 or "<" in title:
                return google_error(400, "invalidTitle", "The request metadata specifies an invalid video title.")
            if len((snippet.get("description") or "").encode()) > 5000:
                return google_error(400, "invalidDescription", "The request metadata specifies an invalid description.")
            if status.get("privacyStatus") not in ("public", "unlisted", "private"):
                return google_error(400, "invalidVideoMetadata", "The request metadata is invalid.")
            if status.get("publishAt") and status["privacyStatus"] != "private":
                return google_error(400, "invalidPublishAt", "publishAt needs privacyStatus private.")
            client = self.clients[entry["client"]]
            if client["units"] + 1600 > self.quota_limit:
                return google_error(403, "quotaExceeded", "The request cannot be completed because you have "
                                    "exceeded your quota.", domain="youtube.quota")  # fmt: skip
            client["units"] += 1600
            upload_id = secrets.token_urlsafe(16)
            self.sessions[upload_id] = {"id": upload_id, "size": int(size), "data": b"", "meta": body,
                                        "channel": entry["channel"], "video": None, "puts": 0}  # fmt: skip
            resp = jsonify()
            resp.headers["Location"] = (
                f"{UPLOAD_HOST}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status&upload_id={upload_id}"
            )
            return resp, 200

        @app.put("/upload/youtube/v3/videos")
        def chunk():
            session = self.sessions.get(request.args.get("upload_id", ""))
            if session is None:
                return google_error(404, "notFound", "The upload session was not found.")
            if session["video"] is not None:
                return jsonify(self.videos[session["video"]]), 200
            rng = request.headers.get("Content-Range", "")
            received = len(session["data"])
            if rng.startswith("bytes */"):
                return self._incomplete(received)
            try:
                span, total = rng.removeprefix("bytes ").split("/")
                first, last = (int(x) for x in span.split("-"))
            except ValueError:
                return google_error(400, "badRequest", f"Invalid Content-Range {rng!r}")
            data = request.get_data()
            if first != received or last - first + 1 != len(data) or int(total) != session["size"]:
                return google_error(400, "badRequest", f"Content-Range {rng} does not follow byte {received}")
            if last + 1 < session["size"] and len(data) % (256 * 1024):
                return google_error(400, "badRequest", "Chunks other than the last must be multiples of 256 KiB")
            session["puts"] += 1
            if self._hold and self._hold[0] == sum(s["puts"] for s in self.sessions.values()):
                _n, reached, release = self._hold
                reached.set()
                release.wait(30)
                self._hold = None
            session["data"] += data
            if len(session["data"]) < session["size"]:
                return self._incomplete(len(session["data"]))
            return jsonify(self._finish(session)), 200

        @app.post("/upload/youtube/v3/thumbnails/set")
        def thumbnail():
            entry, err = self._auth()
            if err:
                return err
            video = self.videos.get(request.args.get("videoId", ""))
            if video is None or video["channel"] != entry["channel"]:
                return google_error(404, "videoNotFound", "The video could not be found.")
            data = request.get_data()
            if not data.startswith((b"\x89PNG", b"\xff\xd8\xff")) or len(data) > 2 * 1024 * 1024:
                return google_error(400, "invalidImage", "The provided image content is invalid.")
            self.clients[entry["client"]]["units"] += 50
            video["thumbnail"] = len(data)
            return jsonify(kind="youtube#thumbnailSetResponse", items=[{"default": {"url": "https://i.ytimg.com/x"}}])

        @app.get("/youtube/v3/videos")
        def videos_list():
            entry, err = self._auth()
            if err:
                return err
            ids = request.args.get("id", "").split(",")
            return jsonify(items=[self._resource(self.videos[i]) for i in ids if i in self.live_videos()])

        @app.put("/youtube/v3/videos")
        def videos_update():
            entry, err = self._auth()
            if err:
                return err
            body = request.get_json(silent=True) or {}
            video = self.live_videos().get(body.get("id", ""))
            if video is None or video["channel"] != entry["channel"]:
                return google_error(404, "videoNotFound", "The video could not be found.")
            parts = set(request.args.get("part", "").split(","))
            if "snippet" in parts:
                snippet = body.get("snippet") or {}
                if not snippet.get("title") or not snippet.get("categoryId"):
                    return google_error(400, "invalidVideoMetadata", "snippet.title and snippet.categoryId are "
                                        "required when updating the snippet.")  # fmt: skip
                video["snippet"] = snippet  # the part is replaced as a whole, as Google does
            if "status" in parts:
                video["status"].update(body.get("status") or {})
            return jsonify(self._resource(video))

        @app.delete("/youtube/v3/videos")
        def videos_delete():
            entry, err = self._auth()
            if err:
                return err
            video = self.live_videos().get(request.args.get("id", ""))
            if video is None:
                return google_error(404, "videoNotFound", "The video could not be found.")
            video["deleted"] = True
            return "", 204

    # --- helpers ------------------------------------------------------------------------------------

    def _incomplete(self, received: int):
        resp = jsonify()
        if received:
            resp.headers["Range"] = f"bytes=0-{received - 1}"
        return resp, 308

    def _finish(self, session: dict) -> dict:
        with self.lock:
            video_id = f"v{next(self._ids):010d}"
            meta = json.loads(json.dumps(session["meta"]))
            status = meta.get("status") or {}
            if self.unaudited:
                status["privacyStatus"] = "private"
            self.videos[video_id] = {
                "id": video_id,
                "channel": session["channel"],
                "snippet": meta.get("snippet") or {},
                "status": {**status, "uploadStatus": "uploaded"},
                "size": len(session["data"]),
                "session": session["id"],
                "thumbnail": None,
                "deleted": False,
            }
            session["video"] = video_id
        return self._resource(self.videos[video_id])

    def _resource(self, video: dict) -> dict:
        return {"kind": "youtube#video", "id": video["id"], "snippet": video["snippet"], "status": video["status"]}
