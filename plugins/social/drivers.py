"""One account's platform seen the same way by the publisher: plan, upload, create, find, delete.

A *plan* is the list of posts an item becomes on the platform (see :mod:`hub_social.content`);
each post is created in turn, and found again by :meth:`find` when an earlier attempt may
have created it without hearing the answer.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Callable

from hub_social import content
from hub_social.accounts import credentials

from hub.sdk import ChannelAccount, plugin_config, utcnow

_URL = re.compile(r"https?://\S+")
#: uploaded media older than this are uploaded again (X keeps them about a day)
MEDIA_REUSE = dt.timedelta(hours=12)


def normalise(text: str) -> str:
    """Text as compared with what the platform returns: NFC, unescaped, links and spacing removed.

    X returns links (and attached media) as t.co links and escapes ``&<>``.
    """
    text = html.unescape(unicodedata.normalize("NFC", text or ""))
    return " ".join(_URL.sub(" ", text).split())


def driver_for(account: ChannelAccount, media: dict[int, content.Media]) -> XDriver | FacebookDriver:
    # the clients import tweepy / facebook (tens of MiB): only the processes that publish pay for them
    from hub_social.facebook_client import FacebookClient
    from hub_social.x_client import XClient

    creds = credentials(account)
    if account.channel == "x":
        chunk = int(plugin_config("social", "x_chunk_bytes"))
        client = XClient(creds.secrets, creds.base_url, name=account.name, chunk_bytes=chunk)
        return XDriver(account, client, media)
    page_id = (account.config or {}).get("page_id", "")
    return FacebookDriver(account, FacebookClient(creds.secrets, page_id, creds.base_url, name=account.name), media)


class _Driver:
    def __init__(self, account: ChannelAccount, client, media: dict[int, content.Media]):
        self.account, self.client, self.media = account, client, media

    def _uploaded(self, st: dict, asset_id: int, save: Callable[[], None], upload: Callable[[], str]) -> str:
        """A remote media id for the asset: reused from an earlier attempt, or uploaded now."""
        known = st.setdefault("media", {}).get(str(asset_id))
        if known and utcnow() - dt.datetime.fromisoformat(known["at"]) < MEDIA_REUSE:
            return known["id"]
        remote = upload()
        st["media"][str(asset_id)] = {"id": remote, "at": utcnow().isoformat()}
        save()
        return remote

    def file(self, asset_id: int) -> content.Media:
        m = self.media.get(asset_id)
        if m is None or not m.path.is_file():
            from hub.sdk import PermanentPublishError

            raise PermanentPublishError(
                f"Berkas media {asset_id} tidak ditemukan di penyimpanan; unggah ulang lalu terbitkan ulang."
                f" / The media file {asset_id} is missing from storage; upload it again, then publish again."
            )
        return m


class XDriver(_Driver):
    def plan(self, item) -> list[dict]:
        return content.x_posts(item)

    def prepare(self, spec: dict, st: dict, save) -> list[str]:
        ids = []
        for asset_id in spec["media"]:
            m = self.file(asset_id)
            ids.append(self._uploaded(st, asset_id, save, lambda m=m: self.client.upload(m.path, m.mime, m.alt)))
        return ids

    def create(self, spec: dict, refs: list[str], posts: list[dict]) -> dict:
        reply_to = posts[-1]["id"] if posts else None
        post_id = self.client.create(spec["text"], refs, reply_to)
        return {"id": post_id, "url": self.url(post_id)}

    def url(self, post_id: str) -> str:
        from hub_social.x_client import post_url

        return post_url((self.account.config or {}).get("username"), post_id)

    def user_id(self) -> str:
        config = dict(self.account.config or {})
        if not config.get("user_id"):
            me = self.client.me()
            config.update(user_id=str(me["id"]), username=me.get("username", ""))
            self.account.config = config
        return config["user_id"]

    def find(self, spec: dict, posts: list[dict], since: dt.datetime, st: dict | None = None) -> dict | None:
        """The earlier copy of ``spec``: same parent, same text (without links), same media.

        Media are compared by the ids this publication uploaded (``st["media"]``; X shows them
        as media keys ``<type>_<id>``), so two posts with only an image are not taken for each other.
        """
        since_iso = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        wanted = normalise(spec["text"])
        parent = posts[-1]["id"] if posts else None
        uploaded = (st or {}).get("media") or {}
        expected = [uploaded.get(str(a), {}).get("id") for a in spec["media"]]
        for tweet in self.client.recent(self.user_id(), since_iso):
            replied = [r["id"] for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"]
            if (replied[:1] or [None])[0] != parent:
                continue
            if normalise(tweet.get("text", "")) != wanted:
                continue
            keys = ((tweet.get("attachments") or {}).get("media_keys")) or []
            attached = sorted(str(k).partition("_")[2] for k in keys)
            if len(attached) != len(expected):
                continue
            if expected and (not all(expected) or attached != sorted(map(str, expected))):
                continue  # media we did not upload: not proof that this post is ours
            return {"id": str(tweet["id"]), "url": self.url(str(tweet["id"])), "found": True}
        return None

    def delete(self, post: dict) -> bool:
        return self.client.delete(post["id"])


class FacebookDriver(_Driver):
    def plan(self, item) -> list[dict]:
        posts = content.facebook_posts(item)
        over = int(plugin_config("social", "facebook_resumable_over_bytes"))
        return [{**p, "resumable_over": over} if p["kind"] == "video" else p for p in posts]

    def prepare(self, spec: dict, st: dict, save) -> list[str]:
        if spec["kind"] != "photos":
            return []
        ids = []
        for asset_id in spec["media"]:
            m = self.file(asset_id)
            ids.append(self._uploaded(st, asset_id, save, lambda m=m: self.client.upload_photo(m.path, m.mime, m.alt)))
        return ids

    def create(self, spec: dict, refs: list[str], posts: list[dict]) -> dict:
        files = [(m.path, m.mime, m.alt) for m in map(self.file, spec["media"])] if spec["kind"] != "photos" else []
        post_id = self.client.create(spec, files, refs)
        return {"id": post_id, "url": self.url(post_id, spec["kind"]), "kind": spec["kind"]}

    def url(self, post_id: str, kind: str) -> str:
        from hub_social.facebook_client import post_url

        return post_url(self.client.page_id, post_id, kind)

    def find(self, spec: dict, posts: list[dict], since: dt.datetime, st: dict | None = None) -> dict | None:
        wanted = normalise(spec["text"])
        field = "description" if spec["kind"] == "video" else "message"
        for entry in self.client.recent(spec["kind"], int(since.timestamp())):
            if normalise(entry.get(field, "")) == wanted:
                post_id = str(entry["id"])
                return {"id": post_id, "url": self.url(post_id, spec["kind"]), "kind": spec["kind"], "found": True}
        return None

    def delete(self, post: dict) -> bool:
        return self.client.delete(post["id"])


def test_connection(account: ChannelAccount) -> tuple[bool, str]:
    """Call the platform with the account's credentials; (ok, message in both languages).

    Remembers what it learnt (X user id and name, the page's name) and the result in
    ``account.config``; the caller commits.
    """
    from hub.sdk import PublishError

    config = dict(account.config or {})
    try:
        driver = driver_for(account, {})
        me = driver.client.me()
    except PublishError as exc:
        ok, message = False, str(exc)
        config["needs_reconnect"] = bool(exc.details.get("reconnect"))
    else:
        if account.channel == "x":
            config.update(user_id=str(me["id"]), username=me.get("username", ""), display_name=me.get("name", ""))
            ok, message = True, f"Terhubung sebagai @{me.get('username')} / Connected as @{me.get('username')}"
        elif str(me.get("id")) != str(config.get("page_id")):
            ok = False
            message = (
                f"Token ini milik halaman {me.get('id')}, bukan {config.get('page_id')} / "
                f"this token belongs to page {me.get('id')}, not {config.get('page_id')}"
            )
        else:
            config["page_name"] = me.get("name", "")
            name = f"\u201c{me.get('name')}\u201d"
            ok, message = True, f"Terhubung ke halaman {name} / Connected to the page {name}"
        if ok:
            config["needs_reconnect"] = False
    config["last_test"] = {"ok": ok, "at": utcnow().isoformat(), "message": message}
    account.config = config
    return ok, message
