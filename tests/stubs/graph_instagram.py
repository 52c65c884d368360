"""The Instagram part of the Graph API stub (Content Publishing API), mixed into :class:`GraphStub`.

It checks what Instagram checks and answers as it answers:

* an Instagram user is linked to a page: the page's token may use it, another token gets code 200;
* ``POST /{ig}/media``: ``image_url`` is *fetched* (through :attr:`resolve`, the stub's DNS, as
  Meta's servers fetch it from the internet): not 200 or not a JPEG -> code 9004, an aspect ratio
  outside 4:5..1.91:1 -> code 36003; a caption over 2,200 characters, 30 hashtags or 20 mentions ->
  code 100; ``media_type=REELS`` needs ``upload_type=resumable`` (or a ``video_url``) and answers the
  upload ``uri``; ``media_type=CAROUSEL`` needs 2–10 finished carousel items of this account;
* ``POST /ig-api-upload/{version}/{container}`` (rupload): ``Authorization: OAuth``, ``offset`` and
  ``file_size`` headers, a body that is an MP4 of that size;
* ``GET /{container}?fields=status_code,status``: ``IN_PROGRESS`` until the bytes arrived and for
  :attr:`processing_polls` more looks, then ``FINISHED`` (or ``ERROR`` with a reason, see
  :meth:`fail_processing`), ``PUBLISHED`` once used;
* ``GET /{ig}/content_publishing_limit`` (``config{quota_total,quota_duration}``, ``quota_usage`` of
  the last 24 h); ``POST /{ig}/media_publish`` refuses an unfinished or used container (code 9007),
  and a reached limit (code 9, subcode 2207042);
* ``GET /{ig}/media`` (newest first), ``GET /{media}?fields=permalink``.

Published media are in :attr:`ig_media`; containers in :attr:`containers`.
"""

from __future__ import annotations

import io
import re
import time

import requests
from flask import g, jsonify, request

HASHTAG, MENTION = re.compile(r"(?<![\w&])#\w+"), re.compile(r"(?<![\w@])@[A-Za-z0-9_.]+")


class InstagramStubMixin:
    def _ig_init(self) -> None:
        self.ig_users: dict[str, dict] = {}
        self.containers: dict[str, dict] = {}
        self.ig_media: dict[str, dict] = {}
        #: what Meta's fetcher resolves: {"https://hub.example.go.id": "http://127.0.0.1:5000"}
        self.resolve: dict[str, str] = {}
        self.fetched: list[str] = []
        self.quota_total = 50
        self.processing_polls = 1
        self._processing_error: str | None = None

    def add_instagram(self, page_id: str, ig_user_id: str, username: str) -> None:
        self.ig_users[ig_user_id] = {"id": ig_user_id, "username": username, "page": page_id}

    def fail_processing(self, reason: str) -> None:
        """The next video container ends in ``ERROR`` with this reason."""
        self._processing_error = reason

    def quota_usage(self, ig_user_id: str) -> int:
        day_ago = time.time() - 86400
        return sum(1 for m in self.ig_media.values() if m["user"] == ig_user_id and m["created"] >= day_ago)

    # --- the parts of the Graph routes that belong to Instagram --------------------------------------

    def ig_object(self, object_id: str):
        """``GET /{id}`` for an Instagram user, container or media; None when the id is none of them."""
        from tests.stubs.graph_api import graph_error

        if object_id in self.ig_users:
            user = self.ig_users[object_id]
            if user["page"] != g.page:
                return graph_error("(#200) Permissions error", "OAuthException", 200, 403)
            return jsonify(id=user["id"], username=user["username"], name=user["username"])
        if object_id in self.containers:
            c = self.containers[object_id]
            if self.ig_users[c["user"]]["page"] != g.page:
                return graph_error("(#200) Permissions error", "OAuthException", 200, 403)
            self._advance(c)
            return jsonify(id=object_id, status_code=c["status_code"], status=c["status"])
        if object_id in self.ig_media:
            m = self.ig_media[object_id]
            return jsonify(id=object_id, permalink=m["permalink"], media_type=m["media_type"], caption=m["caption"])
        return None

    def ig_listing(self, ig_user_id: str, edge: str):
        from tests.stubs.graph_api import _iso, graph_error

        if self.ig_users[ig_user_id]["page"] != g.page:
            return graph_error("(#200) Permissions error", "OAuthException", 200, 403)
        if edge == "content_publishing_limit":
            row = {"quota_usage": self.quota_usage(ig_user_id)}
            if "config" in (request.args.get("fields") or ""):
                row["config"] = {"quota_total": self.quota_total, "quota_duration": 86400}
            return jsonify(data=[row])
        if edge == "media":
            rows = [
                {
                    "id": m["id"],
                    "caption": m["caption"],
                    "media_type": m["media_type"],
                    "media_product_type": m["product"],
                    "timestamp": _iso(m["created"]),
                    "permalink": m["permalink"],
                }
                for m in sorted(self.ig_media.values(), key=lambda m: m["created"], reverse=True)
                if m["user"] == ig_user_id
            ]
            return jsonify(data=rows[: int(request.args.get("limit") or 25)], paging={})
        return graph_error(f"(#100) Unknown edge {edge}", "OAuthException", 100)

    def ig_routes(self, app) -> None:
        from tests.stubs.graph_api import graph_error

        def mine(ig_user_id: str):
            user = self.ig_users.get(ig_user_id)
            if user is None:
                return graph_error(f"(#100) Object with ID '{ig_user_id}' does not exist", "GraphMethodException", 100)
            if user["page"] != g.page:
                return graph_error("(#200) Permissions error", "OAuthException", 200, 403)
            return None

        @app.post("/<version>/<ig_user_id>/media")
        def ig_container(version, ig_user_id):
            if (err := mine(ig_user_id)) is not None:
                return err
            form = request.form
            caption = form.get("caption", "")
            if len(caption) > 2200 or len(HASHTAG.findall(caption)) > 30 or len(MENTION.findall(caption)) > 20:
                return graph_error("(#100) The caption is too long or has too many hashtags or mentions.",
                                   "OAuthException", 100, error_subcode=2207058)  # fmt: skip
            media_type = form.get("media_type", "")
            if media_type == "REELS":
                if form.get("upload_type") != "resumable" and not form.get("video_url"):
                    return graph_error("(#100) The parameter video_url is required", "OAuthException", 100)
                c = self._container(ig_user_id, "VIDEO", caption, product="REELS", status="IN_PROGRESS")
                c["awaiting_upload"] = True
                uri = f"https://rupload.facebook.com/ig-api-upload/{version}/{c['id']}"
                return jsonify(id=c["id"], uri=uri)
            if media_type == "CAROUSEL":
                children = [x for x in form.get("children", "").split(",") if x]
                if not 2 <= len(children) <= 10:
                    return graph_error("(#100) A carousel needs 2 to 10 children", "OAuthException", 100)
                for cid in children:
                    child = self.containers.get(cid)
                    if child is None or child["user"] != ig_user_id or not child["carousel_item"]:
                        return graph_error(f"(#100) Invalid child {cid}", "OAuthException", 100)
                    if child["status_code"] != "FINISHED":
                        return graph_error("(#9007) Media ID is not available", "OAuthException", 9007)
                c = self._container(ig_user_id, "CAROUSEL_ALBUM", caption, status="FINISHED")
                c["children"] = children
                return jsonify(id=c["id"])
            if media_type not in ("", "IMAGE"):
                return graph_error(f"(#100) Unsupported media_type {media_type}", "OAuthException", 100)
            url = form.get("image_url", "")
            if not url:
                return graph_error("(#100) The parameter image_url is required", "OAuthException", 100)
            problem = self._fetch_image(url)
            if problem is not None:
                return problem
            c = self._container(ig_user_id, "IMAGE", caption, status="FINISHED")
            c["carousel_item"] = form.get("is_carousel_item") == "true"
            return jsonify(id=c["id"])

        @app.post("/ig-api-upload/<version>/<container_id>")
        def ig_upload(version, container_id):
            c = self.containers.get(container_id)
            if c is None or self.ig_users[c["user"]]["page"] != g.page:
                return jsonify(debug_info={"type": "ProcessingFailedError", "message": "Invalid container"}), 400
            offset, size = request.headers.get("offset", ""), request.headers.get("file_size", "")
            if not (offset.isdigit() and size.isdigit()):
                return jsonify(debug_info={"type": "BadRequest", "message": "offset and file_size needed"}), 400
            data = request.get_data()
            if int(offset) + len(data) != int(size) or (int(offset) == 0 and data[4:8] != b"ftyp"):
                return jsonify(debug_info={"type": "ProcessingFailedError", "message": "Invalid video data"}), 400
            c["bytes"] = len(data) + int(offset)
            c["awaiting_upload"] = False
            c["polls_left"] = self.processing_polls
            return jsonify(success=True, message="Upload successful.")

        @app.post("/<version>/<ig_user_id>/media_publish")
        def ig_publish(version, ig_user_id):
            if (err := mine(ig_user_id)) is not None:
                return err
            c = self.containers.get(request.form.get("creation_id", ""))
            if c is None or c["user"] != ig_user_id or c["carousel_item"]:
                return graph_error("(#100) Invalid creation_id", "OAuthException", 100)
            if self.quota_usage(ig_user_id) >= self.quota_total:
                return graph_error("Application request limit reached", "OAuthException", 9, error_subcode=2207042)
            if c["status_code"] != "FINISHED":
                return graph_error("(#9007) Media ID is not available", "OAuthException", 9007,
                                   error_subcode=2207027)  # fmt: skip
            with self.lock:
                mid = str(next(self._ids))
                self.ig_media[mid] = {
                    "id": mid,
                    "user": ig_user_id,
                    "container": c["id"],
                    "media_type": c["media_type"],
                    "product": c["product"],
                    "caption": c["caption"],
                    "children": c.get("children", []),
                    "created": int(time.time()),
                    "permalink": f"https://www.instagram.com/p/C{mid[-8:]}/",
                }
                c["status_code"], c["status"] = "PUBLISHED", "Published"
            return jsonify(id=mid)

    # --- helpers ------------------------------------------------------------------------------------

    def _container(self, user: str, media_type: str, caption: str, *, product: str = "FEED", status: str) -> dict:
        with self.lock:
            cid = str(next(self._ids))
            self.containers[cid] = {
                "id": cid,
                "user": user,
                "media_type": media_type,
                "product": product,
                "caption": caption,
                "status_code": status,
                "status": "Finished: Media has been uploaded and it is ready to be published."
                if status == "FINISHED"
                else "In Progress",
                "carousel_item": False,
                "created": time.time(),
            }
        return self.containers[cid]

    def _advance(self, c: dict) -> None:
        """One status look at a video container: it finishes after the bytes and a few looks."""
        if c["status_code"] != "IN_PROGRESS" or c.get("awaiting_upload"):
            return
        if c["polls_left"] > 0:
            c["polls_left"] -= 1
            return
        if self._processing_error:
            c["status_code"], c["status"] = "ERROR", f"Error: {self._processing_error}"
            self._processing_error = None
        else:
            c["status_code"], c["status"] = "FINISHED", "Finished"

    def _fetch_image(self, url: str):
        from PIL import Image

        from tests.stubs.graph_api import graph_error

        target = url
        for public, local in self.resolve.items():
            if url.startswith(public + "/"):
                target = local + url[len(public) :]
        self.fetched.append(url)
        failed = graph_error(
            "Media download has failed. The media URI doesn't meet our requirements.",
            "OAuthException", 9004, error_subcode=2207052,
        )  # fmt: skip
        try:
            response = requests.get(target, timeout=10)
        except requests.RequestException:
            return failed
        if response.status_code != 200 or not response.content.startswith(b"\xff\xd8\xff"):
            return failed
        with Image.open(io.BytesIO(response.content)) as image:
            width, height = image.size
        if not 0.8 - 0.005 <= width / height <= 1.91 + 0.005:
            return graph_error("The aspect ratio is not supported.", "OAuthException", 36003, error_subcode=2207009)
        return None
