"""Inline SVG charts drawn on the server: bar charts with axes, a scatter of points, a locator.

No chart library and no JavaScript: the page carries a few kilobytes of SVG that any phone
renders, and the numbers are also in a table beside each chart for screen readers. Every
label is escaped here; callers pass plain text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

STATUS_COLOURS = {
    "active": "#15803d",
    "degraded": "#b45309",
    "down": "#b91c1c",
    "decommissioned": "#6b7280",
}


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (an axis maximum)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return candidate
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def compact_number(value: float) -> str:
    """1234 → 1.2k, 5_600_000 → 5.6M: short tick labels that fit a phone."""
    value = float(value)
    for limit, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.1f}"


def bar_chart(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    title: str,
    width: int = 360,
    height: int = 170,
    label_every: int = 1,
    fmt: Callable[[float], str] = compact_number,
    highlight_last: bool = False,
) -> SafeString:
    """A responsive bar chart (``viewBox`` scaling) with a y axis of round ticks and x labels.

    ``label_every`` thins the x labels (every 5th day of 30); each bar carries a ``<title>``
    with its exact label and value, which phones show on a tap.
    """
    left, right, top, bottom = 36, 4, 8, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    step = nice_ceiling(max(values, default=0) / 3)
    ticks = max(math.ceil(max(values, default=0) / step), 1)
    top_value = step * ticks
    count = max(len(values), 1)
    slot = plot_w / count
    bar_w = max(slot * 0.75, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="11" font-family="inherit">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(ticks + 1):
        tick = step * i
        y = top + plot_h - plot_h * i / ticks
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d9dee5"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#5f6b7a">{escape(fmt(tick))}</text>'
        )
    for i, (value, label) in enumerate(zip(values, labels, strict=False)):
        bar_h = plot_h * (value / top_value) if top_value else 0
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - bar_h
        colour = "#c2410c" if highlight_last and i == count - 1 else "#0b6e4f"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if i % label_every == 0 or i == count - 1:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                f'fill="#5f6b7a">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#5f6b7a"/>'
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#5f6b7a"/></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def _bounds(coords: Sequence[tuple[float, float]], pad: float = 0.02):
    lats = [lat for lat, _ in coords]
    lons = [lon for _, lon in coords]
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    return south, north, west, east


def locator(
    lat: float, lon: float, *, reference: Sequence[tuple[float, float]] = (), title: str
) -> SafeString:
    """A small square with the point as a red dot among its neighbours (grey), so a visitor
    sees where in the district it is without loading a map."""
    dots = [(la, lo, "", "") for la, lo in reference]
    located = [(lat, lon)] + [(la, lo) for la, lo, *_ in dots]
    south, north, west, east = _bounds(located, pad=0.05)
    size = 160
    mid = math.cos(math.radians((south + north) / 2))
    span = max(north - south, (east - west) * mid, 1e-6)
    scale = (size - 12) / span

    def xy(a: float, o: float) -> tuple[float, float]:
        return 6 + (o - west) * mid * scale, 6 + (north - a) * scale

    parts = [
        f'<svg class="locator" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{size}" height="{size}" fill="#f8fafc" stroke="#d9dee5"/>'
    ]
    for a, o in reference:
        x, y = xy(a, o)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#cbd5e1"/>')
    x, y = xy(lat, lon)
    parts.append(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#b91c1c" stroke="#fff" '
        f'stroke-width="2"/></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def status_dots(
    points: Sequence[tuple[float, float, str]],
    *,
    title: str,
    reference: Sequence[tuple[float, float]] = (),
    size: int = 320,
) -> SafeString:
    """Many points (lat, lon, status) drawn compactly: one ``<path>`` per status whose
    zero-length segments render as round dots, about 10 bytes a point, so a province of a
    thousand points stays a few kilobytes. Reference dots (sub-district centres) are faint."""
    located = [(lat, lon) for lat, lon, _ in points] + list(reference)
    if not located:
        return mark_safe("")
    south, north, west, east = _bounds(located)
    mid = math.cos(math.radians((south + north) / 2))
    span = max(north - south, (east - west) * mid, 1e-6)
    scale = (size - 12) / span

    def xy(lat: float, lon: float) -> str:
        return f"M{6 + (lon - west) * mid * scale:.0f} {6 + (north - lat) * scale:.0f}h0"

    parts = [
        f'<svg class="chart scatter" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'stroke-linecap="round"><title>{escape(title)}</title>'
        f'<rect width="{size}" height="{size}" fill="#f8fafc" stroke="#d9dee5"/>'
    ]
    if reference:
        d = "".join(xy(lat, lon) for lat, lon in reference)
        parts.append(f'<path d="{d}" stroke="#cbd5e1" stroke-width="3"/>')
    # Healthy first, so problems are drawn on top and stay visible where dots overlap.
    for status in ("decommissioned", "active", "degraded", "down"):
        d = "".join(xy(lat, lon) for lat, lon, s in points if s == status)
        if d:
            parts.append(
                f'<path d="{d}" stroke="{STATUS_COLOURS[status]}" stroke-width="7" '
                f'stroke-opacity=".85"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - only numbers and escaped text
