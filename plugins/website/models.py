"""The hub's own Daftar Informasi Publik: one row per published PPID document.

A row is written when a ``ppid`` publication succeeds (a snapshot of the document's
title, summary, class, unit, year, retention, responsible and place at that moment) and withdrawn when it
is unpublished. The public page ``/ppid/dip`` and the XLSX export read only these rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.sdk import Asset, Base, Item, UTCDateTime, utcnow


class DipEntry(Base):
    __tablename__ = "website_dip_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), unique=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: UU 14/2008 class code (hub_website.ppid.CLASSES); never "dikecualikan"
    info_class: Mapped[str] = mapped_column(String(20), index=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    retention: Mapped[str] = mapped_column(String(100), default="")
    #: penanggung jawab pembuatan/penerbitan (the unit when not given) and tempat pembuatan
    responsible: Mapped[str] = mapped_column(String(200), default="", server_default="")
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    file_format: Mapped[str] = mapped_column(String(20), default="PDF")
    #: the post on the PPID WordPress site, when there is one
    site_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when unpublished: the row stays for the record but leaves the public list
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    item: Mapped[Item] = relationship()
    asset: Mapped[Asset | None] = relationship()
