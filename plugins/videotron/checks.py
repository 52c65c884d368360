"""The videotron rules of SOP 000, checked at submission and before final approval.

The main asset must be a landscape video of at least 720p lasting one minute (± the
``duration_tolerance`` setting); the display window must fit H-7..H+1 around the event date
unless the approver marked a public-need exception; at least one screen must be chosen.
Each problem names the field and the rule, and says in both languages what to change.
"""

from __future__ import annotations

from hub_videotron.config import now, setting
from hub_videotron.declarations import public_need_exception
from hub_videotron.schedule import default_window, display_window, parse_dayparts
from hub_videotron.screens import CHANNEL, channel_options, resolve_targets

from hub.sdk import Asset, AssetStatus, Item, Problem


def _p(field: str, rule: str, msg_id: str, msg_en: str, severity: str = "error") -> Problem:
    return Problem(CHANNEL, field, rule, msg_id, msg_en, severity)


def check_item(item: Item, phase: str) -> list[Problem]:
    return [*check_video(item), *check_window(item, phase), *check_screens(item)]


def main_video(item: Item) -> Asset | None:
    """The item's main asset (role "main"), or its first video when no asset is marked main."""
    main = item.media("main")
    if main:
        return main[0]
    return next((a for a in item.media() if a.kind == "video"), None)


def check_video(item: Item) -> list[Problem]:
    asset = main_video(item)
    if asset is None or asset.kind != "video":
        return [
            _p(
                "media",
                "videotron.video_required",
                "Videotron menayangkan video: lampirkan satu video sebagai media utama.",
                "The videotron shows videos: attach one video as the main media.",
            )
        ]
    if asset.status in (AssetStatus.RECEIVING.value, AssetStatus.PROBING.value):
        return [
            _p(
                "media",
                "videotron.media_not_ready",
                "Video masih diunggah atau diperiksa; tunggu sampai selesai, lalu ajukan lagi.",
                "The video is still uploading or being checked; wait until it is done, then submit again.",
            )
        ]
    if asset.status != AssetStatus.READY.value:
        return [
            _p(
                "media",
                "videotron.media_rejected",
                f"Video tidak bisa dipakai ({asset.error or asset.status}); unggah video lain.",
                f"The video cannot be used ({asset.error or asset.status}); upload another one.",
            )
        ]
    problems = []
    width, height = asset.width or 0, asset.height or 0
    orientation = asset.orientation or ("landscape" if width > height else "portrait" if height > width else "square")
    if orientation != "landscape":
        problems.append(
            _p(
                "media",
                "videotron.landscape",
                f"Video harus lanskap (mendatar) untuk layar 6 m × 4 m; video ini {width}×{height} tampil "
                "tegak/persegi. Ekspor ulang dalam format lanskap, mis. 1920×1080.",
                f"The video must be landscape for the 6 m × 4 m screens; this one is {width}×{height} and shows "
                "portrait/square. Export it again in landscape, e.g. 1920×1080.",
            )
        )
    minimum = int(setting("min_height"))
    if min(width, height) < minimum:
        problems.append(
            _p(
                "media",
                "videotron.min_resolution",
                f"Resolusi video {width}×{height} terlalu rendah; minimal {minimum}p (mis. 1280×720). "
                "Ekspor ulang dalam resolusi lebih tinggi.",
                f"The video resolution {width}×{height} is too low; at least {minimum}p (e.g. 1280×720) is "
                "needed. Export it again at a higher resolution.",
            )
        )
    target, tolerance = int(setting("duration_seconds")), float(setting("duration_tolerance"))
    duration = asset.duration or 0.0
    if abs(duration - target) > tolerance:
        problems.append(
            _p(
                "media",
                "videotron.duration",
                f"Durasi video {duration:.1f} detik; harus {target} detik (±{tolerance:g}). "
                "Potong atau perpanjang videonya.",
                f"The video lasts {duration:.1f} seconds; it must last {target} seconds (±{tolerance:g}). "
                "Trim or extend it.",
            )
        )
    return problems


def check_window(item: Item, phase: str) -> list[Problem]:
    window = display_window(item)
    if window is None:
        return [
            _p(
                "event_date",
                "videotron.event_date_required",
                "Isi tanggal acara: video tayang H-7 sampai H+1 dari tanggal itu.",
                "Fill in the event date: the video is shown from 7 days before to 1 day after it.",
            )
        ]
    if window.end <= window.start:
        return [
            _p(
                "window_end",
                "videotron.window_order",
                "Akhir masa tayang harus setelah awalnya.",
                "The end of the display window must be after its start.",
            )
        ]
    problems = []
    if window.end <= now():
        problems.append(
            _p(
                "event_date",
                "videotron.window_past",
                "Masa tayang sudah lewat; periksa tanggal acara atau masa tayang.",
                "The display window has already ended; check the event date or the window.",
            )
        )
    before, after = int(setting("days_before")), int(setting("days_after"))
    allowed = default_window(item.event_date) if item.event_date else None
    too_long = allowed is None or window.start < allowed.start or window.end > allowed.end
    if too_long and not public_need_exception(item):
        problems.append(
            _p(
                "window_end",
                "videotron.window_too_long",
                f"Masa tayang melebihi H-{before} sampai H+{after} dari tanggal acara. Persingkat masa tayang, "
                "atau minta penyetuju menandai konten ini sebagai kebutuhan masyarakat (pengecualian SOP) di "
                f"/videotron/items/{item.id}.",
                f"The display window is longer than {before} days before to {after} day(s) after the event. "
                "Shorten it, or ask the approver to mark the item as a public-need exception (allowed by the SOP) "
                f"at /videotron/items/{item.id}.",
                # the creator cannot set the exception: at submission this warns, the approver decides
                severity="warning" if phase == "submit" else "error",
            )
        )
    return problems


def check_screens(item: Item) -> list[Problem]:
    options = channel_options(item)
    problems = []
    try:
        parse_dayparts(options.get("dayparts"))
    except ValueError:
        problems.append(
            _p(
                "videotron.dayparts",
                "videotron.daypart_format",
                'Jam tayang tidak valid; tulis seperti [{"start": "06:00", "end": "22:00"}].',
                'The showing hours are not valid; write them as [{"start": "06:00", "end": "22:00"}].',
            )
        )
    targets = resolve_targets(options)
    unknown = targets.unknown_screens + targets.unknown_groups
    if unknown:
        names = ", ".join(unknown)
        problems.append(
            _p(
                "videotron.screens",
                "videotron.unknown_screen",
                f"Layar atau grup layar tidak dikenal: {names}. Pilih dari daftar layar.",
                f"Unknown screen or screen group: {names}. Choose from the list of screens.",
            )
        )
    if targets.inactive:
        names = ", ".join(s.name for s in targets.inactive)
        problems.append(
            _p(
                "videotron.screens",
                "videotron.screen_inactive",
                f"Layar ini sedang nonaktif dan tidak akan menayangkan: {names}.",
                f"These screens are inactive and will not show it: {names}.",
                severity="warning",
            )
        )
    if not targets.screens and not unknown:
        problems.append(
            _p(
                "videotron.screens",
                "videotron.screens_required",
                "Pilih minimal satu layar atau grup layar tujuan.",
                "Choose at least one target screen or screen group.",
            )
        )
    return problems
