"""The Facebook Pages client: facebook-sdk's ``GraphAPI`` with a current Graph API version.

facebook-sdk 3.1.0 (2018) accepts only versions 2.8–3.1 in its constructor, and Meta
silently upgrades calls to retired versions. The version is a path prefix only, so it
is set on the object after construction, from the plugin setting ``graph_api_version``
(environment ``HUB_SOCIAL_GRAPH_API_VERSION``), default :data:`GRAPH_API_VERSION` — the
one version Facebook and Instagram use. Raise it when Meta retires it (each version
lives about two years; see the Graph API changelog).

Calls used: ``POST /{page}/feed`` (``message``, ``link``, ``attached_media``) through
``put_object``; ``POST /{page}/photos`` through ``put_photo`` (``published=false`` for
the photos of a multi-photo post); ``POST /{page}/videos`` on graph-video.facebook.com
with the file as ``source``, or for large files the chunked flow ``upload_phase=start``
(``file_size``) → ``transfer`` (``upload_session_id``, ``start_offset``,
``video_file_chunk``) until ``start_offset == end_offset`` → ``finish``;
``GET /{page}/posts`` and ``/{page}/videos`` to find an earlier copy; ``DELETE /{id}``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import facebook
import requests
from hub_social import errors
from hub_social.transport import ResponseRecorder, redirected_session

#: the Graph API version every call uses (pinned here and nowhere else)
GRAPH_API_VERSION = "v21.0"
HOSTS = ("graph.facebook.com", "graph-video.facebook.com", "rupload.facebook.com")
VIDEO_HOST = "https://graph-video.facebook.com"
#: Graph error codes of throttling (app, user, page, account-level) and of a bad or expired token
RATE_LIMIT_CODES = {4, 17, 32, 613} | set(range(80001, 80015))
TOKEN_CODES = {190, 102}
DEFAULT_RESUMABLE_OVER = 25 * 1024 * 1024


def graph_version() -> str:
    """The Graph API version every call uses: the setting, else :data:`GRAPH_API_VERSION`."""
    try:
        from hub.sdk import plugin_config

        value = str(plugin_config("social", "graph_api_version") or "").strip()
    except RuntimeError:  # outside an application
        value = ""
    if not re.fullmatch(r"v\d+\.\d+", value):
        return GRAPH_API_VERSION
    return value


class FacebookClient:
    """One Facebook Page: ``secrets["page_token"]`` and the page id."""

    channel = "facebook"

    def __init__(self, secrets: dict, page_id: str, base_url: str, *, name: str = ""):
        self.name, self.page_id = name, page_id
        session = redirected_session(None, HOSTS, base_url)
        self.recorder = ResponseRecorder(session)
        self.graph = facebook.GraphAPI(access_token=secrets["page_token"], session=session)
        self.graph.version = graph_version()

    # --- errors -------------------------------------------------------------------------------

    def error(self, exc: Exception):
        last = self.recorder.last
        if isinstance(exc, requests.RequestException):
            return errors.unavailable(self.channel, self.name, type(exc).__name__)
        result = getattr(exc, "result", None)
        err = result.get("error", {}) if isinstance(result, dict) else {}
        code = err.get("code")
        said = str(err.get("message") or getattr(exc, "message", "") or exc)
        if code in TOKEN_CODES or (last is not None and last.status_code == 401):
            return errors.reconnect(self.channel, self.name, f"#{code} {said}")
        if code in RATE_LIMIT_CODES:
            return errors.rate_limited(self.channel, self.name, _regain_seconds(last))
        if err.get("is_transient") or code in (1, 2) or (last is not None and last.status_code >= 500):
            return errors.unavailable(self.channel, self.name, f"#{code} {said}")
        rule = "duplicate" if code == 506 else ("media" if code in (324, 352) or 6000 <= (code or 0) < 7000 else "")
        return errors.refused(self.channel, self.name, f"#{code} {said}", rule=rule or "refused")

    def _call(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except (facebook.GraphAPIError, requests.RequestException) as exc:
            raise self.error(exc) from exc

    def _video_request(self, data: dict, files: dict | None = None) -> dict:
        """A POST to ``/{page}/videos`` on the video host (facebook-sdk has no video helper)."""
        url = f"{VIDEO_HOST}/{self.graph.version}/{self.page_id}/videos"
        response = self.graph.session.request(
            "POST", url, data={**data, "access_token": self.graph.access_token}, files=files
        )
        try:
            result = response.json()
        except ValueError:
            raise facebook.GraphAPIError(f"{response.status_code} {response.reason}") from None
        if isinstance(result, dict) and result.get("error"):
            raise facebook.GraphAPIError(result)
        return result

    # --- account ------------------------------------------------------------------------------

    def me(self) -> dict:
        """``{"id", "name"}`` of the page the token belongs to (the connection test)."""
        return self._call(self.graph.get_object, self.page_id, fields="id,name")

    # --- media and posts ----------------------------------------------------------------------

    def upload_photo(self, path: Path, mime: str, alt_text: str = "") -> str:
        """An unpublished photo, to attach to a feed post; its id."""
        with path.open("rb") as fh:
            extra = {"alt_text_custom": alt_text} if alt_text else {}
            answer = self._call(
                self.graph.put_photo,
                (path.name, fh, mime),
                album_path=f"{self.page_id}/photos",
                published="false",
                **extra,
            )
        return str(answer["id"])

    def create(self, spec: dict, media: list[tuple[Path, str, str]], photo_ids: list[str]) -> str:
        """Create one page post from ``spec`` (``kind``, ``text``, ``link``); its id.

        ``media`` holds (path, mime, alt text) of a ``photo`` or ``video`` post; ``photo_ids``
        the unpublished photos of a ``photos`` post. A lost answer raises :class:`errors.MaybeSent`.
        """
        kind, text = spec["kind"], spec.get("text") or ""
        try:
            if kind == "video":
                path, mime, _alt = media[0]
                return self._video(path, mime, text, spec.get("title") or "", spec.get("resumable_over"))
            if kind == "photo":
                path, mime, alt = media[0]
                with path.open("rb") as fh:
                    extra = {"alt_text_custom": alt} if alt else {}
                    answer = self.graph.put_photo(
                        (path.name, fh, mime), album_path=f"{self.page_id}/photos", message=text, **extra
                    )
                return str(answer.get("post_id") or answer["id"])
            args = {"message": text}
            if spec.get("link"):
                args["link"] = spec["link"]
            if photo_ids:
                args["attached_media"] = json.dumps([{"media_fbid": pid} for pid in photo_ids])
            return str(self.graph.put_object(self.page_id, "feed", **args)["id"])
        except requests.RequestException as exc:
            raise errors.MaybeSent(self.error(exc)) from exc
        except facebook.GraphAPIError as exc:
            err = self.error(exc)
            if self.recorder.last is not None and self.recorder.last.status_code >= 500:
                raise errors.MaybeSent(err) from exc
            raise err from exc

    def _video(self, path: Path, mime: str, text: str, title: str, resumable_over: int | None) -> str:
        size = path.stat().st_size
        meta = {"description": text, **({"title": title} if title else {})}
        if size <= (resumable_over or DEFAULT_RESUMABLE_OVER):
            with path.open("rb") as fh:
                return str(self._video_request(meta, files={"source": (path.name, fh, mime)})["id"])
        start = self._video_request({"upload_phase": "start", "file_size": str(size)})
        session_id, video_id = start["upload_session_id"], str(start["video_id"])
        begin, end = int(start["start_offset"]), int(start["end_offset"])
        with path.open("rb") as fh:
            while begin < end:
                fh.seek(begin)
                chunk = fh.read(end - begin)
                answer = self._video_request(
                    {"upload_phase": "transfer", "upload_session_id": session_id, "start_offset": str(begin)},
                    files={"video_file_chunk": ("chunk", chunk, "application/octet-stream")},
                )
                begin, end = int(answer["start_offset"]), int(answer["end_offset"])
        self._video_request({"upload_phase": "finish", "upload_session_id": session_id, **meta})
        return video_id

    def recent(self, kind: str, since_unix: int) -> list[dict]:
        """Recent page posts (``id``, ``message``) or videos (``id``, ``description``) since then."""
        if kind == "video":
            answer = self._call(
                self.graph.get_connections,
                self.page_id,
                "videos",
                fields="id,description,created_time",
                since=since_unix,
            )
        else:
            answer = self._call(
                self.graph.get_connections, self.page_id, "posts", fields="id,message,created_time", since=since_unix
            )
        return answer.get("data") or []

    def delete(self, post_id: str) -> bool:
        try:
            answer = self.graph.delete_object(post_id)
        except facebook.GraphAPIError as exc:
            if exc.code == 100 and "does not exist" in str(exc.message):
                return True  # already gone
            raise self.error(exc) from exc
        except requests.RequestException as exc:
            raise self.error(exc) from exc
        return bool(answer.get("success", True))


def post_url(page_id: str, post_id: str, kind: str) -> str:
    if kind == "video":
        return f"https://www.facebook.com/{page_id}/videos/{post_id}"
    page, _, story = post_id.partition("_")
    return f"https://www.facebook.com/{page}/posts/{story}" if story else f"https://www.facebook.com/{post_id}"


def _regain_seconds(response: requests.Response | None) -> float:
    """Seconds until Meta lifts the throttle, from the usage headers; 5 minutes when none says."""
    if response is None:
        return 300.0
    minutes = 0.0
    for header in ("x-business-use-case-usage", "x-page-usage", "x-app-usage", "x-ad-account-usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries = (
            [e for v in data.values() if isinstance(v, list) for e in v] if header.startswith("x-business") else [data]
        )
        for entry in entries:
            if isinstance(entry, dict):
                minutes = max(minutes, float(entry.get("estimated_time_to_regain_access") or 0))
    return minutes * 60 if minutes > 0 else 300.0
