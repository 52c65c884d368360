"""Google Drive share links: a background job downloads the file, then the upload checks run.

Accepted links: ``https://drive.google.com/file/d/<id>/view?usp=sharing``, ``…/open?id=<id>``,
``…/uc?id=<id>`` and ``https://drive.usercontent.google.com/download?id=<id>``. The job asks
``<HUB_DRIVE_BASE_URL>/uc?export=download&id=<id>``, follows redirects only to the two Drive
hosts (``HUB_DRIVE_BASE_URL`` and ``HUB_DRIVE_DOWNLOAD_URL``), submits the "cannot scan this
large file for viruses" confirmation form when Drive shows it, and streams the file into
``MEDIA_DIR/.incoming`` with the size limit of its kind. A sign-in page or "access denied"
means the file is not shared publicly. Progress and the outcome live in Redis (an import has
no row until its file has passed the checks); see :func:`import_status`.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import time
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from flask import current_app

from hub.media.drive_errors import DriveError, drive_error
from hub.media.errors import MediaError
from hub.media.settings import setting
from hub.queue import redis_connection

GOOGLE_HOSTS = {"drive.google.com", "docs.google.com", "drive.usercontent.google.com"}
_ID = re.compile(r"^[A-Za-z0-9_-]{10,200}$")
_FILE_PATH = re.compile(r"^/file/d/([^/]+)")
_FORM = re.compile(r"<form[^>]*\bid=[\"']download-form[\"'][^>]*>(.*?)</form>", re.S | re.I)
_ACTION = re.compile(r"\baction=[\"']([^\"']+)[\"']", re.I)
_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ATTR = re.compile(r"\b(name|value)=[\"']([^\"']*)[\"']", re.I)
KINDS = ("video", "image", "document", "any")
STATE_TTL = 7 * 24 * 3600


def _hosts() -> set[str]:
    own = {urlparse(str(setting(k))).netloc for k in ("DRIVE_BASE_URL", "DRIVE_DOWNLOAD_URL")}
    return GOOGLE_HOSTS | own


def parse_link(url: str) -> str:
    """The Drive file id in a share link; :class:`MediaError` for anything else."""
    parsed = urlparse((url or "").strip())
    if parsed.scheme not in ("http", "https") or parsed.netloc not in _hosts():
        raise drive_error("bad_link")
    if "/folders/" in parsed.path:
        raise drive_error("folder_link")
    m = _FILE_PATH.match(parsed.path)
    file_id = m.group(1) if m else (parse_qs(parsed.query).get("id") or [""])[0]
    if not _ID.match(file_id or ""):
        raise drive_error("bad_link")
    return file_id


# --- the import's state in Redis --------------------------------------------------------------------


def _key(import_id: str) -> str:
    return f"hub:{current_app.config['QUEUE_NAME']}:media:drive:{import_id}"


def save_state(import_id: str, **fields) -> None:
    conn = redis_connection()
    conn.hset(_key(import_id), mapping={k: json.dumps(v) for k, v in fields.items()})
    conn.expire(_key(import_id), STATE_TTL)


def load_state(import_id: str) -> dict | None:
    raw = redis_connection().hgetall(_key(import_id)) if import_id else {}
    return {k.decode(): json.loads(v) for k, v in raw.items()} or None


def start_import(user, url: str, *, kind: str = "video", item_id: int | None = None, role: str = "main") -> str:
    """Check the link and queue the download; returns the import id."""
    from hub.jobs import enqueue

    file_id = parse_link(url)
    import_id = secrets.token_urlsafe(12)
    save_state(
        import_id,
        user_id=user.id,
        url=url.strip()[:1000],
        file_id=file_id,
        kind=kind,
        item_id=item_id,
        role=role,
        status="queued",
        received=0,
        total=None,
        created=time.time(),
    )
    from hub.media.drive_job import import_from_drive

    enqueue(import_from_drive, import_id)
    return import_id


def import_status(import_id: str, user) -> dict | None:
    """What the person sees: status, bytes received of total, the asset or the refusal."""
    state = load_state(import_id)
    if not state or state.get("user_id") != user.id:
        return None
    keys = ("status", "received", "total", "asset_id", "duplicate", "error", "message", "message_id", "message_en")
    result = {"id": import_id, **{k: state.get(k) for k in keys if k in state}}
    if state.get("attach_error"):
        result.update(attach_error=state["attach_error"], item_id=state.get("item_id"), **_attach_message(state))
    return result


def _attach_message(state: dict) -> dict:
    """Why a finished import is not on its item (the item was submitted or changed hands meanwhile)."""
    from hub.extensions import db
    from hub.models import Item

    item = db.session.get(Item, state.get("item_id") or 0)
    title = (item.title if item is not None else None) or f"#{state.get('item_id')}"
    return {
        "attach_message_id": (
            f"Berkas sudah diimpor, tetapi tidak dapat dilampirkan ke konten «{title}»: konten itu sudah "
            "diajukan atau tidak dapat Anda ubah lagi. Berkas ada di media Anda; lampirkan setelah konten "
            "dikembalikan untuk revisi."
        ),
        "attach_message_en": (
            f"The file was imported but could not be attached to the item «{title}»: it has been submitted "
            "or you can no longer change it. The file is in your media; attach it once the item is returned "
            "for revision."
        ),
    }


# --- talking to Drive ---------------------------------------------------------------------------------


class DriveClient:
    """Fetches one file from Drive, refusing to leave the Drive hosts."""

    def __init__(self):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "publishing-hub (+media import)"
        self.timeout = (10, float(setting("DRIVE_TIMEOUT")))

    def _get(self, url: str, params: dict | None = None) -> requests.Response:
        for _ in range(6):
            host = urlparse(url).netloc
            if host.endswith("accounts.google.com") or "ServiceLogin" in url:
                raise drive_error("private")
            if host not in _hosts():
                raise drive_error("bad_redirect", host=host)
            resp = self.session.get(url, params=params, stream=True, timeout=self.timeout, allow_redirects=False)
            params = None
            if resp.is_redirect:
                url = urljoin(url, resp.headers["Location"])
                resp.close()
                continue
            return resp
        raise drive_error("bad_redirect", host=urlparse(url).netloc)

    def open(self, file_id: str) -> requests.Response:
        """The response whose body is the file (confirmation pages answered); :class:`DriveError` otherwise."""
        base = str(setting("DRIVE_BASE_URL")).rstrip("/")
        resp = self._get(f"{base}/uc", {"export": "download", "id": file_id})
        for _ in range(3):
            if resp.status_code == 200 and not _is_html(resp):
                return resp
            page = _read_page(resp)
            form = _confirm_form(page)
            if resp.status_code == 200 and form is not None:
                action, fields = form
                resp = self._get(urljoin(resp.url, action), fields)
                continue
            raise _classify(resp.status_code, page)
        raise drive_error("not_file")


def _is_html(resp: requests.Response) -> bool:
    return resp.headers.get("Content-Type", "").split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")


def _read_page(resp: requests.Response, limit: int = 2 * 1024 * 1024) -> str:
    data = b""
    for block in resp.iter_content(65536):
        data += block
        if len(data) >= limit:
            break
    resp.close()
    return data.decode("utf-8", "replace")


def _confirm_form(page: str) -> tuple[str, dict] | None:
    m = _FORM.search(page)
    if not m:
        return None
    action = _ACTION.search(page[m.start() : m.end()])
    fields = {}
    for tag in _INPUT.findall(m.group(1)):
        attrs = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(tag)}
        if attrs.get("name"):
            fields[attrs["name"]] = attrs.get("value", "")
    if not action or "confirm" not in fields:
        return None
    return html.unescape(action.group(1)), fields


def _classify(status: int, page: str) -> DriveError:
    text = page.lower()
    if status == 404 or "file does not exist" in text or "not found" in text[:2000]:
        return drive_error("not_found")
    if status in (401, 403) or any(
        w in text
        for w in ("servicelogin", "accounts.google.com", "need access", "request access", "access denied", "sign in")
    ):
        return drive_error("private")
    if status == 429 or "quota exceeded" in text or "too many users" in text:
        return drive_error("quota")
    if status >= 500:
        return drive_error("unavailable", status=status)
    return drive_error("not_file")


def file_name(resp: requests.Response) -> str | None:
    from werkzeug.http import parse_options_header

    _value, options = parse_options_header(resp.headers.get("Content-Disposition", ""))
    return options.get("filename")


__all__ = ["DriveClient", "DriveError", "MediaError", "import_status", "parse_link", "start_import"]
