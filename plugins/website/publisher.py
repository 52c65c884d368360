"""Publishing an item to one WordPress site: media first, then the post; idempotent across retries.

What a retry relies on, in ``publication.state`` (written as soon as it is known):
``site_id``, ``slug`` (``hub-<item id>-<hash of the idempotency key>``), ``media``
(attachment slug -> ``{"id", "url"}``) and ``post_id``. When an answer was lost before
the id was stored, the earlier copy is found by its slug: ``GET /posts?slug=…&status=any``
for the post and ``GET /media?slug=…`` for each upload. A found post is updated, never
posted twice, but only when it carries this installation's marker (:func:`is_ours`);
the installation id is in the key behind the slug and in each upload's slug.
"""

from __future__ import annotations

import hashlib
import re

from hub_website import assets, content, ppid
from hub_website.errors import to_publish_error
from hub_website.sites import client_for, limits
from hub_website.wordpress import WordPressClient, WordPressError

from hub.sdk import Asset, ChannelAccount, Item, PermanentPublishError, Publication, PublishResult, installation_id


def post_slug(publication: Publication, item: Item) -> str:
    """``hub-<item>-<8 hex>``: the hash of the idempotency key, which carries the installation id."""
    key = publication.idempotency_key or f"{installation_id()}:{item.id}:{publication.channel}:{publication.target}"
    return f"hub-{item.id}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def is_ours(post: dict | None) -> bool:
    """Whether a post found on the site carries this installation's marker (else it is never touched)."""
    if post is None:
        return False
    raw = post.get("content")
    raw = raw.get("raw", "") if isinstance(raw, dict) else str(raw or "")
    return content.marker(installation_id()) in raw


def term_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class SitePublisher:
    """One publish or unpublish of ``item`` to ``site`` for ``publication``."""

    def __init__(self, publication: Publication, item: Item, site: ChannelAccount):
        self.pub, self.item, self.site = publication, item, site
        self.limits = limits(site)
        self.client: WordPressClient = client_for(site)
        self.slug = (publication.state or {}).get("slug") or post_slug(publication, item)
        self.remember(site_id=site.id, slug=self.slug)

    def remember(self, **values) -> None:
        """Write into ``publication.state`` at once (a new dict, so the JSON change is saved)."""
        self.pub.state = {**(self.pub.state or {}), **values}

    def fail(self, err: WordPressError):
        return to_publish_error(err, self.site.name, self.limits.max_upload_mb)

    # --- media ---------------------------------------------------------------------------------

    def media(self, asset: Asset, alt: str = "") -> dict:
        """The attachment for ``asset`` on the site: remembered, found by slug, or uploaded now."""
        slug, filename = assets.upload_name(self.item.id, asset, installation_id())
        known = (self.pub.state or {}).get("media", {})
        if slug in known:
            return known[slug]
        found = self.client.find_media(slug)
        if found is None:
            try:
                with assets.open_asset(asset) as fh:
                    found = self.client.upload_media(
                        filename,
                        assets.mime_of(asset),
                        fh,
                        alt_text=alt,
                        title=content.text(self.item.title),
                        slug=slug,
                    )
            except assets.FILE_ERRORS as exc:
                raise PermanentPublishError(
                    f"Berkas media {asset.original_name!r} tidak ada di hub; unggah ulang.",
                    message_en=f"The media file {asset.original_name!r} is missing from the hub; upload it again.",
                    details={"error": str(exc)},
                ) from exc
        entry = {"id": int(found["id"]), "url": found.get("source_url") or ""}
        self.remember(media={**known, slug: entry})
        return entry

    # --- terms ---------------------------------------------------------------------------------

    def categories(self, names: list) -> list[int]:
        ids = []
        for name in names:
            if isinstance(name, int) or str(name).isdigit():
                ids.append(int(name))
                continue
            term = self.client.find_term("categories", str(name), term_slug(str(name)))
            if term is None:
                raise PermanentPublishError(
                    f"Kategori {name!r} tidak ada di situs {self.site.name}; buat kategorinya di WordPress atau "
                    "perbaiki nama kategori pada konten.",
                    message_en=f"The category {name!r} does not exist on {self.site.name}; create it in WordPress "
                    "or correct the category name on the item.",
                    details={"site": self.site.name, "category": name},
                )
            ids.append(int(term["id"]))
        return list(dict.fromkeys(ids))

    def tags(self, names: list) -> list[int]:
        """Tags are keywords: found by name, created when missing (categories never are)."""
        ids = []
        for name in (str(n).strip() for n in names):
            if name:
                term = self.client.find_term("tags", name, term_slug(name)) or self.client.create_tag(name)
                ids.append(int(term["id"]))
        return list(dict.fromkeys(ids))

    # --- posts ---------------------------------------------------------------------------------

    def upsert_post(self, fields: dict) -> dict:
        marker = content.marker(installation_id())
        fields = {**fields, "content": f"{fields.get('content', '')}\n\n{marker}", "slug": self.slug}
        fields["status"] = "publish"
        post = None
        post_id = (self.pub.state or {}).get("post_id")
        if post_id:
            post = self.client.get_post(int(post_id))
            if post is not None and post.get("status") == "trash":
                post = None
        if post is None:
            post = self.client.find_post(self.slug)
            if not is_ours(post):
                post = None  # another hub's (or a person's) post with this slug: never taken over
        if post is not None:
            self.remember(post_id=int(post["id"]))
            post = self.client.update_post(int(post["id"]), fields)
        else:
            post = self.client.create_post(fields)
        self.remember(post_id=int(post["id"]), post_url=post.get("link"))
        return post

    def result(self, post: dict, **details) -> PublishResult:
        state = self.pub.state or {}
        return PublishResult(
            remote_id=str(post["id"]),
            remote_url=post.get("link"),
            details={
                "site": self.site.name,
                "site_id": self.site.id,
                "slug": self.slug,
                "media": [m["id"] for m in state.get("media", {}).values()],
                **details,
            },
        )

    def run(self, work):
        try:
            with self.client:
                return work()
        except WordPressError as err:
            raise self.fail(err) from err

    # --- what is published ---------------------------------------------------------------------

    def publish_article(self) -> PublishResult:
        return self.run(self._article)

    def _article(self, again: bool = True) -> PublishResult:
        target = self.item.target(self.pub.channel)
        options = (target.options if target else None) or {}
        featured_asset, gallery_assets, video_asset, documents = article_media(self.item)
        if options.get("video_url"):
            video_asset = None  # the site embeds the link (YouTube…); the file may be far over the upload limit
        alts = {ia.asset_id: ia.alt_text for ia in self.item.assets}
        featured = self.media(featured_asset, alts.get(featured_asset.id, "")) if featured_asset else None
        images = [(self.media(a, alts.get(a.id, "")), alts.get(a.id, "") or self.item.title) for a in gallery_assets]
        video_media = self.media(video_asset) if video_asset else None
        docs = [(self.media(a), a.original_name or self.item.title) for a in documents]
        names = options.get("categories") or (self.site.config or {}).get("default_categories") or []
        fields = {
            # every text field escaped: WordPress keeps an editor's raw HTML (docs/website.md)
            "title": content.text((target.title if target and target.title else "") or self.item.title),
            "content": content.article(
                self.item.text_for(self.pub.channel), images, video_media, options.get("video_url"), docs
            ),
            "excerpt": content.text(options["excerpt"])
            if options.get("excerpt")
            else content.excerpt_of(self.item.text_for(self.pub.channel)),
            "categories": self.categories(list(names)),
            "tags": self.tags(list(options.get("tags") or [])),
            "featured_media": featured["id"] if featured else 0,
        }
        post = self.upsert_post(fields)
        if again and featured and int(post.get("featured_media") or 0) != featured["id"]:
            # WordPress saves the post without a featured image that is no longer in its library
            # (deleted there since we uploaded it): forget what is gone, upload again, update once more
            self.forget_media()
            return self._article(again=False)
        return self.result(post)

    def forget_media(self) -> None:
        """Drop remembered attachments WordPress no longer has."""
        known = (self.pub.state or {}).get("media", {})
        alive = {slug: m for slug, m in known.items() if self.client.find_media(slug) is not None}
        self.remember(media=alive)

    def publish_ppid(self, dip_category: str) -> PublishResult:
        return self.run(lambda: self._ppid(dip_category))

    def _ppid(self, dip_category: str) -> PublishResult:
        info = ppid.info(self.item)
        pdf = self.media(ppid.document_asset(self.item))
        target = self.item.target(self.pub.channel)
        options = (target.options if target else None) or {}
        category = (self.site.config or {}).get("dip_category") or dip_category
        fields = {
            "title": content.text(self.item.title),
            "content": content.ppid_document(info, pdf, self.item.title),
            "excerpt": content.excerpt_of(info.summary),
            "categories": self.categories([category, *(options.get("categories") or [])]),
            "tags": self.tags([ppid.class_label(info.info_class, "id"), str(info.year or "")]),
        }
        return self.result(self.upsert_post(fields), pdf_url=pdf["url"])

    def unpublish(self, *, delete_media: bool = False) -> bool:
        return self.run(lambda: self._unpublish(delete_media))

    def _unpublish(self, delete_media: bool) -> bool:
        state = self.pub.state or {}
        post_id = state.get("post_id") or (int(self.pub.remote_id) if (self.pub.remote_id or "").isdigit() else None)
        if not post_id:
            found = self.client.find_post(self.slug)
            post_id = found["id"] if is_ours(found) else None
        if post_id:
            self.client.trash_post(int(post_id))
        if delete_media:
            for entry in state.get("media", {}).values():
                self.client.delete_media(int(entry["id"]))
            self.remember(media={})
        self.remember(trashed_post_id=post_id, post_id=None)
        return True


def article_media(item: Item) -> tuple[Asset | None, list[Asset], Asset | None, list[Asset]]:
    """(featured image, gallery images, video, documents) of an article.

    The featured image is the asset with role ``featured``, else the first image; the
    other images form the gallery; the first video is embedded; PDFs are linked.
    """
    all_assets = item.media()
    images = [a for a in all_assets if assets.mime_of(a) in assets.IMAGE_TYPES]
    featured = next(iter(item.media("featured")), None) or (images[0] if images else None)
    gallery = [a for a in images if featured is None or a.id != featured.id]
    video = next((a for a in all_assets if assets.mime_of(a) in assets.VIDEO_TYPES), None)
    documents = [a for a in all_assets if assets.mime_of(a) == "application/pdf"]
    return featured, gallery, video, documents
