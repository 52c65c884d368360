"""The hub's Daftar Informasi Publik: recording published documents and finding them again."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from hub_website import ppid
from hub_website.models import DipEntry
from sqlalchemy import case, func, or_

from hub.sdk import Item, PermanentPublishError, db, utcnow


def record(item: Item, *, site_url: str | None) -> DipEntry:
    """Put (or refresh) ``item`` on the DIP. Refuses an excluded document, whatever called it."""
    info = ppid.info(item)
    if info.excluded or ppid.is_excluded(item):
        raise PermanentPublishError(
            "Dokumen berklasifikasi dikecualikan tidak pernah diterbitkan.",
            message_en="An excluded (dikecualikan) document is never published.",
        )
    asset = ppid.document_asset(item)
    entry = db.session.execute(db.select(DipEntry).filter_by(item_id=item.id)).scalar()
    if entry is None:
        entry = DipEntry(item_id=item.id)
        db.session.add(entry)
    entry.asset_id = asset.id if asset else None
    entry.title = item.title
    entry.summary = info.summary
    entry.info_class = info.info_class
    entry.unit = info.unit
    entry.year = info.year
    entry.retention = info.retention
    entry.responsible = info.responsible or info.unit
    entry.place = info.place
    entry.file_format = "PDF"
    if site_url and site_url.startswith(("https://", "http://")):
        entry.site_url = site_url
    entry.published_at = utcnow()
    entry.withdrawn_at = None
    db.session.flush()
    return entry


def withdraw(item: Item) -> DipEntry | None:
    entry = db.session.execute(db.select(DipEntry).filter_by(item_id=item.id)).scalar()
    if entry is not None and entry.withdrawn_at is None:
        entry.withdrawn_at = utcnow()
    return entry


def public_entry(entry_id: int) -> DipEntry | None:
    entry = db.session.get(DipEntry, entry_id)
    if entry is None or entry.withdrawn_at is not None or entry.info_class not in ppid.PUBLIC_CLASSES:
        return None
    return entry


@dataclass
class Filters:
    q: str = ""
    info_class: str = ""
    unit: str = ""
    year: int | None = None


def search_statement(filters: Filters | None = None):
    """The select of published entries matching the filters, ordered by class, unit, year (newest
    first) and title: the public page and the JSON API read the same list."""
    f = filters or Filters()
    query = db.select(DipEntry).where(DipEntry.withdrawn_at.is_(None), DipEntry.info_class.in_(ppid.PUBLIC_CLASSES))
    if f.q:
        words = [w for w in f.q.split() if w][:8]
        for word in words:
            like = f"%{word.replace('%', '').replace('_', '')}%"
            query = query.where(
                or_(DipEntry.title.ilike(like), DipEntry.summary.ilike(like), DipEntry.unit.ilike(like))
            )
    if f.info_class:
        query = query.where(DipEntry.info_class == ppid.normalise_class(f.info_class))
    if f.unit:
        query = query.where(DipEntry.unit == f.unit)
    if f.year:
        query = query.where(DipEntry.year == f.year)
    class_order = case({code: i for i, code in enumerate(ppid.PUBLIC_CLASSES)}, value=DipEntry.info_class, else_=99)
    return query.order_by(
        class_order,
        func.lower(DipEntry.unit),
        func.coalesce(DipEntry.year, 0).desc(),
        func.lower(DipEntry.title),
        DipEntry.id,
    )


def search(filters: Filters | None = None) -> list[DipEntry]:
    """Published entries matching the filters, in the order of :func:`search_statement`."""
    return list(db.session.execute(search_statement(filters)).scalars())


def grouped(entries: list[DipEntry]) -> OrderedDict[str, OrderedDict[str, list[DipEntry]]]:
    """class -> unit -> entries, in the order of :func:`search`."""
    groups: OrderedDict[str, OrderedDict[str, list[DipEntry]]] = OrderedDict()
    for entry in entries:
        groups.setdefault(entry.info_class, OrderedDict()).setdefault(entry.unit, []).append(entry)
    return groups


def facets() -> tuple[list[str], list[int]]:
    """The units and years present on the public list (for the filter form)."""
    rows = search()
    units = sorted({e.unit for e in rows}, key=str.casefold)
    years = sorted({e.year for e in rows if e.year}, reverse=True)
    return units, years
