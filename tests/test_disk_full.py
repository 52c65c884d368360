"""A full disk: uploads answer 507 ``storage_full`` and leave no file and no open handle behind;
``/healthz`` warns when the media disk runs low.

The media folder is a real 2 MiB tmpfs (the test is skipped where mounting is not permitted).
"""

from __future__ import annotations

import os
import subprocess

import psutil
import pytest

from tests.media_support import creator_fixture  # noqa: F401 - fixture

PNG_HEAD = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x01\x00" * 2 + b"\x08\x02\x00\x00\x00"


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs; ``fill(leave)`` fills it up to ``leave`` bytes free."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount, leave: int = 0) -> None:
    """Write a filler file until at most ``leave`` bytes are free (0: the disk is full)."""
    with open(mount / "filler", "wb") as fh:
        try:
            while os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize > leave:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError:
            pass


@pytest.fixture
def disk_app(make_app, small_disk, creator, api_headers):  # noqa: F811
    app = make_app(MEDIA_DIR=str(small_disk / "media"))
    with app.app_context():
        headers = api_headers(creator)
    return app, app.test_client(), headers


def leftovers(mount) -> list[str]:
    incoming = mount / "media" / ".incoming"
    return sorted(p.name for p in incoming.iterdir()) if incoming.exists() else []


def open_handles(mount) -> list[str]:
    return [f.path for f in psutil.Process().open_files() if f.path.startswith(str(mount))]


def assert_storage_full(resp) -> None:
    assert resp.status_code == 507, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["code"] == "storage_full" and body["status"] == 507
    assert "administrator" in body["detail"]


@pytest.mark.parametrize("leave", [0, 200_000], ids=["already-full", "fills-up"])
@pytest.mark.parametrize("form", ["raw", "multipart"])
def test_a_one_shot_upload_on_a_full_disk_is_a_507_and_leaves_nothing(disk_app, small_disk, leave, form):
    app, client, headers = disk_app
    client.get("/api/v1/media/limits", headers=headers)  # the media folder exists
    (small_disk / "media" / ".incoming").mkdir(parents=True, exist_ok=True)
    fill(small_disk, leave)
    data = PNG_HEAD + os.urandom(600_000 if leave else 2_000)  # a small upload still needs a block
    if form == "raw":
        resp = client.post("/api/v1/media", data=data, headers={**headers, "X-Filename": "foto.png"})
    else:
        import io

        resp = client.post(
            "/api/v1/media",
            data={"file": (io.BytesIO(data), "foto.png")},
            headers=headers,
            content_type="multipart/form-data",
        )
    assert_storage_full(resp)
    assert leftovers(small_disk) == []  # no 0-byte once-*.part
    assert open_handles(small_disk) == []


def test_a_resumable_upload_on_a_full_disk_is_a_507_and_ends(disk_app, small_disk):
    app, client, headers = disk_app
    resp = client.post("/api/v1/uploads", json={"name": "foto.png", "size": 900_000}, headers=headers)
    assert resp.status_code == 201
    upload_id = resp.get_json()["id"]
    fill(small_disk, 100_000)
    chunk = PNG_HEAD + os.urandom(500_000)
    resp = client.patch(f"/api/v1/uploads/{upload_id}", data=chunk, headers={**headers, "Upload-Offset": "0"})
    assert_storage_full(resp)
    assert client.head(f"/api/v1/uploads/{upload_id}", headers=headers).status_code == 404
    assert leftovers(small_disk) == []
    assert open_handles(small_disk) == []
    # once space is freed, the same file uploads
    (small_disk / "filler").unlink()
    resp = client.post("/api/v1/media", data=PNG_HEAD + b"x", headers={**headers, "X-Filename": "foto.png"})
    assert resp.status_code != 507


def test_healthz_warns_when_the_media_disk_runs_low(make_app, small_disk):
    low = make_app(MEDIA_DIR=str(small_disk / "media"))  # default threshold: 2 GiB, the disk has 2 MiB
    body = low.test_client().get("/healthz").get_json()
    storage = body["storage"]
    assert storage["ok"] is False and storage["free_bytes"] <= 2 * 1024 * 1024
    assert storage["min_free_bytes"] == 2 * 1024**3 and "HUB_MEDIA_MIN_FREE_BYTES" in storage["warning"]
    fine = make_app(MEDIA_DIR=str(small_disk / "media"), MEDIA_MIN_FREE_BYTES=1024)
    resp = fine.test_client().get("/healthz")
    assert resp.get_json()["storage"]["ok"] is True and "warning" not in resp.get_json()["storage"]
    # a warning, not an outage: the overall answer does not change with the threshold
    assert low.test_client().get("/healthz").status_code == resp.status_code
    assert body["status"] == resp.get_json()["status"]
