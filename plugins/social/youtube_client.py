"""The YouTube client: the Data API v3 through google-api-python-client and google-auth.

The library is built from the discovery document it ships (``static_discovery=True``: nothing is
fetched) and keeps Google's hosts in every URL; its HTTP goes through :class:`RequestsHttp`, an
``httplib2.Http`` look-alike over a ``requests`` session whose transport adapter sends the Google
hosts to the account's base URL (:mod:`hub_social.transport`, as for X and Facebook). Tokens are
refreshed by google-auth through the same session.

Calls used: ``videos.insert`` (``part=snippet,status``) with ``MediaFileUpload(resumable=True)``
in chunks: the session URI Google answers is handed to ``on_session`` *before* a byte is sent, so
a worker killed mid-upload is resumed by the next attempt through the same session
(``PUT`` with ``Content-Range: bytes */SIZE`` asks how much arrived; 308 with ``Range``, or the
finished video); ``thumbnails.set``; ``videos.list`` (``part=status``); ``videos.update``;
``channels.list`` (``mine=true``, the connection test); OAuth 2.0 authorisation code and refresh
token grants at ``oauth2.googleapis.com/token``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httplib2
import requests
from hub_social import errors
from hub_social.transport import redirected_session

HOSTS = ("youtube.googleapis.com", "www.googleapis.com", "oauth2.googleapis.com", "accounts.google.com")
TOKEN_URI = "https://oauth2.googleapis.com/token"
AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
SCOPES = ("https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube")
#: quota units of the YouTube Data API (default daily quota per project: 10,000)
COST = {"insert": 1600, "thumbnail": 50, "update": 50, "list": 1}


class RequestsHttp:
    """What google-api-python-client and google-auth-httplib2 call on an ``httplib2.Http``."""

    def __init__(self, session: requests.Session, on_session: Callable[[str], None] | None = None):
        self.session, self.on_session = session, on_session
        self.timeout = None

    def request(self, uri, method="GET", body=None, headers=None, redirections=5, connection_type=None):
        response = self.session.request(method, uri, data=body, headers=headers or {}, allow_redirects=False)
        info = {k.lower(): v for k, v in response.headers.items()}
        info["status"] = str(response.status_code)
        if (
            self.on_session is not None
            and method == "POST"
            and "uploadType=resumable" in uri
            and response.status_code == 200
            and "location" in info
        ):
            self.on_session(info["location"])  # saved before the first byte goes
        return httplib2.Response(info), response.content

    def close(self):
        self.session.close()


class YouTubeClient:
    channel = "youtube"

    def __init__(self, secrets: dict, base_url: str, *, name: str = "", on_session=None):
        self.name, self.secrets = name, secrets
        # no base URL: Google's own hosts, as the library addresses them
        self.session = redirected_session(None, HOSTS, base_url) if base_url else requests.Session()
        self.http = RequestsHttp(self.session, on_session)
        self._service = None
        #: what went wrong without failing the publication (a refused thumbnail), for the item page
        self.notes: list[str] = []

    # --- plumbing -----------------------------------------------------------------------------

    @property
    def service(self):
        if self._service is None:
            import google_auth_httplib2
            from google.oauth2.credentials import Credentials
            from googleapiclient.discovery import build

            credentials = Credentials(
                token=None,
                refresh_token=self.secrets.get("refresh_token"),
                client_id=self.secrets.get("client_id"),
                client_secret=self.secrets.get("client_secret"),
                token_uri=TOKEN_URI,
                scopes=list(SCOPES),
            )
            authed = google_auth_httplib2.AuthorizedHttp(credentials, http=self.http)
            self._service = build("youtube", "v3", http=authed, static_discovery=True, cache_discovery=False)
        return self._service

    def error(self, exc: Exception):
        from google.auth.exceptions import RefreshError
        from googleapiclient.errors import HttpError

        if isinstance(exc, RefreshError):
            return errors.reconnect(self.channel, self.name, str(exc.args[0] if exc.args else exc))
        if isinstance(exc, requests.RequestException):
            return errors.unavailable(self.channel, self.name, type(exc).__name__)
        if isinstance(exc, HttpError):
            status = exc.resp.status
            try:
                err = json.loads(exc.content or b"{}").get("error", {})
            except ValueError:
                err = {}
            reason = ((err.get("errors") or [{}])[0]).get("reason", "")
            said = f"{status} {reason}: {err.get('message') or exc.reason}".strip()
            if reason in ("quotaExceeded", "dailyLimitExceeded"):
                return errors.quota_exceeded(self.name, said)
            if status == 401:
                return errors.reconnect(self.channel, self.name, said)
            if status == 429 or reason in ("rateLimitExceeded", "userRateLimitExceeded"):
                return errors.rate_limited(self.channel, self.name, 300.0)
            if status >= 500:
                return errors.unavailable(self.channel, self.name, said)
            return errors.refused(
                self.channel, self.name, said, rule="media" if "upload" in reason.lower() else "refused"
            )
        return errors.unavailable(self.channel, self.name, repr(exc))

    def _call(self, request):
        from google.auth.exceptions import RefreshError
        from googleapiclient.errors import HttpError

        try:
            return request.execute()
        except (HttpError, RefreshError, requests.RequestException) as exc:
            raise self.error(exc) from exc

    # --- account --------------------------------------------------------------------------------

    def me(self) -> dict:
        """The channel the token belongs to: ``{"id", "title"}``."""
        answer = self._call(self.service.channels().list(part="snippet", mine=True))
        items = answer.get("items") or []
        if not items:
            raise errors.refused(self.channel, self.name, "no YouTube channel on this Google account")
        return {"id": items[0]["id"], "title": items[0]["snippet"]["title"]}

    # --- videos -------------------------------------------------------------------------------

    def upload(self, path: Path, mime: str, body: dict, *, chunk_bytes: int, resume_uri: str | None = None) -> dict:
        """Upload the video (or finish the upload behind ``resume_uri``); the video resource."""
        from google.auth.exceptions import RefreshError
        from googleapiclient.errors import HttpError, ResumableUploadError
        from googleapiclient.http import MediaFileUpload

        media = MediaFileUpload(str(path), mimetype=mime, chunksize=chunk_bytes, resumable=True)
        request = self.service.videos().insert(part="snippet,status", body=body, media_body=media)
        if resume_uri:
            request.resumable_uri = resume_uri
            request._in_error_state = True  # the library's way to ask the session how much arrived
        response = None
        try:
            while response is None:
                _status, response = request.next_chunk()
        except ResumableUploadError as exc:
            raise self.error(HttpError(exc.resp, exc.content)) from exc
        except (HttpError, RefreshError, requests.RequestException) as exc:
            raise self.error(exc) from exc
        return response

    def set_thumbnail(self, video_id: str, path: Path, mime: str) -> None:
        from googleapiclient.http import MediaFileUpload

        media = MediaFileUpload(str(path), mimetype=mime, resumable=False)
        self._call(self.service.thumbnails().set(videoId=video_id, media_body=media))

    def status(self, video_id: str) -> dict | None:
        answer = self._call(self.service.videos().list(part="status", id=video_id))
        items = answer.get("items") or []
        return items[0] if items else None

    def update_snippet(self, video_id: str, spec: dict) -> None:
        """Title, description, tags, category and language of an uploaded video (a revision)."""
        snippet = {
            "title": spec["title"],
            "description": spec["text"],
            "tags": spec["tags"],
            "categoryId": spec["category"],
            "defaultLanguage": spec["language"],
        }
        self._call(self.service.videos().update(part="snippet", body={"id": video_id, "snippet": snippet}))

    def delete(self, video_id: str) -> bool:
        from googleapiclient.errors import HttpError

        try:
            self.service.videos().delete(id=video_id).execute()
        except HttpError as exc:
            if exc.resp.status == 404:
                return True
            raise self.error(exc) from exc
        return True

    def make_private(self, video_id: str) -> None:
        self._call(
            self.service.videos().update(part="status", body={"id": video_id, "status": {"privacyStatus": "private"}})
        )


def video_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def exchange_code(base_url: str, client_id: str, client_secret: str, code: str, redirect_uri: str) -> dict:
    """The authorisation code grant: ``{"refresh_token", "access_token", …}`` or an ``error``."""
    session = redirected_session(None, HOSTS, base_url) if base_url else requests.Session()
    response = session.post(
        TOKEN_URI,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
        },
    )
    try:
        return response.json()
    except ValueError:
        return {"error": f"HTTP {response.status_code}"}
