"""Small trend charts as server-rendered SVG for the web view.

Plain SVG with presentation attributes only (``fill=``, ``stroke=``): no ``style``
attribute or element and no script, so the pages keep a strict Content-Security-Policy.
The ``viewBox`` lets a chart shrink to a phone's width; text stays readable because the
chart is drawn for a 360 px wide box.

X values are numbers: program weeks, or days as ``date.toordinal()`` (``x_is_date``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 360.0, 190.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 10.0, 12.0, 52.0
COLOURS = ("#1f5fa8", "#c0392b", "#2e7d32", "#6a1b9a")
MARKERS = ("circle", "square", "triangle", "circle")


@dataclass(frozen=True)
class Series:
    """One line (or bars) of a chart: ``points`` are (x, y) pairs in the chart's units."""

    label: str
    points: Sequence[tuple[float, float]]
    bars: bool = False
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded horizontal band from ``low`` to ``high`` (e.g. baseline +/- MDC95)."""

    label: str
    low: float
    high: float
    colour: str = "#2e7d32"


@dataclass(frozen=True)
class Chart:
    """What to draw: the series, optional bands, axis texts and an optional fixed y range."""

    title: str
    y_label: str
    series: Sequence[Series]
    bands: Sequence[Band] = field(default_factory=tuple)
    x_is_date: bool = False
    y_range: tuple[float, float] | None = None

    @property
    def empty(self) -> bool:
        """True when no series has a point."""
        return not any(s.points for s in self.series)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=10 * magnitude)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _x_ticks(low: float, high: float, is_date: bool, most: int = 5) -> list[float]:
    """Whole-number ticks (days or weeks) at most ``most`` of them, so that labels never overlap on a phone."""
    steps = (1, 2, 7, 14, 28, 56, 91, 182, 364) if is_date else (1, 2, 4, 5, 10, 20, 25, 50, 100)
    span = max(0.0, high - low)
    step = next((s for s in steps if span / s < most), steps[-1])
    first = math.ceil(low / step - 1e-9) * step if not is_date else low
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(float(value))
        value += step
    return ticks


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value - round(value)) > 1e-9 else f"{round(value):d}"


def _x_label(value: float, is_date: bool) -> str:
    return dt.date.fromordinal(int(round(value))).strftime("%d %b") if is_date else _fmt(value)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 4:.1f} {x - 3.6:.1f},{y + 2.6:.1f} {x + 3.6:.1f},{y + 2.6:.1f}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def render(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (an empty string when there is nothing to draw)."""
    if chart.empty:
        return ""
    xs = [x for s in chart.series for x, _ in s.points]
    ys = [y for s in chart.series for _, y in s.points] + [v for b in chart.bands for v in (b.low, b.high)]
    any_bars = any(s.bars for s in chart.series)
    if chart.y_range is not None:
        y_low, y_high = chart.y_range
    else:
        y_low, y_high = min(ys), max(ys)
        if any_bars:
            y_low = min(0.0, y_low)
        pad = (y_high - y_low) * 0.08 or 1.0
        y_low, y_high = y_low - (0 if any_bars and y_low == 0 else pad), y_high + pad
    y_ticks = _nice_ticks(y_low, y_high)
    y_low, y_high = min(y_low, y_ticks[0]), max(y_high, y_ticks[-1])
    x_low, x_high = min(xs), max(xs)
    x_pad = 0.5 if (any_bars or x_high == x_low) else 0.0
    x_low, x_high = x_low - x_pad, x_high + x_pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x_low) / ((x_high - x_low) or 1.0) * plot_w

    def py(y: float) -> float:
        return TOP + (1 - (y - y_low) / ((y_high - y_low) or 1.0)) * plot_h

    title = escape(chart.title)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{title}</title>"]  # fmt: skip
    for band in chart.bands:
        top, bottom = py(min(band.high, y_high)), py(max(band.low, y_low))
        parts.append(f'<rect x="{LEFT:.1f}" y="{top:.1f}" width="{plot_w:.1f}" height="{max(0.0, bottom - top):.1f}" fill="{band.colour}" fill-opacity="0.13"/>')
    for tick in y_ticks:
        y = py(tick)
        parts.append(f'<line x1="{LEFT:.1f}" x2="{WIDTH - RIGHT:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.8"/>')
        parts.append(f'<text x="{LEFT - 4:.1f}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" fill="#444">{_fmt(tick)}</text>')
    x_ticks = _x_ticks(min(xs), max(xs), chart.x_is_date)
    for tick in x_ticks:
        x = px(tick)
        anchor = "start" if x < LEFT + 14 else "end" if x > WIDTH - RIGHT - 14 else "middle"  # labels at the edges stay inside
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 13:.1f}" font-size="10" text-anchor="{anchor}" fill="#444">{_x_label(tick, chart.x_is_date)}</text>')
    parts.append(f'<line x1="{LEFT:.1f}" x2="{WIDTH - RIGHT:.1f}" y1="{TOP + plot_h:.1f}" y2="{TOP + plot_h:.1f}" stroke="#888" stroke-width="1"/>')
    parts.append(f'<text x="11" y="{TOP + plot_h / 2:.1f}" font-size="10" text-anchor="middle" fill="#444" transform="rotate(-90 11 {TOP + plot_h / 2:.1f})">{escape(chart.y_label)}</text>')
    bar_series = [s for s in chart.series if s.bars]
    bar_w = min(18.0, plot_w / max(1, len(set(xs))) * 0.7 / max(1, len(bar_series)))
    for index, series in enumerate(chart.series):
        colour, marker = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
        points = sorted(series.points)
        if series.bars:
            offset = (bar_series.index(series) - (len(bar_series) - 1) / 2) * bar_w
            base = py(max(0.0, y_low))
            for x, y in points:
                top = py(y)
                parts.append(f'<rect x="{px(x) + offset - bar_w / 2:.1f}" y="{min(top, base):.1f}" width="{bar_w:.1f}" height="{abs(base - top):.1f}" fill="{colour}"/>')
            continue
        if len(points) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
            dash = ' stroke-dasharray="4 3"' if series.dashed else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>')
        parts.extend(_marker(marker, px(x), py(y), colour) for x, y in points)
    # Legend below the axis, one entry a line: it never covers a point and never needs horizontal room.
    legend = [(COLOURS[i % len(COLOURS)], s.label, "bar" if s.bars else MARKERS[i % len(MARKERS)]) for i, s in enumerate(chart.series)]
    legend += [(b.colour, b.label, "band") for b in chart.bands]
    y = TOP + plot_h + 27
    x = LEFT
    for colour, label, kind in legend:
        width = 16 + 5.6 * len(label)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + 13
        if kind in ("bar", "band"):
            opacity = ' fill-opacity="0.3"' if kind == "band" else ""
            parts.append(f'<rect x="{x:.1f}" y="{y - 7:.1f}" width="10" height="8" fill="{colour}"{opacity}/>')
        else:
            parts.append(_marker(kind, x + 5, y - 3, colour))
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" font-size="10" fill="#222">{escape(label)}</text>')
        x += width + 8
    parts.append("</svg>")
    return "".join(parts)
