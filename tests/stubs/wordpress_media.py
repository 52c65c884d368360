"""The WordPress stub's media library and taxonomies (categories, tags), as WordPress checks them."""

from __future__ import annotations

import html
import re

from tests.stubs.wordpress_errors import WPError, auth_code, sanitize_title

#: extension -> mime type, as in get_allowed_mime_types() (the part the hub uses)
ALLOWED = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
}


def sniff(data: bytes) -> str | None:
    """The type the bytes really are (what finfo / getimagesize tell WordPress)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


class TermsMixin:
    """Categories and tags (mixed into :class:`tests.stubs.wordpress_model.SiteState`)."""

    # --- terms ---------------------------------------------------------------------------------

    def list_terms(self, taxonomy, params):
        found = [t for t in self.terms.values() if t["taxonomy"] == taxonomy]
        if params.get("slug"):
            slugs = set(str(params["slug"]).split(","))
            found = [t for t in found if t["slug"] in slugs]
        if params.get("search"):
            needle = str(params["search"]).lower()
            found = [t for t in found if needle in t["name"].lower() or needle in t["slug"]]
        rows = [{**t, "name": html.escape(t["name"]), "count": 0, "link": f"{self.host}/{t['slug']}/"} for t in found]
        return 200, rows, {"X-WP-Total": len(rows), "X-WP-TotalPages": 1}

    def create_term(self, taxonomy, params, user):
        if not self._can(user, "manage_categories" if taxonomy == "category" else "edit_posts"):
            raise WPError(
                "rest_cannot_create", "Sorry, you are not allowed to create terms in this taxonomy.", auth_code(user)
            )
        name = str(params.get("name") or "").strip()
        if not name:
            raise WPError("rest_missing_callback_param", "Missing parameter(s): name", 400, params=["name"])
        for term in self.terms.values():
            if term["taxonomy"] == taxonomy and term["name"].lower() == name.lower():
                raise WPError(
                    "term_exists",
                    "A term with the name provided already exists in this taxonomy.",
                    400,
                    term_id=term["id"],
                )
        return 201, self.add_term(taxonomy, name), {}


class MediaMixin:
    """The media library: raw-body uploads checked as WordPress checks them (mixed into ``SiteState``)."""

    # --- media ---------------------------------------------------------------------------------

    def upload(self, params, headers, body, user):
        if not self._can(user, "edit_posts"):
            raise WPError(
                "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", auth_code(user)
            )
        if not self._can(user, "upload_files"):
            raise WPError("rest_cannot_create", "Sorry, you are not allowed to upload media on this site.", 403)
        if not body:
            raise WPError("rest_upload_no_data", "No data supplied.", 400)
        if not headers.get("Content-Type"):
            raise WPError("rest_upload_no_content_type", "No Content-Type supplied.", 400)
        disposition = headers.get("Content-Disposition")
        if not disposition:
            raise WPError("rest_upload_no_content_disposition", "No Content-Disposition supplied.", 400)
        match = re.search(r'filename="?([^";]+)"?', disposition)
        if not match:
            raise WPError(
                "rest_upload_invalid_disposition",
                "Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as "
                '`attachment; filename="image.png"` or similar.',
                400,
            )
        if len(body) > self.max_upload_bytes:
            kb = self.max_upload_bytes // 1024
            raise WPError(
                "rest_upload_file_too_big", f"This file is too big. Files must be less than {kb} KB in size.", 413
            )
        filename = match.group(1).strip()
        stem, _, ext = filename.rpartition(".")
        mime = ALLOWED.get(ext.lower())
        if mime is None or sniff(body) != mime:
            raise WPError("rest_upload_sideload_error", "Sorry, you are not allowed to upload this file type.", 500)
        media_id = self._new_id()
        wanted = sanitize_title(str(params.get("slug") or params.get("title") or stem))
        slug = self._unique_slug(self.media, wanted or str(media_id), media_id)
        self.media[media_id] = {
            "id": media_id,
            "type": "attachment",
            "status": "inherit",
            "slug": slug,
            "title": params.get("title") or stem,
            "alt_text": params.get("alt_text", ""),
            "mime_type": mime,
            "media_type": "image" if mime.startswith("image/") else "file",
            "filename": filename,
            "content_type_header": headers.get("Content-Type"),
            "bytes": body,
            "source_url": f"{self.host}/wp-content/uploads/2026/11/{filename}",
        }
        return 201, self.render(self.media[media_id], {"context": "edit"}), {}
