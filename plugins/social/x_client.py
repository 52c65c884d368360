"""The X client: tweepy for OAuth 1.0a and posts, the v2 media upload written on its session.

Endpoints used (X API v2, checked against docs.x.com and tweepy issue #2217, 2025–26):

* ``POST /2/tweets`` — :meth:`tweepy.Client.create_tweet` (text, ``media.media_ids``,
  ``reply.in_reply_to_tweet_id``); ``DELETE /2/tweets/:id`` — ``delete_tweet``;
  ``GET /2/users/me`` — ``get_me``; ``GET /2/users/:id/tweets`` — ``get_users_tweets``
  (``tweet.fields=created_at,referenced_tweets,attachments``: a media key is
  ``<type>_<media id>``).
* ``POST /2/media/upload`` — one-shot image upload, multipart ``media`` +
  ``media_category=tweet_image``; answers ``{"data": {"id", "media_key", …}}``.
* ``POST /2/media/upload/initialize`` — JSON ``total_bytes``, ``media_type``,
  ``media_category`` (``tweet_video``, ``tweet_gif``); answers ``{"data": {"id", …}}``.
* ``POST /2/media/upload/{id}/append`` — multipart ``segment_index`` + ``media`` (a chunk).
* ``POST /2/media/upload/{id}/finalize`` — answers ``data.processing_info`` when X still
  processes the file.
* ``GET /2/media/upload?command=STATUS&media_id=…`` — poll until
  ``processing_info.state`` is ``succeeded`` (or ``failed``), sleeping ``check_after_secs``.
* ``POST /2/media/metadata`` — JSON ``{"id", "metadata": {"alt_text": {"text"}}}``.

tweepy has only the retired v1.1 upload, so those calls go through the tweepy
``Client``'s own ``requests`` session, signed by ``OAuth1UserHandler.apply_auth()``.
"""

from __future__ import annotations

import time
from pathlib import Path

import requests
import tweepy
from hub_social import errors
from hub_social.transport import redirected_session

from hub.sdk import PermanentPublishError

HOSTS = ("api.twitter.com", "api.x.com", "upload.twitter.com")
API = "https://api.x.com"
DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
#: longest total time spent polling one video's processing
MAX_PROCESSING_SECONDS = 600


class XClient:
    """One X account: ``secrets`` are the four OAuth 1.0a values, ``base_url`` the API base."""

    channel = "x"

    def __init__(self, secrets: dict, base_url: str, *, name: str = "", chunk_bytes: int = DEFAULT_CHUNK_BYTES):
        self.name = name
        self.chunk_bytes = chunk_bytes
        #: what X said when it refused an image's alt text (the image is posted without it)
        self.alt_refused: list[str] = []
        self.client = tweepy.Client(
            consumer_key=secrets["consumer_key"],
            consumer_secret=secrets["consumer_secret"],
            access_token=secrets["access_token"],
            access_token_secret=secrets["access_token_secret"],
            return_type=dict,
        )
        redirected_session(self.client.session, HOSTS, base_url)
        self.auth = tweepy.OAuth1UserHandler(
            secrets["consumer_key"], secrets["consumer_secret"], secrets["access_token"], secrets["access_token_secret"]
        ).apply_auth()

    # --- errors -------------------------------------------------------------------------------

    def error(self, response: requests.Response | None, exc: Exception | None = None):
        """The hub error for a failed answer (or a transport failure when ``response`` is None)."""
        if response is None:
            return errors.unavailable("x", self.name, type(exc).__name__ if exc else "no response")
        status = response.status_code
        said = _said(response)
        if status == 429:
            reset = response.headers.get("x-rate-limit-reset")
            retry_after = max(1.0, float(reset) - time.time()) if reset and reset.isdigit() else None
            return errors.rate_limited("x", self.name, retry_after)
        if status == 401:
            return errors.reconnect("x", self.name, f"401 {said}")
        if status >= 500:
            return errors.unavailable("x", self.name, f"{status} {said}")
        rule = "duplicate" if "duplicate" in said.lower() else ("media" if "media" in said.lower() else "refused")
        return errors.refused("x", self.name, f"{status} {said}", rule=rule)

    def _tweepy(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except tweepy.HTTPException as exc:
            raise self.error(exc.response) from exc
        except requests.RequestException as exc:
            raise self.error(None, exc) from exc

    def _raw(self, method: str, url: str, **kwargs) -> dict:
        try:
            response = self.client.session.request(
                method, url, auth=self.auth, headers={"User-Agent": self.client.user_agent}, **kwargs
            )
        except requests.RequestException as exc:
            raise self.error(None, exc) from exc
        if not 200 <= response.status_code < 300:
            raise self.error(response)
        return response.json() if response.content else {}

    # --- account ------------------------------------------------------------------------------

    def me(self) -> dict:
        """``{"id", "name", "username"}`` of the authenticated account (the connection test)."""
        return self._tweepy(self.client.get_me, user_auth=True)["data"]

    # --- media --------------------------------------------------------------------------------

    def upload(self, path: Path, mime: str, alt_text: str = "") -> str:
        """Upload one file; returns the media id once X can attach it."""
        if mime.startswith("image/") and mime != "image/gif":
            with path.open("rb") as fh:
                data = self._raw(
                    "POST",
                    f"{API}/2/media/upload",
                    data={"media_category": "tweet_image", "media_type": mime},
                    files={"media": (path.name, fh, mime)},
                )["data"]
        else:
            data = self._chunked(path, mime)
        media_id = str(data["id"])
        if alt_text and mime.startswith("image/"):
            try:
                self._raw(
                    "POST",
                    f"{API}/2/media/metadata",
                    json={"id": media_id, "metadata": {"alt_text": {"text": alt_text}}},
                )
            except PermanentPublishError as exc:
                if exc.details.get("reconnect"):
                    raise
                # a refused alt text must not lose the post: post the image without it, say so on the item
                self.alt_refused.append(f"{path.name}: {exc.details.get('platform_message') or exc}")
        return media_id

    def _chunked(self, path: Path, mime: str) -> dict:
        size = path.stat().st_size
        category = "tweet_gif" if mime == "image/gif" else "tweet_video"
        init = self._raw(
            "POST",
            f"{API}/2/media/upload/initialize",
            json={"total_bytes": size, "media_type": mime, "media_category": category},
        )["data"]
        media_id = str(init["id"])
        with path.open("rb") as fh:
            index = 0
            while chunk := fh.read(self.chunk_bytes):
                self._raw(
                    "POST",
                    f"{API}/2/media/upload/{media_id}/append",
                    data={"segment_index": str(index)},
                    files={"media": ("chunk", chunk, "application/octet-stream")},
                )
                index += 1
        data = self._raw("POST", f"{API}/2/media/upload/{media_id}/finalize")["data"]
        deadline = time.monotonic() + MAX_PROCESSING_SECONDS
        while (info := data.get("processing_info")) and info.get("state") in ("pending", "in_progress"):
            if time.monotonic() > deadline:
                raise errors.unavailable("x", self.name, f"media {media_id} still processing")
            time.sleep(float(info.get("check_after_secs") or 1))
            data = self._raw("GET", f"{API}/2/media/upload", params={"command": "STATUS", "media_id": media_id})["data"]
        info = data.get("processing_info") or {}
        if info.get("state") == "failed":
            err = info.get("error") or {}
            said = err.get("message") or err.get("name") or "processing failed"
            raise errors.refused("x", self.name, said, rule="media")
        return data

    # --- posts --------------------------------------------------------------------------------

    def create(self, text: str, media_ids: list[str], reply_to: str | None) -> str:
        """Create a post; its id. A lost answer raises :class:`errors.MaybeSent`."""
        try:
            answer = self.client.create_tweet(
                text=text or None, media_ids=media_ids or None, in_reply_to_tweet_id=reply_to, user_auth=True
            )
        except tweepy.HTTPException as exc:
            err = self.error(exc.response)
            if exc.response.status_code >= 500:
                raise errors.MaybeSent(err) from exc
            raise err from exc
        except requests.RequestException as exc:
            raise errors.MaybeSent(self.error(None, exc)) from exc
        return str(answer["data"]["id"])

    def recent(self, user_id: str, since_iso: str) -> list[dict]:
        """The account's posts since ``since_iso`` (``id``, ``text``, ``referenced_tweets``,
        ``attachments.media_keys``)."""
        answer = self._tweepy(
            self.client.get_users_tweets,
            user_id,
            start_time=since_iso,
            max_results=100,
            tweet_fields=["created_at", "referenced_tweets", "attachments"],
            user_auth=True,
        )
        return answer.get("data") or []

    def delete(self, post_id: str) -> bool:
        try:
            answer = self.client.delete_tweet(post_id, user_auth=True)
        except tweepy.NotFound:
            return True  # already gone
        except tweepy.HTTPException as exc:
            raise self.error(exc.response) from exc
        except requests.RequestException as exc:
            raise self.error(None, exc) from exc
        return bool(answer.get("data", {}).get("deleted"))


def post_url(username: str | None, post_id: str) -> str:
    return f"https://x.com/{username}/status/{post_id}" if username else f"https://x.com/i/web/status/{post_id}"


def _said(response: requests.Response) -> str:
    """The platform's own words from an X error body (v2 ``detail``/``title`` or ``errors``)."""
    try:
        body = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(body, dict):
        if body.get("detail"):
            return str(body["detail"])
        errs = body.get("errors") or []
        if errs and isinstance(errs[0], dict):
            return str(errs[0].get("message") or errs[0].get("detail") or errs[0])
        if body.get("title"):
            return str(body["title"])
    return response.reason or ""
