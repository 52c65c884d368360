"""PPID documents: items of kind ``ppid_document`` with their UU 14/2008 information class.

The document's PPID fields live in ``Item.extra["ppid"]``::

    {"class": "berkala", "unit": "Bidang Informasi Publik", "year": 2025,
     "summary": "…", "retention": "5 tahun",
     "responsible": "Sekretaris Dinas", "place": "Padang"}

``summary`` falls back to the item's body; ``responsible`` (who made or issued the
information) to the unit; ``place`` (where it was made) is optional. Together they are the
elements a DIP must have (Perki 1/2010 Pasal 13, kept by Perki 1/2021). The same keys are also read from the ``ppid``
channel's options (the item form's "channel options" JSON), for fields ``extra`` does not
set. The PDF is the item's asset with role ``document`` (else the first attached PDF).
A *dikecualikan* (excluded) document is never published anywhere: every channel's check
refuses it, and so does the publish hook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.sdk import Asset, Item

KIND = "ppid_document"

#: UU 14/2008 classes: code -> (Bahasa Indonesia, English)
CLASSES: dict[str, tuple[str, str]] = {
    "berkala": ("Informasi Berkala", "Periodic information"),
    "serta-merta": ("Informasi Serta Merta", "Immediate information"),
    "setiap-saat": ("Informasi Tersedia Setiap Saat", "Information available at any time"),
    "dikecualikan": ("Informasi Dikecualikan", "Excluded information"),
}
EXCLUDED = "dikecualikan"
#: the order classes are shown in on the DIP page and in the export
PUBLIC_CLASSES = ("berkala", "serta-merta", "setiap-saat")

_ALIASES = {
    "serta merta": "serta-merta",
    "sertamerta": "serta-merta",
    "setiap saat": "setiap-saat",
    "setiapsaat": "setiap-saat",
    "tersedia setiap saat": "setiap-saat",
    "dikecualikan": "dikecualikan",
}


def normalise_class(value: object) -> str:
    """``"Serta Merta"`` -> ``"serta-merta"``; unknown values come back cleaned, not mapped."""
    text = " ".join(str(value or "").strip().lower().replace("_", " ").replace("-", " ").split())
    return _ALIASES.get(text, text.replace(" ", "-"))


def class_label(code: str, lang: str = "id") -> str:
    labels = CLASSES.get(code)
    if labels is None:
        return code
    return labels[0] if lang == "id" else labels[1]


@dataclass(frozen=True)
class PpidInfo:
    info_class: str
    unit: str
    year: int | None
    summary: str
    retention: str
    #: penanggung jawab pembuatan/penerbitan informasi (else the unit)
    responsible: str = ""
    #: tempat pembuatan informasi
    place: str = ""

    @property
    def excluded(self) -> bool:
        return self.info_class == EXCLUDED


FIELDS = ("class", "unit", "year", "summary", "retention", "responsible", "place")


def _sources(item: Item) -> list[dict]:
    """Where PPID fields are given: ``extra["ppid"]`` first, then the ``ppid`` channel options."""
    extra = (item.extra or {}).get("ppid")
    target = item.target("ppid")
    options = (target.options if target else None) or {}
    return [extra if isinstance(extra, dict) else {}, options if isinstance(options, dict) else {}]


def info(item: Item) -> PpidInfo:
    data: dict = {}
    for source in reversed(_sources(item)):
        data.update({k: source[k] for k in FIELDS if source.get(k) not in (None, "")})
    try:
        year = int(data.get("year")) if data.get("year") not in (None, "") else None
    except (TypeError, ValueError):
        year = None
    return PpidInfo(
        info_class=normalise_class(data.get("class")),
        unit=str(data.get("unit") or "").strip(),
        year=year,
        summary=str(data.get("summary") or item.body or "").strip(),
        retention=str(data.get("retention") or "").strip(),
        responsible=str(data.get("responsible") or "").strip(),
        place=str(data.get("place") or "").strip(),
    )


def set_info(
    item: Item,
    *,
    info_class: str,
    unit: str,
    year: int | None,
    summary: str = "",
    retention: str = "",
    responsible: str = "",
    place: str = "",
) -> None:
    """Write the PPID fields into ``item.extra`` (a new dict, so the change is saved)."""
    extra = dict(item.extra or {})
    extra["ppid"] = {
        "class": normalise_class(info_class),
        "unit": unit.strip(),
        "year": year,
        "summary": summary.strip(),
        "retention": retention.strip(),
        "responsible": responsible.strip(),
        "place": place.strip(),
    }
    item.extra = extra


def is_excluded(item: Item) -> bool:
    """True when any place that gives the class says *dikecualikan*, whatever the item's kind (defence in depth)."""
    return any(normalise_class(source.get("class")) == EXCLUDED for source in _sources(item))


def document_asset(item: Item) -> Asset | None:
    """The document's PDF: the asset with role ``document``, else the first PDF attached."""
    docs = item.media("document")
    if docs:
        return docs[0]
    return next((a for a in item.media() if a.mime == "application/pdf" or a.kind == "document"), None)


def valid_year(year: int | None) -> bool:
    return year is not None and 1945 <= year <= dt.date.today().year + 1


def is_real_pdf(head: bytes, tail: bytes) -> bool:
    """A PDF starts with ``%PDF-`` and ends with ``%%EOF`` (within its last KB): checked by content."""
    return head.startswith(b"%PDF-") and b"%%EOF" in tail
