"""Demo data: the nine screens of Diskominfotik Sumatera Barat named in SOP 000, their groups,
and a few items of SOP 000 in different states.

Coordinates are approximate (the SOP names places, not points) and the pixel size assumes a
P5 panel on the SOP's 6 m × 4 m face: correct both in each screen's form. Loading twice adds
nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hub_videotron.config import now, office_zone
from hub_videotron.models import Screen, ScreenGroup

from hub.sdk import ItemAsset, db

#: code, name, location, city/regency, latitude, longitude, groups
SUMBAR_SCREENS = [
    ("padang-lamun-ombak", "Perempatan RM Lamun Ombak", "Perempatan depan Rumah Makan Lamun Ombak",
     "Kota Padang", -0.9045, 100.3515, ("kota-padang",)),
    ("padang-bappeda", "Kantor Bappeda Sumbar", "Depan Kantor Bappeda Provinsi Sumatera Barat",
     "Kota Padang", -0.9118, 100.3558, ("kota-padang",)),
    ("padang-istana-gubernur", "Istana Gubernur Sumbar", "Depan Istana Gubernur Sumatera Barat",
     "Kota Padang", -0.9449, 100.3617, ("kota-padang",)),
    ("padang-kantor-gubernur", "Gerbang Kantor Gubernur", "Gerbang masuk Kantor Gubernur Sumatera Barat",
     "Kota Padang", -0.9361, 100.3600, ("kota-padang",)),
    ("solok-pandan", "Perempatan Pandan", "Perempatan Pandan", "Kota Solok", -0.7956, 100.6543, ("solok",)),
    ("solok-alahan-panjang", "Bank Nagari Alahan Panjang", "Depan Bank Nagari Cabang Alahan Panjang",
     "Kabupaten Solok", -1.0787, 100.7525, ("solok",)),
    ("sawahlunto-lapangan-segitiga", "Lapangan Segitiga", "Lapangan Segitiga", "Kota Sawahlunto",
     -0.6825, 100.7781, ("sawahlunto",)),
    ("sawahlunto-talawi-m-yamin", "Makam M. Yamin, Talawi", "Halaman Makam Pahlawan Nasional M. Yamin, Talawi",
     "Kota Sawahlunto", -0.6137, 100.7618, ("sawahlunto",)),
    ("pasaman-lubuk-sikaping", "Dinas PU Lubuk Sikaping", "Halaman Dinas Pekerjaan Umum, Lubuk Sikaping",
     "Kabupaten Pasaman", 0.1396, 100.1667, ("pasaman",)),
]  # fmt: skip

SUMBAR_GROUPS = [
    ("semua", "Semua layar Sumbar", "Sembilan layar Diskominfotik Sumatera Barat"),
    ("kota-padang", "Kota Padang", "Empat layar di Kota Padang"),
    ("solok", "Solok (kota dan kabupaten)", "Perempatan Pandan dan Alahan Panjang"),
    ("sawahlunto", "Kota Sawahlunto", "Lapangan Segitiga dan Talawi"),
    ("pasaman", "Kabupaten Pasaman", "Lubuk Sikaping"),
]


def load_screens() -> int:
    """Add the missing demo groups and screens; returns how many screens were added."""
    groups = {g.code: g for g in db.session.scalars(db.select(ScreenGroup))}
    for code, name, description in SUMBAR_GROUPS:
        if code not in groups:
            groups[code] = ScreenGroup(code=code, name=name, description=description)
            db.session.add(groups[code])
    existing = set(db.session.scalars(db.select(Screen.code)))
    added = 0
    for code, name, location, city, lat, lng, group_codes in SUMBAR_SCREENS:
        if code in existing:
            continue
        screen = Screen(
            code=code,
            name=name,
            location=location,
            city=city,
            latitude=lat,
            longitude=lng,
            width_px=1200,
            height_px=800,
            width_m=6.0,
            height_m=4.0,
            orientation="landscape",
            timezone="Asia/Jakarta",
        )
        screen.groups = [groups["semua"], *(groups[c] for c in group_codes)]
        db.session.add(screen)
        added += 1
    db.session.flush()
    return added


#: demo items of SOP 000 flow B, made by the demo creator and taken through the real chain:
#: (title, how far it goes). The core makes the first one waiting a week old, so it shows
#: overdue (hub.demo); the published one plays on the Padang screens this week.
DEMO_ITEMS = [
    ("Sosialisasi Samsat Keliling", "waiting"),
    ("Festival Tabuik Pariaman", "waiting"),
    ("Hari Jadi Provinsi Sumatera Barat", "published"),
    ("Pekan Imunisasi Nasional", "returned"),
]
DEMO_CREATOR = "kreator"


def load_demo_items(video: Path | None = None) -> list[str]:
    """Make the demo items that do not exist yet; returns their titles.

    A one-minute 720p video is generated with ffmpeg (a few seconds) and checked like an
    upload; each item is created, submitted and decided by the demo accounts holding each
    step's role, through the same engine calls as the pages.
    """
    from hub.sdk import Item, User, create_item, ingest_local_file, submit_item

    creator = db.session.scalar(db.select(User).where(User.username == DEMO_CREATOR))
    if creator is None:
        return []
    existing = set(db.session.scalars(db.select(Item.title).where(Item.created_by_id == creator.id)))
    todo = [(title, goal) for title, goal in DEMO_ITEMS if title not in existing]
    if not todo:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        path = video or _demo_video(Path(tmp) / "demo-videotron.mp4")
        asset = ingest_local_file(path, creator, name="demo-videotron.mp4", source="demo")
    today = now().astimezone(office_zone()).date()
    made = []
    for title, goal in todo:
        item = create_item(
            creator,
            {
                "title": title,
                "kind": "video",
                "body": f"Konten demo: {title}.",
                "event_date": (today + dt.timedelta(days=3)).isoformat(),
                "extra": {"difficulty": "simple"},
                "channels": [{"channel": "videotron", "options": {"screen_groups": ["kota-padang"]}}],
            },
        )
        item.assets.append(ItemAsset(item_id=item.id, asset_id=asset.id, role="main", position=0))
        db.session.commit()
        submit_item(item.id, creator)
        _advance(item.id, creator, goal)
        made.append(title)
    return made


def _advance(item_id: int, creator, goal: str) -> None:
    """Decide the item's steps as the demo accounts would, up to ``goal``."""
    from hub.sdk import Item, User, current_step, decide_item, may_decide

    if goal == "returned":
        verifier = db.session.scalar(db.select(User).where(User.username == "verifikator"))
        decide_item(
            item_id,
            verifier,
            "return",
            return_to="creator",
            comment="Teks pada detik ke-40 terlalu kecil untuk dibaca dari jalan; perbesar lalu ajukan lagi.",
        )
        return
    if goal != "published":
        return
    checklist = _checklist_codes()
    people = db.session.scalars(db.select(User).where(User.email.like("%@demo.invalid"), User.id != creator.id)).all()
    for _ in range(10):  # at most the chain's length; the publish step is the worker's
        db.session.expire_all()
        item = db.session.get(Item, item_id)
        step = current_step(item)
        if step is None or step.kind == "publish":
            return
        decider = next((p for p in people if may_decide(p, item)), None)
        if decider is None:
            return
        decide_item(item_id, decider, "approve", checklist=checklist)


def _checklist_codes() -> list[str]:
    """The SOP checklist of the in-house workflow this plugin ships (all confirmed by the demo)."""
    import yaml

    text = (Path(__file__).parent / "workflows" / "000b_videotron_inhouse.yaml").read_text()
    return [entry["code"] for entry in yaml.safe_load(text).get("checklist", [])]


def _demo_video(path: Path) -> Path:
    """A 60 s, 1280×720 test video (colour bars, a tone), made with ffmpeg in a few seconds."""
    import subprocess

    import imageio_ffmpeg  # moviepy's own ffmpeg, installed with it

    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=10", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-movflags", "+faststart", str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    return path
