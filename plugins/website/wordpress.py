"""A small WordPress REST API (wp/v2) client on ``requests``, with Application Password auth.

Every failure comes out as :class:`WordPressError` carrying WordPress's own code and
message (``{"code": "incorrect_password", "message": "…", "data": {"status": 401}}``),
or the network problem; :mod:`hub_website.errors` turns it into the hub's publish errors
with advice for the admin.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
from typing import IO, Any

from hub.sdk import HubError

USER_AGENT = "publishing-hub-website/0.1 (+https://github.com/)"


class WordPressError(HubError):
    """WordPress (or the way to it) refused or failed.

    ``status`` is the HTTP status (``None`` for a network failure), ``code`` WordPress's
    error code (``incorrect_password``, ``rest_upload_sideload_error``…; ``timeout`` or
    ``connection`` for a network failure, ``http_<status>`` when the answer was not
    WordPress JSON), ``message`` WordPress's own words with HTML tags removed.
    """

    def __init__(self, status: int | None, code: str, message: str, *, retry_after: float | None = None, data=None):
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after
        #: WordPress's ``data`` (``params``, ``details``…), for the nested reasons of ``rest_invalid_param``
        self.data = data if isinstance(data, dict) else {}
        super().__init__(f"[{code}] {message}" + (f" (HTTP {status})" if status else ""))

    @property
    def nested_codes(self) -> set[str]:
        """The codes inside ``data.details`` (``rest_invalid_param`` says there why a parameter failed)."""
        details = self.data.get("details") or {}
        return {str(d.get("code")) for d in details.values() if isinstance(d, dict) and d.get("code")}


def plain(text: str) -> str:
    """WordPress messages may hold HTML (``<strong>Error:</strong> …``): keep the words only."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or "")).strip()


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds, from either form (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class WordPressClient:
    """One WordPress site. ``base_url`` is the site address (``https://ppid.example.go.id``)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        app_password: str,
        *,
        timeout: float = 30.0,
        upload_timeout: float = 300.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.api = self.base_url + "/wp-json/wp/v2"
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        import requests  # here, not at import: the web process loads this module at start

        self.session = requests.Session()
        self.session.auth = (username, app_password)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> WordPressClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the one place requests are made ---------------------------------------------------------

    def request(self, method: str, path: str, *, timeout: float | None = None, **kwargs) -> Any:
        import requests

        url = self.api + path
        try:
            limits = (min(10.0, self.timeout), timeout or self.timeout)
            resp = self.session.request(method, url, timeout=limits, **kwargs)
        except requests.Timeout as exc:
            raise WordPressError(None, "timeout", f"no answer from {self.base_url} in time ({exc})") from exc
        except requests.ConnectionError as exc:
            raise WordPressError(None, "connection", f"connection to {self.base_url} failed or broke ({exc})") from exc
        except requests.RequestException as exc:
            raise WordPressError(None, "request", str(exc)) from exc
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code >= 400:
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            if isinstance(data, dict) and "code" in data:
                message = plain(str(data.get("message", "")))
                extra = data.get("data") if isinstance(data.get("data"), dict) else {}
                params = extra.get("params")
                if isinstance(params, dict) and params:
                    message += " (" + "; ".join(f"{k}: {plain(str(v))}" for k, v in params.items()) + ")"
                raise WordPressError(resp.status_code, str(data["code"]), message, retry_after=retry_after, data=extra)
            snippet = plain(resp.text)[:200]
            raise WordPressError(
                resp.status_code, f"http_{resp.status_code}", snippet or resp.reason or "", retry_after=retry_after
            )
        if data is None:
            raise WordPressError(
                resp.status_code,
                "not_json",
                f"{url} did not answer with JSON; is this the WordPress site address and is its REST API enabled?",
            )
        return data

    # --- users -----------------------------------------------------------------------------------

    def me(self) -> dict:
        """The authenticated user, with roles and capabilities (``context=edit``)."""
        return self.request("GET", "/users/me", params={"context": "edit"})

    # --- posts -----------------------------------------------------------------------------------

    def find_post(self, slug: str) -> dict | None:
        """The post with this slug in any status but trash (needs a user who can edit posts)."""
        rows = self.request("GET", "/posts", params={"slug": slug, "status": "any", "context": "edit"})
        return rows[0] if rows else None

    def get_post(self, post_id: int) -> dict | None:
        try:
            return self.request("GET", f"/posts/{post_id}", params={"context": "edit"})
        except WordPressError as err:
            if err.status in (404, 410):
                return None
            raise

    def create_post(self, fields: dict) -> dict:
        return self.request("POST", "/posts", json=fields)

    def update_post(self, post_id: int, fields: dict) -> dict:
        return self.request("POST", f"/posts/{post_id}", json=fields)

    def trash_post(self, post_id: int) -> bool:
        """Move a post to the trash. ``True`` when it is there now (or already was, or is gone)."""
        try:
            self.request("DELETE", f"/posts/{post_id}")
        except WordPressError as err:
            if err.code in ("rest_already_trashed", "rest_post_invalid_id"):
                return True
            raise
        return True

    # --- media -----------------------------------------------------------------------------------

    def find_media(self, slug: str) -> dict | None:
        rows = self.request("GET", "/media", params={"slug": slug})
        return rows[0] if rows else None

    def upload_media(
        self,
        filename: str,
        content_type: str,
        body: IO[bytes] | bytes,
        *,
        alt_text: str = "",
        title: str = "",
        slug: str = "",
    ) -> dict:
        """Upload a file as the raw request body (``Content-Disposition: attachment; filename=…``).

        ``slug`` names the attachment (else WordPress derives it from the title), so a retry
        can find an upload whose answer was lost.
        """
        params = {k: v for k, v in (("alt_text", alt_text), ("title", title), ("slug", slug)) if v}
        headers = {"Content-Type": content_type, "Content-Disposition": f'attachment; filename="{filename}"'}
        return self.request("POST", "/media", data=body, headers=headers, params=params, timeout=self.upload_timeout)

    def delete_media(self, media_id: int) -> bool:
        """Delete an attachment for good (attachments have no trash in WordPress)."""
        try:
            self.request("DELETE", f"/media/{media_id}", params={"force": "true"})
        except WordPressError as err:
            if err.code == "rest_post_invalid_id":
                return True
            raise
        return True

    # --- terms -----------------------------------------------------------------------------------

    def find_term(self, taxonomy: str, name: str, slug: str) -> dict | None:
        """A category (``categories``) or tag (``tags``) by slug, else by exact name."""
        rows = self.request("GET", f"/{taxonomy}", params={"slug": slug}) if slug else []
        if rows:
            return rows[0]
        wanted = name.strip().casefold()
        for row in self.request("GET", f"/{taxonomy}", params={"search": name, "per_page": 100}):
            if plain(row.get("name", "")).casefold() == wanted:
                return row
        return None

    def create_tag(self, name: str) -> dict:
        try:
            return self.request("POST", "/tags", json={"name": name})
        except WordPressError as err:
            if err.code == "term_exists":  # created by someone else meanwhile
                found = self.find_term("tags", name, "")
                if found:
                    return found
            raise
