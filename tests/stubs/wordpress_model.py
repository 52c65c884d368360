"""What the WordPress stub knows and does: users, posts, media, terms, and WordPress's own errors.

Kept apart from the HTTP plumbing in :mod:`tests.stubs.wordpress`. Messages and codes
are WordPress 6.x's (see that module's docstring for where they come from).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from urllib.parse import parse_qs

ROLE_CAPS = {
    "administrator": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts", "manage_categories"},
    "editor": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts", "manage_categories"},
    "author": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts"},
    "contributor": {"read", "edit_posts"},
    "subscriber": {"read"},
}
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
STATUSES = {"publish", "future", "draft", "pending", "private", "trash"}


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


def sanitize_title(text: str) -> str:
    text = re.sub(r"<[^>]*>", "", text).lower()
    text = re.sub(r"[^a-z0-9_\-\s]", "", text)
    return re.sub(r"[\s\-]+", "-", text).strip("-")


class WPError(Exception):
    def __init__(self, code: str, message: str, status: int, **data):
        self.code, self.message, self.status, self.data = code, message, status, data
        super().__init__(message)

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}

    @classmethod
    def no_route(cls) -> WPError:
        return cls("rest_no_route", "No route was found matching the URL and request method.", 404)


def _auth_code(user) -> int:
    """rest_authorization_required_code(): 401 when nobody is logged in, else 403."""
    return 403 if user else 401


class SiteState:
    def __init__(self, *, max_upload_bytes: int, categories=()):
        self.max_upload_bytes = max_upload_bytes
        #: WordPress 6.1 as installed, no plugins: the user is first looked up after the
        #: application-password error check has run, so a wrong password makes the request
        #: anonymous (``rest_not_logged_in``, ``rest_cannot_create``) instead of failing with
        #: ``incorrect_password`` (what WordPress answers when something looked the user up earlier)
        self.wrong_password_is_anonymous = False
        self.users: dict[str, dict] = {}
        self.posts: dict[int, dict] = {}
        self.media: dict[int, dict] = {}
        self.terms: dict[int, dict] = {}
        self._next_post = 100
        self._next_term = 2
        self.terms[1] = {"id": 1, "name": "Uncategorized", "slug": "uncategorized", "taxonomy": "category"}
        for name in categories:
            self.add_term("category", name)

    # --- set-up --------------------------------------------------------------------------------

    def add_user(self, username: str, app_password: str, role: str = "editor") -> dict:
        user = {
            "id": len(self.users) + 1,
            "username": username,
            "name": username.title(),
            "password": re.sub(r"[^a-z\d]", "", app_password, flags=re.I),
            "roles": [role],
            "caps": ROLE_CAPS[role],
        }
        self.users[username] = user
        return user

    def add_term(self, taxonomy: str, name: str) -> dict:
        term = {"id": self._next_term, "name": name, "slug": sanitize_title(name), "taxonomy": taxonomy}
        self.terms[term["id"]] = term
        self._next_term += 1
        return term

    # --- auth ----------------------------------------------------------------------------------

    def authenticate(self, header: str | None) -> dict | None:
        if not header or not header.startswith("Basic "):
            return None
        try:
            username, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user = self.users.get(username)
        # "Strips out anything non-alphanumeric" (wp_authenticate_application_password)
        if user is not None and re.sub(r"[^a-z\d]", "", password, flags=re.I) == user["password"]:
            return user
        if self.wrong_password_is_anonymous:
            return None
        if user is None:
            raise WPError(
                "invalid_username",
                "<strong>Error:</strong> Unknown username. Check again or try your email address.",
                401,
            )
        raise WPError("incorrect_password", "The provided password is an invalid application password.", 401)

    # --- routing -------------------------------------------------------------------------------

    def route(self, method, route, query, headers, body, user):
        self.host = "http://" + headers.get("Host", "127.0.0.1")
        m = re.fullmatch(r"/(posts|media|categories|tags)(?:/(\d+))?", route)
        if route == "/users/me" and method == "GET":
            return self.me(user, query)
        if not m:
            raise WPError.no_route()
        kind, ident = m.group(1), m.group(2)
        params = {**query, **self._body_params(headers, body, kind == "media" and method == "POST")}
        if kind in ("categories", "tags"):
            taxonomy = "category" if kind == "categories" else "post_tag"
            if method == "GET" and ident is None:
                return self.list_terms(taxonomy, params)
            if method == "POST" and ident is None:
                return self.create_term(taxonomy, params, user)
            raise WPError.no_route()
        store = self.posts if kind == "posts" else self.media
        if ident is None and method == "GET":
            return self.list_posts(store, params, user)
        if ident is None and method == "POST":
            return self.create_post(params, user) if kind == "posts" else self.upload(params, headers, body, user)
        if ident is None:
            raise WPError.no_route()
        obj = store.get(int(ident))
        if obj is None:
            raise WPError("rest_post_invalid_id", "Invalid post ID.", 404)
        if method == "GET":
            if obj["status"] not in ("publish", "inherit") and not self._can(user, "edit_posts"):
                raise WPError("rest_forbidden", "Sorry, you are not allowed to do that.", _auth_code(user))
            return 200, self.render(obj, params), {}
        if method in ("POST", "PUT", "PATCH"):
            if not self._can(user, "edit_posts"):
                raise WPError("rest_cannot_edit", "Sorry, you are not allowed to edit this post.", _auth_code(user))
            self._apply(obj, params, user)
            return 200, self.render(obj, {"context": "edit"}), {}
        if method == "DELETE":
            return self.delete(store, obj, params, user)
        raise WPError.no_route()

    def _body_params(self, headers, body: bytes, raw_upload: bool) -> dict:
        if raw_upload or not body:
            return {}
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype == "application/json":
            try:
                data = json.loads(body)
            except ValueError:
                raise WPError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
            return data if isinstance(data, dict) else {}
        return {k: v[-1] for k, v in parse_qs(body.decode()).items()}

    def _can(self, user, cap: str) -> bool:
        return bool(user) and cap in user["caps"]

    # --- users ---------------------------------------------------------------------------------

    def me(self, user, query):
        if user is None:
            raise WPError("rest_not_logged_in", "You are not currently logged in.", 401)
        data = {"id": user["id"], "name": user["name"], "slug": user["username"]}
        if query.get("context") == "edit":
            data.update(username=user["username"], roles=user["roles"], capabilities={c: True for c in user["caps"]})
        return 200, data, {}

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
                "rest_cannot_create", "Sorry, you are not allowed to create terms in this taxonomy.", _auth_code(user)
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

    # --- posts ---------------------------------------------------------------------------------

    def list_posts(self, store, params, user):
        default = "publish" if store is self.posts else "inherit"
        statuses = [s for s in str(params.get("status") or default).split(",") if s]
        for status in statuses:
            if status not in STATUSES | {"any", "inherit"}:
                raise WPError("rest_invalid_param", "Invalid parameter(s): status", 400, params={"status": status})
            if status != default and not self._can(user, "edit_posts"):
                # a sanitize_callback error: WordPress wraps it as an invalid parameter (400)
                forbidden = {
                    "code": "rest_forbidden_status",
                    "message": "Status is forbidden.",
                    "data": {"status": _auth_code(user)},
                }
                raise WPError(
                    "rest_invalid_param",
                    "Invalid parameter(s): status",
                    400,
                    params={"status": "Status is forbidden."},
                    details={"status": forbidden},
                )
        if params.get("context") == "edit" and not self._can(user, "edit_posts"):
            raise WPError(
                "rest_forbidden_context",
                "Sorry, you are not allowed to edit posts in this post type.",
                _auth_code(user),
            )
        wanted = (STATUSES - {"trash"}) | {"inherit"} if "any" in statuses else set(statuses)
        found = [p for p in store.values() if p["status"] in wanted]
        if params.get("slug"):
            slugs = set(str(params["slug"]).split(","))
            found = [p for p in found if p["slug"] in slugs]
        if params.get("search"):
            found = [p for p in found if str(params["search"]).lower() in p["title"].lower()]
        rows = [self.render(p, params) for p in found]
        return 200, rows, {"X-WP-Total": len(rows), "X-WP-TotalPages": 1}

    def create_post(self, params, user):
        if not self._can(user, "edit_posts"):
            raise WPError(
                "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", _auth_code(user)
            )
        post = {"id": self._new_id(), "type": "post", "status": "draft", "slug": "", "author": user["id"]}
        post.update(title="", content="", excerpt="", featured_media=0, categories=[1], tags=[])
        self._apply(post, params, user)
        if not (post["title"] or post["content"] or post["excerpt"]):
            raise WPError("empty_content", "Content, title, and excerpt are empty.", 400)
        self.posts[post["id"]] = post
        return (
            201,
            self.render(post, {"context": "edit"}),
            {"Location": f"{self.host}/wp-json/wp/v2/posts/{post['id']}"},
        )

    def _apply(self, post, params, user):
        """Validate and set the writable fields (validation before any change, as WordPress does)."""
        changes = {}
        for key in ("title", "content", "excerpt"):
            if key in params:
                value = params[key]
                changes[key] = value.get("raw", "") if isinstance(value, dict) else str(value)
        if "status" in params:
            if params["status"] not in STATUSES - {"trash"}:
                raise WPError("rest_invalid_param", "Invalid parameter(s): status", 400, params={"status": "invalid"})
            if params["status"] == "publish" and not self._can(user, "publish_posts"):
                raise WPError(
                    "rest_cannot_publish", "Sorry, you are not allowed to publish posts in this post type.", 403
                )
            changes["status"] = params["status"]
        for key, taxonomy in (("categories", "category"), ("tags", "post_tag")):
            if key in params:
                ids = params[key]
                if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
                    raise WPError(
                        "rest_invalid_param", f"Invalid parameter(s): {key}", 400, params={key: "not integers"}
                    )
                # a term id that does not exist is skipped silently (wp_set_object_terms)
                changes[key] = [i for i in ids if self.terms.get(i, {}).get("taxonomy") == taxonomy]
        if "featured_media" in params:
            # set_post_thumbnail() fails for an id that is no attachment, and create_item/update_item
            # ignore that: the post is saved without its featured image (seen on WordPress 6.1)
            media_id = int(params["featured_media"] or 0)
            changes["featured_media"] = media_id if media_id in self.media else 0
        if "slug" in params:
            changes["slug"] = sanitize_title(str(params["slug"]))
        post.update(changes)
        if post["status"] == "publish" and not post["slug"]:
            post["slug"] = sanitize_title(post["title"]) or str(post["id"])
        if post["slug"]:
            post["slug"] = self._unique_slug(self.posts, post["slug"], post["id"])

    def _unique_slug(self, store, slug, own_id):
        taken = {p["slug"] for p in store.values() if p["id"] != own_id}
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    def delete(self, store, obj, params, user):
        if not self._can(user, "delete_posts"):
            raise WPError("rest_cannot_delete", "Sorry, you are not allowed to delete this post.", _auth_code(user))
        force = str(params.get("force", "")).lower() in ("1", "true")
        if force:
            previous = self.render(obj, {"context": "edit"})
            del store[obj["id"]]
            return 200, {"deleted": True, "previous": previous}, {}
        if store is self.media:
            raise WPError(
                "rest_trash_not_supported", "The post does not support trashing. Set 'force=true' to delete.", 501
            )
        if obj["status"] == "trash":
            raise WPError("rest_already_trashed", "The post has already been deleted.", 410)
        obj["status"], obj["slug"] = "trash", obj["slug"] + "__trashed"
        return 200, self.render(obj, {"context": "edit"}), {}

    def _new_id(self) -> int:
        self._next_post += 1
        return self._next_post

    # --- media ---------------------------------------------------------------------------------

    def upload(self, params, headers, body, user):
        if not self._can(user, "edit_posts"):
            raise WPError(
                "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", _auth_code(user)
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

    # --- output --------------------------------------------------------------------------------

    def render(self, obj, params) -> dict:
        edit = params.get("context") == "edit"
        data = {
            k: v for k, v in obj.items() if k not in ("bytes", "title", "content", "excerpt", "content_type_header")
        }
        data["link"] = f"{self.host}/{obj['slug'] or '?p=' + str(obj['id'])}/"
        for key in ("title", "content", "excerpt"):
            if key in obj:
                data[key] = {"rendered": obj[key], **({"raw": obj[key]} if edit else {})}
        return data
