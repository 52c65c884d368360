"""What the WordPress stub knows and does: users, posts, media, terms, and WordPress's own errors.

Kept apart from the HTTP plumbing in :mod:`tests.stubs.wordpress`. Messages and codes
are WordPress 6.x's (see that module's docstring for where they come from).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import parse_qs

from tests.stubs.wordpress_errors import WPError, auth_code, sanitize_title
from tests.stubs.wordpress_media import MediaMixin, TermsMixin

ROLE_CAPS = {
    "administrator": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts", "manage_categories"},
    "editor": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts", "manage_categories"},
    "author": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts"},
    "contributor": {"read", "edit_posts"},
    "subscriber": {"read"},
}
STATUSES = {"publish", "future", "draft", "pending", "private", "trash"}


class SiteState(TermsMixin, MediaMixin):
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
                raise WPError("rest_forbidden", "Sorry, you are not allowed to do that.", auth_code(user))
            return 200, self.render(obj, params), {}
        if method in ("POST", "PUT", "PATCH"):
            if not self._can(user, "edit_posts"):
                raise WPError("rest_cannot_edit", "Sorry, you are not allowed to edit this post.", auth_code(user))
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
                    "data": {"status": auth_code(user)},
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
                auth_code(user),
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
                "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", auth_code(user)
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
            raise WPError("rest_cannot_delete", "Sorry, you are not allowed to delete this post.", auth_code(user))
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

    # --- output --------------------------------------------------------------------------------

    def render(self, obj, params) -> dict:
        edit = params.get("context") == "edit"
        data = {
            k: v for k, v in obj.items() if k not in ("bytes", "title", "content", "excerpt", "content_type_header")
        }
        data["link"] = f"{self.host}/{obj['slug'] or '?p=' + str(obj['id'])}/"
        # as WordPress 6.1 renders for an administrator or editor (``unfiltered_html``): no kses,
        # the raw HTML as sent; the excerpt goes through wpautop (a paragraph)
        for key in ("title", "content", "excerpt"):
            if key in obj:
                rendered = f"<p>{obj[key]}</p>\n" if key == "excerpt" and obj[key] else obj[key]
                data[key] = {"rendered": rendered, **({"raw": obj[key]} if edit else {})}
        return data
