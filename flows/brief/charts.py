"""Charts as inline SVG: drawn here, with nothing to load, so the brief works offline.

Two shapes cover what the brief shows: horizontal bars (figures with a label,
each bar a link to its evidence) and columns over time (coverage per month).
Every label is escaped; every chart carries a title for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.html_page import esc

# One colour per powertrain scope, the rest grey.
COLOURS = {
    "bev": "#1f77b4",
    "phev": "#17becf",
    "erev": "#9467bd",
    "nev": "#2ca02c",
    "hybrid": "#bcbd22",
    "ice": "#8c564b",
    "all": "#4a5568",
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour_key: str = "all"
    link: str | None = None  # an anchor on the page: the bar's evidence


def number(value: float) -> str:
    """A figure as news writes it: 537,000; 28.5; 1.2 million stays 1,200,000."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def bar_chart(title: str, bars: list[Bar], unit: str = "") -> str:
    """Horizontal bars, longest first, each labelled with its value."""
    if not bars:
        return ""
    width, label_width, row = 760, 300, 22
    height = row * len(bars) + 28
    top = max(bar.value for bar in bars) or 1
    rows = []
    for index, bar in enumerate(bars):
        y = 20 + index * row
        length = max(1.0, (width - label_width - 110) * bar.value / top)
        colour = COLOURS.get(bar.colour_key, "#718096")
        shape = (
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{row - 6}" '
            f'fill="{colour}"><title>{esc(bar.label)}: {esc(number(bar.value))}{esc(unit)}</title></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + row - 10}" class="v">'
            f"{esc(number(bar.value))}{esc(unit)}</text>"
        )
        if bar.link:
            shape = f'<a href="#{esc(bar.link)}">{shape}</a>'
        rows.append(
            f'<text x="{label_width - 8}" y="{y + row - 10}" text-anchor="end" class="l">'
            f"{esc(_clip(bar.label, 46))}</text>{shape}"
        )
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
        f'<text x="0" y="12" class="t">{esc(title)}</text>{"".join(rows)}</svg>'
    )


def column_chart(title: str, columns: list[tuple[str, float]]) -> str:
    """Columns over time (months), labelled below and valued above."""
    if not columns:
        return ""
    step = max(18, min(48, 720 // len(columns)))
    width, height, base = step * len(columns) + 40, 190, 150
    top = max(value for _label, value in columns) or 1
    shapes = []
    for index, (label, value) in enumerate(columns):
        x = 20 + index * step
        tall = 120 * value / top
        shapes.append(
            f'<rect x="{x}" y="{base - tall:.1f}" width="{step - 4}" height="{tall:.1f}" fill="#4a5568">'
            f"<title>{esc(label)}: {esc(number(value))}</title></rect>"
            f'<text x="{x + (step - 4) / 2:.1f}" y="{base - tall - 3:.1f}" text-anchor="middle" class="v">'
            f"{esc(number(value))}</text>"
            f'<text x="{x + (step - 4) / 2:.1f}" y="{base + 14}" text-anchor="middle" class="l" '
            f'transform="rotate(35 {x + (step - 4) / 2:.1f} {base + 14})">{esc(label)}</text>'
        )
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
        f'<text x="0" y="12" class="t">{esc(title)}</text>{"".join(shapes)}</svg>'
    )


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


CHART_STYLE = """
svg.chart{display:block;margin:8px 0 16px;max-width:100%;height:auto}
svg.chart .t{font:600 13px system-ui,sans-serif;fill:#1d2330}
svg.chart .l{font:12px system-ui,sans-serif;fill:#3c4454}
svg.chart .v{font:11px system-ui,sans-serif;fill:#1d2330}
svg.chart a:hover rect{opacity:.75}
"""
