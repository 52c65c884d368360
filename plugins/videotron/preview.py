"""The item page's preview for the screens: the video, its screens and its display window."""

from __future__ import annotations

from hub_videotron.config import office_zone
from hub_videotron.declarations import public_need_exception, urgent
from hub_videotron.schedule import display_window
from hub_videotron.screens import channel_options, resolve_targets

from hub.sdk import Preview, PreviewPart


def _when(moment) -> str:
    return moment.astimezone(office_zone()).strftime("%d-%m-%Y %H:%M")


def screen_preview(item) -> Preview:
    videos = tuple(link.asset_id for link in item.assets if link.asset is not None and link.asset.kind == "video")
    targets = resolve_targets(channel_options(item))
    names = ", ".join(s.name for s in targets.screens)
    window = display_window(item)
    if window is None:
        when_id = "jendela tayang belum ditentukan (isi tanggal acara)"
        when_en = "no display window yet (set the event date)"
    else:
        span = f"{_when(window.start)} – {_when(window.end)}"
        when_id, when_en = f"tayang {span}", f"on screen {span}"
    screens_id = f"{len(targets.screens)} layar: {names}" if names else "belum ada layar tujuan"
    screens_en = f"{len(targets.screens)} screens: {names}" if names else "no target screen yet"
    part = PreviewPart(
        title=item.title,
        media=videos,
        note_id="Video diputar layar penuh, bergiliran dengan konten lain di daftar putar layar.",
        note_en="The video plays full screen, in turn with the other content of the screen's playlist.",
    )
    note_id, note_en = f"{screens_id} · {when_id}", f"{screens_en} · {when_en}"
    if urgent(item):
        note_id, note_en = f"{note_id} · serta-merta (diputar lebih dulu)", f"{note_en} · urgent (plays first)"
    if public_need_exception(item):
        note_id += " · pengecualian kebutuhan masyarakat"
        note_en += " · public-need exception"
    return Preview(parts=(part,), note_id=note_id, note_en=note_en)
