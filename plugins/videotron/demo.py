"""Demo data: the nine screens of Diskominfotik Sumatera Barat named in SOP 000, and their groups.

Coordinates are approximate (the SOP names places, not points) and the pixel size assumes a
P5 panel on the SOP's 6 m × 4 m face: correct both in each screen's form. Loading twice adds
nothing.
"""

from __future__ import annotations

from hub_videotron.models import Screen, ScreenGroup

from hub.sdk import db

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
