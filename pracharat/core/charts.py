"""Inline SVG charts drawn on the server, for every pillar: bars, lines, and points on a map.

No chart library and no JavaScript: a page carries a few kilobytes of SVG that any phone
renders. Each chart is an ``<svg role="img">`` whose ``aria-label`` and ``<title>`` name it
for screen readers, and every bar or point has its own ``<title>`` with the exact label and
value (phones show it on a tap); pages also show the numbers in a table. Callers pass labels
in the page's language (``core.i18n.month_label``, ``day_tick``) and plain text: everything is
escaped here. Colours and sizes are classes styled by ``core/site.css`` (the CSP allows no
inline style): ``bar``, ``bar last``, ``line s0``..``s3``, ``grid``, ``axis``, ``dots <name>``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

Format = Callable[[float], str]

#: Series classes a line chart cycles through (``.chart .s0`` … in core/site.css).
SERIES_CLASSES = ("s0", "s1", "s2", "s3")


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


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart with a y axis of round ticks and a row (or two) of x labels."""

    width: int
    height: int
    count: int
    top_value: float
    ticks: int
    step: float
    label_rows: int = 1
    left: int = 36
    right: int = 4
    top: int = 12  # room for the top tick's label

    @classmethod
    def fit(cls, values: Sequence[float], count: int, width: int, height: int, label_rows=1):
        highest = max(values, default=0)
        step = nice_ceiling(highest / 3)
        ticks = max(math.ceil(highest / step), 1)
        return cls(width, height, max(count, 1), step * ticks, ticks, step, label_rows)

    @property
    def bottom(self) -> int:
        return 12 + 12 * self.label_rows

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def slot(self) -> float:
        return self.plot_w / self.count

    def y(self, value: float) -> float:
        return self.top + self.plot_h - self.plot_h * value / self.top_value

    def centre(self, i: int) -> float:
        return self.left + i * self.slot + self.slot / 2

    def open(self, title: str, css: str = "chart") -> list[str]:
        title = escape(title)
        return [
            f'<svg class="{css}" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        ]

    def y_axis(self, fmt: Format) -> list[str]:
        parts = []
        for i in range(self.ticks + 1):
            y = self.y(self.step * i)
            parts.append(
                f'<line class="grid" x1="{self.left}" x2="{self.width - self.right}" '
                f'y1="{y:.1f}" y2="{y:.1f}"/><text x="{self.left - 4}" y="{y + 4:.1f}" '
                f'text-anchor="end">{escape(fmt(self.step * i))}</text>'
            )
        return parts

    def x_labels(
        self, labels: Sequence[str], sublabels: Sequence[str] | None, every: int
    ) -> list[str]:
        parts = []
        base = self.top + self.plot_h
        last = len(labels) - 1
        for i, label in enumerate(labels):
            x = self.centre(i)
            if i % every == 0 or i == last:
                parts.append(
                    f'<text x="{x:.1f}" y="{base + 14}" text-anchor="middle">{escape(label)}</text>'
                )
            if sublabels and sublabels[i]:
                parts.append(
                    f'<text x="{x:.1f}" y="{base + 26}" text-anchor="middle">'
                    f"{escape(sublabels[i])}</text>"
                )
        return parts

    def close(self) -> list[str]:
        base = self.top + self.plot_h
        return [
            f'<line class="axis" x1="{self.left}" x2="{self.left}" y1="{self.top}" '
            f'y2="{base}"/><line class="axis" x1="{self.left}" x2="{self.width - self.right}" '
            f'y1="{base}" y2="{base}"/></svg>'
        ]


def bar_chart(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    title: str,
    tips: Sequence[str] | None = None,
    sublabels: Sequence[str] | None = None,
    width: int = 360,
    height: int = 170,
    label_every: int = 1,
    fmt: Format = compact_number,
    tip_fmt: Format | None = None,
    highlight_last: bool = False,
) -> SafeString:
    """A responsive bar chart (``viewBox`` scaling) with a y axis of round ticks.

    ``labels`` go under the bars (``label_every`` thins them: every 5th day of 30);
    ``sublabels`` are a second row (the year under January); ``tips`` name each bar in its
    ``<title>`` (default: its label) with its value in ``tip_fmt`` (default: ``fmt``)."""
    frame = _Frame.fit(values, len(values), width, height, 2 if sublabels else 1)
    tip_fmt = tip_fmt or fmt
    tips = tips or labels
    bar_w = max(frame.slot * 0.75, 1)
    parts = frame.open(title) + frame.y_axis(fmt)
    last = len(values) - 1
    for i, value in enumerate(values):
        y = frame.y(value)
        css = "bar last" if highlight_last and i == last else "bar"
        parts.append(
            f'<rect class="{css}" x="{frame.centre(i) - bar_w / 2:.1f}" y="{y:.1f}" '
            f'width="{bar_w:.1f}" height="{frame.top + frame.plot_h - y:.1f}">'
            f"<title>{escape(tips[i])}: {escape(tip_fmt(value))}</title></rect>"
        )
    parts += frame.x_labels(labels, sublabels, label_every)
    return mark_safe("".join(parts + frame.close()))  # noqa: S308 - every text is escaped


def line_chart(
    series: Sequence[tuple[str, Sequence[float]]],
    labels: Sequence[str],
    *,
    title: str,
    width: int = 360,
    height: int = 170,
    label_every: int = 1,
    fmt: Format = compact_number,
) -> SafeString:
    """One line per ``(name, values)`` series over the same x labels, on one y axis. With
    more than one series a legend names them (in the class's colour); each point has a
    ``<title>`` "series · label: value"."""
    everything = [v for _, values in series for v in values]
    frame = _Frame.fit(everything, len(labels), width, height)
    parts = frame.open(title) + frame.y_axis(fmt)
    for n, (name, values) in enumerate(series):
        css = SERIES_CLASSES[n % len(SERIES_CLASSES)]
        points = " ".join(f"{frame.centre(i):.1f},{frame.y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline class="line {css}" points="{points}"/>')
        prefix = f"{escape(name)} · " if len(series) > 1 else ""
        for i, value in enumerate(values):
            parts.append(
                f'<circle class="point {css}" cx="{frame.centre(i):.1f}" '
                f'cy="{frame.y(value):.1f}" r="2.5"><title>{prefix}{escape(labels[i])}: '
                f"{escape(fmt(value))}</title></circle>"
            )
        if len(series) > 1:
            x = frame.left + 8 + n * (frame.plot_w / len(series))
            parts.append(
                f'<line class="line {css}" x1="{x:.1f}" x2="{x + 12:.1f}" y1="{frame.top + 4}" '
                f'y2="{frame.top + 4}"/><text x="{x + 16:.1f}" y="{frame.top + 8}">'
                f"{escape(name)}</text>"
            )
    parts += frame.x_labels(labels, None, label_every)
    return mark_safe("".join(parts + frame.close()))  # noqa: S308 - every text is escaped


# -- points on a map (no tiles: a few kilobytes that show where things are) -----------------


class _Projection:
    """Latitude/longitude into a square of ``size`` pixels, longitudes shrunk by the cosine of
    the middle latitude so distances look right."""

    def __init__(self, located: Sequence[tuple[float, float]], size: int, pad: float):
        lats = [lat for lat, _ in located]
        lons = [lon for _, lon in located]
        self.north, south = max(lats) + pad, min(lats) - pad
        self.west, east = min(lons) - pad, max(lons) + pad
        self.mid = math.cos(math.radians((south + self.north) / 2))
        span = max(self.north - south, (east - self.west) * self.mid, 1e-6)
        self.scale = (size - 12) / span

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return 6 + (lon - self.west) * self.mid * self.scale, 6 + (self.north - lat) * self.scale


def locator(
    lat: float, lon: float, *, reference: Sequence[tuple[float, float]] = (), title: str
) -> SafeString:
    """A small square with the place as a dot among its neighbours (faint), so a visitor
    sees where in the district it is without loading a map."""
    size = 160
    xy = _Projection([(lat, lon), *reference], size, pad=0.05)
    title = escape(title)
    parts = [
        f'<svg class="locator" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{title}</title><rect class="frame" width="{size}" height="{size}"/>'
    ]
    for a, o in reference:
        x, y = xy(a, o)
        parts.append(f'<circle class="ref" cx="{x:.1f}" cy="{y:.1f}" r="2"/>')
    x, y = xy(lat, lon)
    parts.append(f'<circle class="here" cx="{x:.1f}" cy="{y:.1f}" r="6"/></svg>')
    return mark_safe("".join(parts))  # noqa: S308 - only numbers and escaped text


def dot_map(
    groups: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    *,
    title: str,
    reference: Sequence[tuple[float, float]] = (),
    size: int = 320,
) -> SafeString:
    """Many points drawn compactly, one ``<path class="dots NAME">`` per ``(name, points)``
    group, in the order given (the last on top): zero-length segments render as round dots,
    about 10 bytes a point, so a province of a thousand points stays a few kilobytes.
    Reference dots (sub-district centres) are faint. Empty when there is nothing to draw."""
    located = [point for _, points in groups for point in points] + list(reference)
    if not located:
        return mark_safe("")
    project = _Projection(located, size, pad=0.02)

    def path(points) -> str:
        return "".join(f"M{x:.0f} {y:.0f}h0" for x, y in (project(a, o) for a, o in points))

    title = escape(title)
    parts = [
        f'<svg class="chart dot-map" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        f'<rect class="frame" width="{size}" height="{size}"/>'
    ]
    if reference:
        parts.append(f'<path class="dots ref" d="{path(reference)}"/>')
    for name, points in groups:
        if points:
            parts.append(f'<path class="dots {escape(name)}" d="{path(points)}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - only numbers and escaped text
