"""Helpers for the media tests: uploading through the real API, and checking nothing is left behind."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from hub.extensions import db
from hub.models import Asset, Item, ItemAsset


@pytest.fixture(name="creator")
def creator_fixture(make_user, make_org):
    """A content creator of a requesting office (may upload)."""
    org = make_org("Dinas Pariwisata", kind="requester")
    return make_user("citra", roles=["pembuat_konten"], org=org)


def upload_once(client, headers: dict, path: Path, *, name: str | None = None, raw: bool = False):
    """POST /api/v1/media: multipart by default, or the raw body with X-Filename."""
    name = path.name if name is None else name
    if raw:
        return client.post(
            "/api/v1/media",
            data=path.read_bytes(),
            headers={**headers, "Content-Type": "application/octet-stream", "X-Filename": quote(name)},
        )
    with open(path, "rb") as fh:
        return client.post(
            "/api/v1/media", data={"file": (fh, name)}, headers=headers, content_type="multipart/form-data"
        )


def start_upload(client, headers: dict, name: str, size: int):
    return client.post("/api/v1/uploads", json={"name": name, "size": size}, headers=headers)


def send_chunk(client, headers: dict, upload_id: str, offset: int, data: bytes):
    return client.patch(
        f"/api/v1/uploads/{upload_id}",
        data=data,
        headers={**headers, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
    )


def upload_resumable(client, headers: dict, path: Path, *, name: str | None = None, chunk: int = 64 * 1024):
    """The whole resumable protocol; returns the last response (the asset or the refusal)."""
    data = path.read_bytes()
    resp = start_upload(client, headers, name or path.name, len(data))
    if resp.status_code != 201:
        return resp
    upload_id = resp.get_json()["id"]
    offset = 0
    while offset < len(data):
        resp = send_chunk(client, headers, upload_id, offset, data[offset : offset + chunk])
        if resp.status_code != 204:
            return resp
        offset = int(resp.headers["Upload-Offset"])
    return resp


def media_files(app) -> list[Path]:
    """Every file under MEDIA_DIR (including unfinished uploads), except the start-up write test."""
    root = Path(app.config["MEDIA_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".write-test"))


def asset_rows() -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count(Asset.id))).scalar()


def assert_refused(resp, app, *, code: str, status: int = 422, words: tuple[str, ...] = ()) -> dict:
    """The response is a problem+json refusal with ``code`` (``words`` in its ``detail``), and no file
    and no row were left behind."""
    body = resp.get_json()
    assert resp.status_code == status, (resp.status_code, body)
    assert resp.mimetype == "application/problem+json", resp.mimetype
    assert body["code"] == code and body["status"] == status, body
    assert body["detail"] and body["lang"] in ("id", "en")
    assert "message" not in body and "message_id" not in body and "error" not in body
    for word in words:
        assert word.lower() in body["detail"].lower(), (word, body["detail"])
    assert media_files(app) == [], media_files(app)
    assert asset_rows() == 0
    return body


def make_item(user, *, status: str = "draft", **fields) -> Item:
    item = Item(organisation_id=user.organisation_id, created_by_id=user.id, title="Festival", status=status, **fields)
    db.session.add(item)
    db.session.commit()
    return item


def attach(item: Item, asset_id: int, role: str = "main") -> None:
    db.session.add(ItemAsset(item_id=item.id, asset_id=asset_id, role=role))
    db.session.commit()


def ffmpeg_streams(path: Path) -> str:
    from tests.media_factory import ffprobe_like

    return ffprobe_like(path)


def dump(resp) -> str:
    return json.dumps(resp.get_json(), indent=1)
