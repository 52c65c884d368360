"""Probing (headers only, rotation-aware) and the background jobs: probe, poster/thumbnail,
browser preview, renditions conformed to a screen."""

from __future__ import annotations

import pytest
from PIL import Image

from hub.extensions import db
from hub.media.probe import parse_header, probe_video
from hub.models import Asset
from tests import media_factory as mf
from tests.media_support import creator_fixture, upload_once  # noqa: F401 - fixture


@pytest.mark.parametrize(
    "make, size, orientation, rotation",
    [
        (mf.landscape_1080p, (1920, 1080), "landscape", 0),
        (mf.hd_720p, (1280, 720), "landscape", 0),
        (mf.sd_480p, (854, 480), "landscape", 0),
        (mf.portrait_rotated, (1080, 1920), "portrait", 90),
        (mf.portrait_native, (1080, 1920), "portrait", 0),
    ],
    ids=["1080p", "720p", "480p", "portrait-rotation-metadata", "portrait-native"],
)
def test_probe_reports_duration_size_and_orientation(tmp_path, make, size, orientation, rotation):
    path = make(tmp_path)
    info = probe_video(path, "mp4")
    assert (info.width, info.height) == size
    assert info.orientation == orientation and info.rotation == rotation
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.fps == 5 and info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.audio is True and info.audio_codec == "aac" and info.browser_playable is True


def test_moviepy_alone_gets_the_rotated_video_wrong(tmp_path):
    """The reason probe.py parses rotation itself (INTEGRATIONS.md): moviepy sees a landscape video."""
    from moviepy.video.io.ffmpeg_reader import ffmpeg_parse_infos

    path = mf.portrait_rotated(tmp_path)
    infos = ffmpeg_parse_infos(str(path))
    assert infos["video_size"] == [1920, 1080]
    assert infos.get("video_rotation", 0) == 0
    assert "rotation of -90.00 degrees" in mf.ffprobe_like(path)


def test_probe_reads_a_long_video_quickly_and_other_containers(tmp_path):
    import time

    path = mf.long_video(tmp_path, 40)
    started = time.monotonic()
    info = probe_video(path, "mp4")
    assert time.monotonic() - started < 2
    assert info.duration == pytest.approx(40, abs=0.1) and (info.width, info.height) == (160, 90)
    webm = probe_video(mf.make_video(tmp_path, codec="vp9", container="webm"), "webm")
    assert (webm.video_codec, webm.audio_codec, webm.browser_playable) == ("vp9", "opus", True)
    mov = probe_video(mf.make_video(tmp_path, codec="mpeg4", container="mov", audio=False), "mov")
    assert (mov.video_codec, mov.audio, mov.browser_playable) == ("mpeg4", False, False)
    hevc = probe_video(mf.make_video(tmp_path, codec="hevc"), "mp4")
    assert hevc.video_codec == "hevc" and hevc.browser_playable is False


def test_old_style_rotate_tags_and_non_square_pixels():
    text = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':
  Duration: 00:00:12.50, start: 0.000000, bitrate: 900 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 1440x1080 [SAR 4:3 DAR 16:9], \
800 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
    Metadata:
      rotate          : 270
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 96 kb/s (default)
"""
    info = parse_header(text, "mp4")
    assert (info.width, info.height, info.rotation, info.orientation) == (1080, 1920, 270, "portrait")
    assert info.duration == 12.5 and info.fps == 29.97


# --- the background jobs -------------------------------------------------------------------------


def _upload(client, headers, path, name=None):
    resp = upload_once(client, headers, path, name=name)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def test_probe_job_marks_ready_and_makes_poster_and_thumbnail(app, client, creator, api_headers, run_jobs, tmp_path):
    headers = api_headers(creator)
    asset_id = _upload(client, headers, mf.portrait_rotated(tmp_path))
    run_jobs()
    asset = db.session.get(Asset, asset_id)
    assert asset.status == "ready" and asset.probed_at is not None
    assert (asset.width, asset.height, asset.orientation, asset.duration) == (1080, 1920, "portrait", 2.0)
    assert asset.probe["rotation"] == 90 and asset.probe["stored_width"] == 1920
    assert set(asset.derivatives) == {"poster", "thumbnail"}  # H.264/AAC in MP4: no preview needed
    media = tmp_path / "media"
    with Image.open(media / asset.derivatives["poster"]["path"]) as poster:
        assert poster.size == (1080, 1920)  # upright, not squeezed into 1920x1080
    with Image.open(media / asset.derivatives["thumbnail"]["path"]) as thumb:
        assert thumb.size == (180, 320)
    body = client.get(f"/api/v1/media/{asset_id}", headers=headers).get_json()
    assert set(body["urls"]) == {"original", "poster", "thumbnail"}


def test_a_video_browsers_cannot_play_gets_an_h264_preview(app, client, creator, api_headers, run_jobs, tmp_path):
    headers = api_headers(creator)
    asset_id = _upload(client, headers, mf.make_video(tmp_path, width=640, height=480, codec="mpeg4", container="mov"))
    run_jobs()
    asset = db.session.get(Asset, asset_id)
    assert asset.status == "ready" and asset.probe["browser_playable"] is False
    preview = asset.derivatives["preview"]
    assert preview["status"] == "ready" and (preview["width"], preview["height"]) == (640, 480)
    info = probe_video(tmp_path / "media" / preview["path"], "mp4")
    assert (info.video_codec, info.pix_fmt, info.audio_codec, info.browser_playable) == ("h264", "yuv420p", "aac", True)
    assert info.duration == pytest.approx(2.0, abs=0.15)


def test_an_image_gets_a_thumbnail_and_a_damaged_one_is_rejected(app, client, creator, api_headers, run_jobs, tmp_path):
    headers = api_headers(creator)
    good = _upload(client, headers, mf.make_image(tmp_path, 800, 400, "JPEG"))
    broken_path = tmp_path / "broken.jpg"
    data = mf.make_image(tmp_path, 600, 400, "JPEG", name="src.jpg").read_bytes()
    broken_path.write_bytes(data[: len(data) // 2])  # header intact, pixels cut off: found when decoding
    broken = _upload(client, headers, broken_path)
    cut_png = tmp_path / "cut.png"
    data = mf.make_image(tmp_path, 600, 400, "PNG", name="src.png").read_bytes()
    cut_png.write_bytes(data[: len(data) // 2])  # PNG chunks are checked at once
    refused = upload_once(client, headers, cut_png)
    assert refused.status_code == 422 and refused.get_json()["code"] == "corrupt_image"
    run_jobs()
    asset = db.session.get(Asset, good)
    assert asset.status == "ready" and asset.derivatives["thumbnail"]["width"] == 320
    bad = db.session.get(Asset, broken)
    assert bad.status == "rejected" and "rusak" in bad.error and "damaged" in bad.error
    assert not (tmp_path / "media" / bad.stored_name).exists()


def test_a_rendition_is_conformed_to_the_screen_and_the_limit(
    app, client, creator, make_user, api_headers, run_jobs, tmp_path
):
    headers = api_headers(creator)
    asset_id = _upload(client, headers, mf.make_video(tmp_path, width=320, height=240, seconds=3, fps=5))
    run_jobs()
    admin = make_user("adi", roles=["admin_videotron"])
    admin_headers = api_headers(admin)
    url = f"/api/v1/media/{asset_id}/renditions"
    assert client.post(url, json={"width": 192, "height": 108, "max_seconds": 2}, headers=headers).status_code == 403
    bad = client.post(url, json={"width": 191, "height": 108}, headers=admin_headers)
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_rendition"
    resp = client.post(url, json={"width": 192, "height": 108, "max_seconds": 2}, headers=admin_headers)
    assert resp.status_code == 202 and resp.get_json()["key"] == "192x108-2s-contain"
    run_jobs()
    asset = db.session.get(Asset, asset_id)
    entry = asset.derivatives["renditions"]["192x108-2s-contain"]
    assert entry["status"] == "ready"
    info = probe_video(tmp_path / "media" / entry["path"], "mp4")
    assert (info.width, info.height, info.video_codec, info.pix_fmt) == (192, 108, "h264", "yuv420p")
    assert info.duration == pytest.approx(2.0, abs=0.25)
    # asking again returns the ready one
    again = client.post(url, json={"width": 192, "height": 108, "max_seconds": 2}, headers=admin_headers)
    assert again.status_code == 200 and again.get_json()["status"] == "ready"
    from hub.media.renditions import rendition_path

    assert rendition_path(asset, 192, 108, 2) == tmp_path / "media" / entry["path"]
    served = client.get(f"/api/v1/media/{asset_id}/files/192x108-2s-contain", headers=admin_headers)
    assert served.status_code == 200 and served.mimetype == "video/mp4"


def test_deleting_a_video_while_its_poster_is_made_leaves_no_file(
    app, client, creator, api_headers, tmp_path, monkeypatch
):
    """The delete lands between the poster being written and the job recording it (injected, no
    sleeps): the job finds the asset deleted, removes what it made, and every file answers 410."""
    from hub.media import derivatives as deriv
    from hub.media import jobs
    from tests.media_support import media_files

    headers = api_headers(creator)
    asset_id = _upload(client, headers, mf.hd_720p(tmp_path))
    jobs.probe_asset(asset_id)  # ready; the derivatives job is queued, run below by hand
    real = deriv.poster_and_thumbnail
    seen = {}

    def poster_then_delete(*args, **kwargs):
        sizes = real(*args, **kwargs)
        seen["made"] = [p for p in media_files(app) if "poster" in p.name or "thumb" in p.name]
        seen["delete"] = client.delete(f"/api/v1/media/{asset_id}", headers=headers).status_code
        return sizes

    monkeypatch.setattr(deriv, "poster_and_thumbnail", poster_then_delete)
    assert jobs.make_derivatives(asset_id) == []
    assert len(seen["made"]) == 2 and seen["delete"] == 204
    assert media_files(app) == []  # no original, no poster, no thumbnail
    db.session.expire_all()
    asset = db.session.get(Asset, asset_id)
    assert asset.status == "deleted" and "poster" not in (asset.derivatives or {})
    for variant in ("original", "poster", "thumbnail"):
        assert client.get(f"/api/v1/media/{asset_id}/files/{variant}", headers=headers).status_code == 410, variant


def test_a_deleted_asset_derivative_answers_410_and_the_delete_removes_recorded_files(
    app, client, creator, api_headers, run_jobs, tmp_path
):
    from tests.media_support import media_files

    headers = api_headers(creator)
    asset_id = _upload(client, headers, mf.hd_720p(tmp_path))
    run_jobs()
    assert client.get(f"/api/v1/media/{asset_id}/files/poster", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/media/{asset_id}", headers=headers).status_code == 204
    assert media_files(app) == []
    for variant in ("original", "poster", "thumbnail"):
        assert client.get(f"/api/v1/media/{asset_id}/files/{variant}", headers=headers).status_code == 410, variant
