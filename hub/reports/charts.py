"""Server-rendered SVG bar charts (no JavaScript, no CDN): horizontal bars, one group per label."""

from __future__ import annotations

from markupsafe import Markup, escape

from hub.reports.base import Chart

COLOURS = ("#0b5cad", "#e07b00", "#1e7b34", "#b3261e", "#6b4fbb", "#5b6575")
ROW = 18  # height of one bar
GAP = 10  # space between groups
LABEL_W = 190
BAR_W = 360


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart_svg(chart: Chart, title: str = "") -> Markup:
    """The chart as an inline ``<svg>`` that scales to its container."""
    n_series = max(len(chart.series), 1)
    group_h = n_series * ROW + GAP
    legend_h = 22 if len(chart.series) > 1 else 0
    height = legend_h + max(len(chart.labels), 1) * group_h + 6
    width = LABEL_W + BAR_W + 70
    top = max((v for _name, values in chart.series for v in values), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">'
    ]
    if legend_h:
        x = LABEL_W
        for i, (name, _values) in enumerate(chart.series):
            parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>')
            parts.append(f'<text x="{x + 16}" y="14">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    for row, label in enumerate(chart.labels):
        y0 = legend_h + row * group_h
        text = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y0 + n_series * ROW / 2 + 4}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(text)}</text>"
        )
        for i, (name, values) in enumerate(chart.series):
            value = values[row] if row < len(values) else 0
            w = BAR_W * (value / top) if value > 0 else 0
            y = y0 + i * ROW
            parts.append(
                f'<rect class="bar" x="{LABEL_W}" y="{y + 2}" width="{w:.1f}" height="{ROW - 4}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(name)}: {_fmt(value)}</title></rect>'
            )
            parts.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{y + ROW - 5}">{_fmt(value)}{escape(chart.unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
