"""Server-side SVG charts: pure functions from plain numbers to an SVG string.

No JavaScript, no external library: the markup is small, accessible (a <title> and an
aria-label per chart, a <title> per mark for hover) and prints well. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#1b7c83", "#bc4c00", "#6e7781")
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


def _open(width: int, height: int, title: str) -> list[str]:
    label = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{label}" class="chart" '
        f'preserveAspectRatio="xMidYMid meet">',
        f"<title>{label}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _empty(width: int, height: int, title: str, note: str) -> str:
    parts = _open(width, height, title)
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'fill="#6e7781" {FONT}>{escape(note)}</text></svg>'
    )
    return "".join(parts)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // magnitude) + 1) * magnitude)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    y_max: float | None = None,
    unit: str = "",
    width: int = 640,
    height: int = 240,
    empty: str = "Sin datos",
) -> str:
    """Several lines over shared x labels; None values leave a gap."""
    values = [v for line in series.values() for v in line if v is not None]
    if not labels or not values:
        return _empty(width, height, title, empty)
    left, right, top, bottom = 44, 12, 14, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = y_max if y_max is not None else _nice_max(max(values))
    step_x = plot_w / max(1, len(labels) - 1)
    parts = _open(width, height, title)
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d0d7de" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#57606a" '
            f"{FONT}>{value:g}{escape(unit)}</text>"
        )
    every = max(1, len(labels) // 10)
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            x = left + index * step_x
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'fill="#57606a" {FONT}>{escape(label)}</text>'
            )
    for number, (name, line) in enumerate(series.items()):
        color = PALETTE[number % len(PALETTE)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, point in enumerate(line):
            if point is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            value = float(point)
            x = left + index * step_x
            y = top + plot_h - plot_h * min(value, top_value) / top_value
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                f"<title>{escape(name)} · {escape(labels[index])}: "
                f"{value:g}{escape(unit)}</title></circle>"
            )
        if segment:
            segments.append(segment)
        for points in segments:
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
        lx = left + number * 150
        parts.append(f'<rect x="{lx}" y="{height - 18}" width="10" height="10" fill="{color}"/>')
        parts.append(
            f'<text x="{lx + 14}" y="{height - 9}" fill="#24292f" {FONT}>{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    width: int = 640,
    height: int = 240,
    color: str = PALETTE[0],
    empty: str = "Sin datos",
) -> str:
    """Vertical bars with their value on top (a distribution, a histogram)."""
    if not bars or not any(value for _label, value in bars):
        return _empty(width, height, title, empty)
    left, right, top, bottom = 36, 12, 18, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(value for _label, value in bars))
    slot = plot_w / len(bars)
    bar_w = slot * 0.7
    parts = _open(width, height, title)
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}" stroke="#8c959f"/>'
    )
    for index, (label, value) in enumerate(bars):
        h = plot_h * value / top_value
        x = left + index * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="{color}" rx="2"><title>{escape(label)}: {value:g}{escape(unit)}'
            f"</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'fill="#24292f" {FONT}>{value:g}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle" fill="#57606a" {FONT}>{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    width: int = 640,
    row: int = 22,
    color: str = PALETTE[3],
    empty: str = "Sin datos",
) -> str:
    """Horizontal bars, longest first as given (rankings: breaches by agent)."""
    if not bars:
        return _empty(width, 80, title, empty)
    left, right, top = 180, 40, 10
    height = max(160, top * 2 + row * len(bars))
    plot_w = width - left - right
    top_value = _nice_max(max(value for _label, value in bars))
    parts = _open(width, height, title)
    for index, (label, value) in enumerate(bars):
        y = top + index * row
        w = plot_w * value / top_value
        parts.append(
            f'<text x="{left - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" '
            f'fill="#24292f" {FONT}>{escape(label[:24])}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{color}" rx="2"><title>{escape(label)}: {value:g}</title></rect>'
        )
        parts.append(
            f'<text x="{left + w + 4:.1f}" y="{y + row * 0.65:.1f}" fill="#24292f" '
            f"{FONT}>{value:g}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_hbar_chart(
    title: str,
    rows: Sequence[tuple[str, Mapping[str, float]]],
    keys: Sequence[tuple[str, str]],
    *,
    width: int = 640,
    row: int = 24,
    empty: str = "Sin datos",
) -> str:
    """One horizontal bar per row, split by `keys` ((key, label) pairs) with a legend."""
    totals = [sum(parts.get(k, 0) for k, _l in keys) for _label, parts in rows]
    if not rows or not any(totals):
        return _empty(width, 80, title, empty)
    left, right, top, legend = 180, 40, 10, 24
    height = max(160, top * 2 + row * len(rows) + legend)
    plot_w = width - left - right
    top_value = _nice_max(max(totals))
    out = _open(width, height, title)
    for index, ((label, parts), total) in enumerate(zip(rows, totals, strict=True)):
        y = top + index * row
        out.append(
            f'<text x="{left - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" '
            f'fill="#24292f" {FONT}>{escape(label[:24])}</text>'
        )
        x = float(left)
        for number, (key, key_label) in enumerate(keys):
            value = parts.get(key, 0)
            if not value:
                continue
            w = plot_w * value / top_value
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"><title>{escape(label)} · '
                f"{escape(key_label)}: {value:g}</title></rect>"
            )
            x += w
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + row * 0.65:.1f}" fill="#24292f" {FONT}>{total:g}</text>'
        )
    ly = height - 14
    for number, (_key, key_label) in enumerate(keys):
        lx = 12 + number * 120
        out.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" '
            f'fill="{PALETTE[number % len(PALETTE)]}"/>'
        )
        out.append(
            f'<text x="{lx + 14}" y="{ly + 9}" fill="#24292f" {FONT}>{escape(key_label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
