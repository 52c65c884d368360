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

from hub_social import content, errors
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


def driver_for(account: ChannelAccount, media: dict[int, content.Media]) -> XDriver | FacebookDriver | InstagramDriver:
    # the clients import tweepy / facebook (tens of MiB): only the processes that publish pay for them
    from hub_social.facebook_client import FacebookClient
    from hub_social.x_client import XClient

    creds = credentials(account)
    if account.channel == "youtube":
        return YouTubeDriver(account, creds, media)
    if account.channel == "instagram":
        from hub_social.instagram_client import InstagramClient

        ig_user_id = (account.config or {}).get("ig_user_id", "")
        return InstagramDriver(
            account, InstagramClient(creds.secrets, ig_user_id, creds.base_url, name=account.name), media
        )
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


class InstagramDriver(_Driver):
    """Two-phase publishing: containers (kept in ``st["containers"]`` and reused by a retry while
    Instagram keeps them), polled until ``FINISHED``, then ``media_publish``.

    A container Instagram reports ``PUBLISHED`` that :meth:`find` could not match is never
    published again: the outcome goes to a person.
    """

    def plan(self, item) -> list[dict]:
        return content.instagram_posts(item)

    # --- containers -------------------------------------------------------------------------------

    def prepare(self, spec: dict, st: dict, save) -> list[str]:
        containers = st.setdefault("containers", {})
        key = f"{spec['kind']}:{','.join(map(str, spec['media']))}"
        known = containers.get(key)
        if known:
            state, _reason = self.client.status(known["id"])
            if state == "PUBLISHED":
                raise errors.outcome_unknown(
                    "instagram", self.account.name, f"container {known['id']} is PUBLISHED but its post was not found"
                )
            if state in ("ERROR", "EXPIRED"):
                containers.pop(key)
                save()
                known = None
        if not known:
            known = self._container(spec, key, containers, save)
        if known.get("uri") and not known.get("uploaded"):
            # a reel's bytes go to the container's upload URI (again after a crash: it replaces them)
            self.client.upload_video(known["uri"], self._reel_file(spec))
            known["uploaded"] = True
            save()
        self._wait(known["id"], containers, key, save)
        self._check_limit()
        return [known["id"]]

    def _container(self, spec: dict, key: str, containers: dict, save) -> dict:
        """A new container for ``spec``, saved at once (a crash after this reuses it)."""
        from hub_social.public_media import signed_url

        for asset_id in spec["media"]:
            self.file(asset_id)
        if spec["kind"] == "reel":
            self._reel_file(spec)  # the 9:16 version must be ready before a container is made
            container_id, uri = self.client.reel_container(spec["text"])
            known = {"id": container_id, "uri": uri, "uploaded": False}
        elif spec["kind"] == "image":
            known = {"id": self.client.image_container(signed_url(spec["media"][0]), spec["text"])}
        else:
            children = []
            for asset_id in spec["media"]:
                child = self.client.image_container(signed_url(asset_id), carousel_item=True)
                self._wait(child, None, "", save)
                children.append(child)
            known = {"id": self.client.carousel_container(children, spec["text"]), "children": children}
        containers[key] = {**known, "at": utcnow().isoformat()}
        save()
        return containers[key]

    def _reel_file(self, spec: dict):
        """The reel's file: the item's video, or its 9:16 version when the item asked for it."""
        m = self.file(spec["media"][0])
        if not spec.get("rendition"):
            return m.path
        from hub.sdk import Asset, TransientPublishError, db, derivative_path, rendition_key

        path = derivative_path(db.session.get(Asset, m.asset_id), rendition_key(*content.IG_REEL_RENDITION))
        if path is None:
            raise TransientPublishError(
                "Versi reel 9:16 video ini belum siap; dicoba lagi nanti."
                " / The 9:16 reel version of this video is not ready yet; will retry.",
                retry_after=120.0,
                details={"rule": "reel_version"},
            )
        return path

    def _wait(self, container_id: str, containers: dict | None, key: str, save) -> None:
        """Poll the container until ``FINISHED``; its ``ERROR`` reason is reported, a slow one retried."""
        delay = float(plugin_config("social", "instagram_poll_seconds"))
        times = max(1, int(plugin_config("social", "instagram_poll_times")))
        for attempt in range(times):
            state, reason = self.client.status(container_id)
            if state in ("FINISHED", "PUBLISHED"):
                return
            if state in ("ERROR", "EXPIRED"):
                if containers is not None:
                    containers.pop(key, None)
                    save()
                raise errors.refused("instagram", self.account.name, f"{state}: {reason or container_id}", rule="media")
            if attempt + 1 < times:
                sleep(delay)
        raise errors.unavailable("instagram", self.account.name, f"container {container_id} still {state or '?'}")

    def _check_limit(self) -> None:
        """Wait, with the reason shown, while the account's rolling publishing limit is reached."""
        used, allowed, window = self.client.publishing_limit()
        if allowed and used >= allowed:
            raise errors.publishing_limit(self.account.name, used, allowed, window)

    # --- posts --------------------------------------------------------------------------------------

    def create(self, spec: dict, refs: list[str], posts: list[dict]) -> dict:
        media_id = self.client.publish(refs[0])
        return {"id": media_id, "url": self.url(media_id), "kind": spec["kind"]}

    def url(self, media_id: str) -> str:
        from hub.sdk import PublishError

        try:
            return self.client.permalink(media_id) or "https://www.instagram.com/"
        except PublishError:  # published already: a missing link must not fail the publication
            return "https://www.instagram.com/"

    def find(self, spec: dict, posts: list[dict], since: dt.datetime, st: dict | None = None) -> dict | None:
        """The earlier copy of ``spec`` among the account's newest media: same caption, same type,
        made after the lost attempt began."""
        from hub_social.instagram_client import media_type_of

        wanted, kind = normalise(spec["text"]), media_type_of(spec["kind"])
        taken = {p["id"] for p in posts}
        for media in self.client.recent():
            made = _graph_time(media.get("timestamp"))
            if made is None or made < since or str(media["id"]) in taken:
                continue
            if media.get("media_type") == kind and normalise(media.get("caption", "")) == wanted:
                url = media.get("permalink") or self.url(str(media["id"]))
                return {"id": str(media["id"]), "url": url, "kind": spec["kind"], "found": True}
        return None

    def delete(self, post: dict) -> bool:
        return False  # the Instagram Graph API cannot delete a post: the publisher asks for it by hand


class YouTubeDriver(_Driver):
    """One upload per item, resumable: the session URI is saved (``st["upload"]``) before a byte
    is sent, and every later attempt finishes that session instead of starting another."""

    def __init__(self, account: ChannelAccount, creds, media: dict[int, content.Media]):
        from hub_social.youtube_client import YouTubeClient

        self._st, self._save = None, None
        client = YouTubeClient(creds.secrets, account.base_url, name=account.name, on_session=self._session)
        super().__init__(account, client, media)

    def _session(self, uri: str) -> None:
        self._st["upload"] = {"uri": uri, "at": utcnow().isoformat()}
        self._save()

    def plan(self, item) -> list[dict]:
        return content.youtube_posts(item)

    def prepare(self, spec: dict, st: dict, save) -> list[str]:
        self._st, self._save = st, save
        return []

    def create(self, spec: dict, refs: list[str], posts: list[dict]) -> dict:
        from hub_social import quota
        from hub_social.youtube_client import COST, video_url

        from hub.sdk import PermanentPublishError

        m = self.file(spec["media"][0])
        resume = (self._st.get("upload") or {}).get("uri")
        if not resume:
            quota.spend(self.account, COST["insert"])  # counted when the session is asked for
        status = {"privacyStatus": spec["privacy"], "selfDeclaredMadeForKids": False}
        if spec.get("publish_at"):
            status.update(privacyStatus="private", publishAt=spec["publish_at"])
        body = {
            "snippet": {
                "title": spec["title"],
                "description": spec["text"],
                "tags": spec["tags"],
                "categoryId": spec["category"],
                "defaultLanguage": spec["language"],
                "defaultAudioLanguage": spec["language"],
            },
            "status": status,
        }
        chunk = int(plugin_config("social", "youtube_chunk_bytes"))
        try:
            video = self.client.upload(m.path, m.mime, body, chunk_bytes=chunk, resume_uri=resume)
        except PermanentPublishError as exc:
            if resume and str(exc.details.get("platform_message", "")).startswith("404"):
                # the saved session expired (Google keeps them about a week): whether it had
                # finished cannot be told any more, so a person checks the channel first
                raise errors.outcome_unknown("youtube", self.account.name, "upload session expired (404)") from exc
            raise
        self._st.pop("upload", None)
        video_id = str(video["id"])
        post = {"id": video_id, "url": video_url(video_id), "kind": "video"}
        got = (video.get("status") or {}).get("privacyStatus")
        if got == "private" and status["privacyStatus"] != "private":
            post["forced_private"] = True
        post["thumbnail"] = self._thumbnail(video_id, spec.get("thumbnail"))
        return post

    def _thumbnail(self, video_id: str, asset_id: int | None) -> bool:
        """The custom thumbnail from the item's poster image; a refusal is noted, not fatal."""
        from hub_social import quota
        from hub_social.youtube_client import COST

        from hub.sdk import PublishError

        m = self.media.get(asset_id) if asset_id else None
        if m is None or not m.path.is_file():
            return False
        try:
            self.client.set_thumbnail(video_id, m.path, m.mime)
        except PublishError as exc:
            self.client.notes.append(str(exc))
            return False
        quota.spend(self.account, COST["thumbnail"])
        return True

    def find(self, spec: dict, posts: list[dict], since: dt.datetime, st: dict | None = None) -> dict | None:
        return None  # nothing is uploaded outside the saved session: create() resumes it

    #: what a revision changes on the uploaded video (``videos.update``, part ``snippet``)
    REVISED = ("title", "text", "tags", "category", "language")

    def revise(self, item, st: dict, save) -> None:
        """An approved revision: the video's title, description and tags are updated in place."""
        from hub_social import quota
        from hub_social.youtube_client import COST

        new = content.youtube_posts(item)
        if not new or not st.get("posts"):
            return
        old, spec = st["plan"][0], new[0]
        if all(old.get(f) == spec.get(f) for f in self.REVISED):
            return
        self.client.update_snippet(st["posts"][0]["id"], spec)
        quota.spend(self.account, COST["update"])
        st["plan"][0] = {**old, **{f: spec[f] for f in self.REVISED}}
        save()

    def delete(self, post: dict) -> bool:
        """Unpublishing makes the video private (``youtube_unpublish`` = ``delete`` removes it)."""
        if plugin_config("social", "youtube_unpublish") == "delete":
            return self.client.delete(post["id"])
        self.client.make_private(post["id"])
        return True


def sleep(seconds: float) -> None:
    """How the Instagram driver waits between polls (one place, so a test can count the waits)."""
    import time

    time.sleep(seconds)


def _graph_time(raw: str | None) -> dt.datetime | None:
    """A Graph timestamp (``2026-12-07T01:02:03+0000``) as an aware datetime."""
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def test_connection(account: ChannelAccount, lang: str | None = None) -> tuple[bool, str]:
    """Call the platform with the account's credentials; (ok, message in ``lang``, default the reader's).

    Remembers what it learnt (X user id and name, the page's name) and the result, in both
    languages, in ``account.config``; the caller commits.
    """
    from hub.sdk import PublishError

    config = dict(account.config or {})
    try:
        driver = driver_for(account, {})
        me = driver.client.me()
    except PublishError as exc:
        ok, words = False, (str(exc), getattr(exc, "message_en", None) or str(exc))
        config["needs_reconnect"] = bool(exc.details.get("reconnect"))
    else:
        if account.channel == "youtube":
            config["channel_title"] = me.get("title", "")
            name = f"\u201c{me.get('title')}\u201d"
            ok, words = True, (f"Terhubung ke kanal {name}", f"Connected to the channel {name}")
        elif account.channel == "instagram":
            ok = str(me.get("id")) == str(config.get("ig_user_id"))
            if ok:
                config["username"] = me.get("username", "")
                name = f"@{me.get('username')}"
                words = (f"Terhubung sebagai {name}", f"Connected as {name}")
            else:
                words = (
                    f"Token ini tidak untuk akun Instagram {config.get('ig_user_id')}",
                    f"This token is not for the Instagram account {config.get('ig_user_id')}",
                )
        elif account.channel == "x":
            config.update(user_id=str(me["id"]), username=me.get("username", ""), display_name=me.get("name", ""))
            ok, words = True, (f"Terhubung sebagai @{me.get('username')}", f"Connected as @{me.get('username')}")
        elif str(me.get("id")) != str(config.get("page_id")):
            ok = False
            words = (
                f"Token ini milik halaman {me.get('id')}, bukan {config.get('page_id')}",
                f"This token belongs to page {me.get('id')}, not {config.get('page_id')}",
            )
        else:
            config["page_name"] = me.get("name", "")
            name = f"\u201c{me.get('name')}\u201d"
            ok, words = True, (f"Terhubung ke halaman {name}", f"Connected to the page {name}")
        if ok:
            config["needs_reconnect"] = False
    config["last_test"] = {"ok": ok, "at": utcnow().isoformat(), "message": words[0], "message_en": words[1]}
    account.config = config
    return ok, words[1] if (lang or _reader_lang()) == "en" else words[0]


def _reader_lang() -> str:
    """The reader's language in a request ("id" outside one: the command line, a job)."""
    from flask import has_request_context
    from flask_babel import get_locale

    return "en" if has_request_context() and str(get_locale() or "id").startswith("en") else "id"
