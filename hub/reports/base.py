"""The report framework: periods, sections with tables and charts, and the report registry.

A report is a :class:`Report` whose ``build(period, user)`` returns a
:class:`ReportResult`: titled sections, each a table (columns and rows) with an
optional bar chart. The page, the SVG charts and the PDF/XLSX exports are built
from that one result, so every report (the core's and the plugins') gets them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from hub.exceptions import HubError

EXT_KEY = "hub.reports"


class ReportError(HubError):
    """A report was asked for in a way that cannot work (unknown code, bad period)."""


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` .. ``end`` (both inclusive) in the office's time zone."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ReportError("Tanggal akhir sebelum tanggal awal / The end date is before the start date")

    @property
    def label(self) -> str:
        """``1 Nov 2026 – 30 Nov 2026`` in the reader's language."""
        from hub.dates import format_day

        return f"{format_day(self.start)} – {format_day(self.end)}"

    def bounds(self, tz: str | None = None) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware UTC datetimes."""
        zone = ZoneInfo(tz or current_app.config["TIMEZONE"])
        start = dt.datetime.combine(self.start, dt.time(), zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @classmethod
    def containing(cls, day: dt.date, kind: str) -> Period:
        """The month, quarter, half-year or year (``kind``) that contains ``day``."""
        if kind == "year":
            return cls(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
        if kind == "month":
            first = day.replace(day=1)
            months = 1
        elif kind == "half":
            first = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
            months = 6
        else:
            first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            months = 3
        year, month = divmod(first.month - 1 + months, 12)
        nxt = dt.date(first.year + year, month + 1, 1)
        return cls(first, nxt - dt.timedelta(days=1))


@dataclass
class Chart:
    """A bar chart: one bar group per label, one bar per series (name, values)."""

    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str = ""


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list]
    chart: Chart | None = None
    note: str = ""


@dataclass
class ReportResult:
    sections: list[Section] = field(default_factory=list)
    #: headline figures shown above the sections: (label, value)
    summary: list[tuple[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    code: str
    title_id: str
    title_en: str
    build: Callable[[Period, object], ReportResult]
    permission: str = "report.view"
    #: the default period: "month", "quarter", "half" or "year"
    period: str = "quarter"
    description_id: str = ""
    description_en: str = ""

    def title(self, lang: str = "id") -> str:
        return self.title_id if lang == "id" else self.title_en

    def description(self, lang: str = "id") -> str:
        return self.description_id if lang == "id" else self.description_en


def init_registry(app: Flask) -> dict[str, Report]:
    from hub.plugins import plugins
    from hub.reports.builtin import CORE_REPORTS

    registry: dict[str, Report] = {}
    for report in [*CORE_REPORTS, *(r for result in plugins(app).hook.register_reports() for r in result or [])]:
        if report.code in registry:
            raise ReportError(f"report code {report.code!r} is declared twice; choose another code")
        registry[report.code] = report
    app.extensions[EXT_KEY] = registry
    return registry


def reports(app: Flask | None = None) -> dict[str, Report]:
    return (app or current_app).extensions[EXT_KEY]


def run(report: Report, period: Period, user) -> ReportResult:
    """Build ``report`` and append the sections plugins contribute to it."""
    from hub.plugins import plugins

    result = report.build(period, user)
    for extra in plugins().hook.report_sections(report=report.code, period=period, user=user):
        result.sections.extend(extra or [])
    return result
