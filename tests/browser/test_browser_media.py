"""The media uploader in a real browser: chunked upload with a progress bar that survives a dropped
connection, a refusal shown in Indonesian, and the background probe's result on the page."""

from __future__ import annotations

import pytest

from hub.extensions import db
from hub.models import Asset
from tests import media_factory as mf
from tests.browser.conftest import ARTIFACTS, browser_login, visit, wait_until

pytestmark = pytest.mark.browser


def test_upload_page_chunks_resumes_and_refuses(context, live_hub, hub_worker, make_user, tmp_path):
    creator = make_user("citra", roles=["pembuat_konten"])
    video = mf.sd_480p(tmp_path, name="Pawai Budaya.mp4")
    page = context.new_page()
    browser_login(page, creator)
    visit(page, "/media/upload", "media-upload")

    # drop the connection on the third chunk once: the uploader asks where to resume and goes on
    seen = {"patch": 0, "aborted": 0, "head": 0}

    def flaky(route, request):
        if request.method == "PATCH":
            seen["patch"] += 1
            if seen["patch"] == 3 and not seen["aborted"]:
                seen["aborted"] += 1
                return route.abort("connectionreset")
        if request.method == "HEAD":
            seen["head"] += 1
        return route.continue_()

    page.route("**/api/v1/uploads/*", flaky)
    page.eval_on_selector("[data-hub-upload]", "el => { el.dataset.chunkBytes = '16384'; }")
    page.set_input_files("[data-hub-upload] input[type=file]", str(video))
    page.wait_for_selector(".hub-upload-done", timeout=30000)
    row = page.locator(".hub-upload-row").first
    assert "Terunggah" in row.inner_text()
    assert page.eval_on_selector(".hub-upload-row progress", "p => p.value") == 100
    assert seen["aborted"] == 1 and seen["head"] >= 1
    assert seen["patch"] > len(video.read_bytes()) // 16384  # it really went in chunks
    asset_id = int(page.get_attribute("[data-hub-upload] input[type=hidden][name=asset_ids]", "value"))
    with live_hub.app.app_context():
        asset = db.session.get(Asset, asset_id)
        assert asset.size == len(video.read_bytes()) and asset.original_name == "Pawai Budaya.mp4"

    # an HTML page renamed .mp4: refused, the message in Indonesian
    page.unroute("**/api/v1/uploads/*")
    page.set_input_files("[data-hub-upload] input[type=file]", str(mf.html_renamed(tmp_path, "video.mp4")))
    page.wait_for_selector(".hub-upload-failed")
    assert "halaman web (HTML)" in page.locator(".hub-upload-failed").inner_text()
    page.screenshot(path=str(ARTIFACTS / "media-upload-done.png"), full_page=True)

    # the worker probes it: the list says it is ready, with its size
    def ready():
        with live_hub.app.app_context():
            db.session.expire_all()
            return db.session.get(Asset, asset_id).status == "ready"

    wait_until(ready, timeout=60, what="the probe")
    visit(page, "/media/upload", "media-upload-list")
    assert "Siap" in page.inner_text(f"#asset-{asset_id}") and "854×480" in page.inner_text(f"#asset-{asset_id}")


def test_files_dropped_on_the_uploader_are_uploaded(context, live_hub, make_user):
    creator = make_user("citra", roles=["pembuat_konten"])
    page = context.new_page()
    browser_login(page, creator)
    visit(page, "/media/upload", "media-upload-drop")
    assert "Tarik dan lepas berkas ke sini" in page.inner_text("[data-hub-upload]")
    # a real PNG made by the browser's canvas, dropped like a file from the desktop
    transfer = page.evaluate_handle(
        """async () => {
            const canvas = document.createElement("canvas");
            canvas.width = 64; canvas.height = 48;
            const ctx = canvas.getContext("2d");
            ctx.fillStyle = "#c0392b"; ctx.fillRect(0, 0, 64, 48);
            const blob = await new Promise(resolve => canvas.toBlob(resolve, "image/png"));
            const transfer = new DataTransfer();
            transfer.items.add(new File([blob], "poster pawai.png", { type: "image/png" }));
            return transfer;
        }"""
    )
    page.dispatch_event("[data-hub-upload]", "dragenter", {"dataTransfer": transfer})
    assert "hub-drop-active" in page.get_attribute("[data-hub-upload]", "class")
    page.dispatch_event("[data-hub-upload]", "drop", {"dataTransfer": transfer})
    page.wait_for_selector(".hub-upload-done", timeout=30000)
    assert "hub-drop-active" not in page.get_attribute("[data-hub-upload]", "class")
    asset_id = int(page.get_attribute("[data-hub-upload] input[type=hidden][name=asset_ids]", "value"))
    with live_hub.app.app_context():
        asset = db.session.get(Asset, asset_id)
        assert asset.original_name == "poster pawai.png" and asset.kind == "image" and asset.mime == "image/png"


def test_a_drive_import_survives_lost_status_answers(context, live_hub, make_user):
    """The download runs on the server: the page asks again when a status answer is lost (network, 5xx)."""
    import json
    import re

    creator = make_user("citra", roles=["pembuat_konten"])
    page = context.new_page()
    browser_login(page, creator)
    visit(page, "/media/upload", "media-upload-drive")
    answers = [
        "reset",
        (503, {"error": "unavailable"}),
        (200, {"status": "downloading", "received": 50, "total": 100}),
        (200, {"status": "done", "received": 100, "total": 100, "asset": {"id": 4242, "status": "probing"}}),
    ]
    seen = []

    def drive_api(route, request):
        if request.method == "POST":
            body = {"id": "imp1", "status": "queued", "status_url": "/api/v1/media/drive/imp1"}
            return route.fulfill(status=202, content_type="application/json", body=json.dumps(body))
        answer = answers[min(len(seen), len(answers) - 1)]
        seen.append(answer)
        if answer == "reset":
            return route.abort("connectionreset")
        return route.fulfill(status=answer[0], content_type="application/json", body=json.dumps(answer[1]))

    page.route(re.compile(r"/api/v1/media/drive(/imp1)?$"), drive_api)
    page.fill("[data-drive-url]", "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view")
    page.click("[data-drive-go]")
    page.wait_for_selector(".hub-upload-done, .hub-upload-failed", timeout=30000)
    assert page.locator(".hub-upload-failed").count() == 0, page.inner_text(".hub-upload-row")
    assert len(seen) == 4
    assert page.get_attribute("[data-hub-upload] input[type=hidden][name=asset_ids]", "value") == "4242"
