"""The Instagram client: the Content Publishing API of the Graph API, through facebook-sdk.

It is :class:`~hub_social.facebook_client.FacebookClient`'s session, error mapping and pinned
Graph API version (setting ``graph_api_version``), pointed at an Instagram professional
account (``ig_user_id``) with the access token of the Facebook Page it is linked to.

Calls used (two-phase publishing):

* ``POST /{ig-user-id}/media`` creates a container: ``image_url`` (+ ``is_carousel_item``) for an
  image, ``media_type=REELS`` + ``upload_type=resumable`` for a reel (the answer carries the
  upload ``uri``), ``media_type=CAROUSEL`` + ``children`` for a carousel;
* ``POST https://rupload.facebook.com/ig-api-upload/{version}/{container-id}`` sends a reel's bytes
  (headers ``Authorization: OAuth <token>``, ``offset``, ``file_size``), so no public URL is needed;
* ``GET /{container-id}?fields=status_code,status`` until ``FINISHED`` (``ERROR`` with its reason,
  ``EXPIRED`` after 24 h, ``PUBLISHED`` once used);
* ``GET /{ig-user-id}/content_publishing_limit?fields=config,quota_usage`` (the rolling 24 h quota);
* ``POST /{ig-user-id}/media_publish`` (``creation_id``) publishes; ``GET /{media-id}?fields=permalink``;
* ``GET /{ig-user-id}/media`` (``id,caption,media_type,media_product_type,timestamp,permalink``)
  finds a post whose ``media_publish`` answer was lost.

Instagram has no API to delete a published post: unpublishing asks for it to be deleted by hand.
"""

from __future__ import annotations

from pathlib import Path

import facebook
import requests
from hub_social import errors
from hub_social.facebook_client import FacebookClient

UPLOAD_HOST = "https://rupload.facebook.com"


class InstagramClient(FacebookClient):
    """One Instagram professional account: ``secrets["page_token"]`` and the ig user id."""

    channel = "instagram"

    def __init__(self, secrets: dict, ig_user_id: str, base_url: str, *, name: str = ""):
        super().__init__(secrets, ig_user_id, base_url, name=name)
        self.ig_user_id = ig_user_id

    def me(self) -> dict:
        """``{"id", "username"}`` of the account (the connection test)."""
        return self._call(self.graph.get_object, self.ig_user_id, fields="id,username,name")

    def publishing_limit(self) -> tuple[int, int, int]:
        """(posts used, posts allowed, window in seconds) of the rolling quota, as Instagram says now."""
        answer = self._call(
            self.graph.get_connections, self.ig_user_id, "content_publishing_limit", fields="config,quota_usage"
        )
        row = (answer.get("data") or [{}])[0]
        config = row.get("config") or {}
        return (
            int(row.get("quota_usage") or 0),
            int(config.get("quota_total") or 0),
            int(config.get("quota_duration") or 86400),
        )

    # --- containers ---------------------------------------------------------------------------

    def image_container(self, image_url: str, caption: str = "", *, carousel_item: bool = False) -> str:
        args = {"image_url": image_url}
        if carousel_item:
            args["is_carousel_item"] = "true"
        else:
            args["caption"] = caption
        return str(self._call(self.graph.put_object, self.ig_user_id, "media", **args)["id"])

    def reel_container(self, caption: str) -> tuple[str, str]:
        """A reel container waiting for its bytes: (container id, upload URI)."""
        answer = self._call(
            self.graph.put_object,
            self.ig_user_id,
            "media",
            media_type="REELS",
            upload_type="resumable",
            caption=caption,
            share_to_feed="true",
        )
        uri = answer.get("uri") or f"{UPLOAD_HOST}/ig-api-upload/{self.graph.version}/{answer['id']}"
        return str(answer["id"]), uri

    def carousel_container(self, children: list[str], caption: str) -> str:
        answer = self._call(
            self.graph.put_object,
            self.ig_user_id,
            "media",
            media_type="CAROUSEL",
            children=",".join(children),
            caption=caption,
        )
        return str(answer["id"])

    def upload_video(self, uri: str, path: Path) -> None:
        """Send the whole file to the container's upload URI (sending it again replaces it)."""
        size = path.stat().st_size
        headers = {
            "Authorization": f"OAuth {self.graph.access_token}",
            "offset": "0",
            "file_size": str(size),
            "Content-Type": "application/octet-stream",
        }
        try:
            with path.open("rb") as fh:
                response = self.graph.session.request("POST", uri, headers=headers, data=fh)
        except requests.RequestException as exc:
            raise self.error(exc) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400 or not body.get("success", False):
            if isinstance(body, dict) and isinstance(body.get("debug_info"), dict):
                body = {"error": {"message": body["debug_info"].get("message"), "code": None}}
            raise self.error(facebook.GraphAPIError(body if body.get("error") else str(response.status_code)))

    def status(self, container_id: str) -> tuple[str, str]:
        """(``status_code``, ``status`` text with the reason of an ERROR)."""
        answer = self._call(self.graph.get_object, container_id, fields="status_code,status")
        return str(answer.get("status_code") or ""), str(answer.get("status") or "")

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, creation_id: str) -> str:
        """``media_publish``; the new media id. A lost answer raises :class:`errors.MaybeSent`."""
        try:
            return str(self.graph.put_object(self.ig_user_id, "media_publish", creation_id=creation_id)["id"])
        except requests.RequestException as exc:
            raise errors.MaybeSent(self.error(exc)) from exc
        except facebook.GraphAPIError as exc:
            err = self.error(exc)
            if self.recorder.last is not None and self.recorder.last.status_code >= 500:
                raise errors.MaybeSent(err) from exc
            raise err from exc

    def permalink(self, media_id: str) -> str:
        return str(self._call(self.graph.get_object, media_id, fields="permalink").get("permalink") or "")

    def recent(self, limit: int = 25) -> list[dict]:
        """The account's newest media, newest first."""
        answer = self._call(
            self.graph.get_connections,
            self.ig_user_id,
            "media",
            fields="id,caption,media_type,media_product_type,timestamp,permalink",
            limit=limit,
        )
        return answer.get("data") or []

    def error(self, exc: Exception):
        """Graph's mapping, plus code 9 (the account's publishing limit): wait, as for a rate limit."""
        result = getattr(exc, "result", None)
        err = result.get("error", {}) if isinstance(result, dict) else {}
        if err.get("code") == 9:
            return errors.rate_limited(self.channel, self.name, LIMIT_RETRY_SECONDS)
        return super().error(exc)


#: when Instagram itself refuses for the publishing limit, try again after an hour
LIMIT_RETRY_SECONDS = 3600.0


def media_type_of(kind: str) -> str:
    """The ``media_type`` Instagram reports for what a plan entry of ``kind`` became."""
    return {"reel": "VIDEO", "image": "IMAGE", "carousel": "CAROUSEL_ALBUM"}[kind]
