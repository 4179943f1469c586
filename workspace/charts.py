"""Charts drawn on the server as SVG (no script on the page): lines over days, and horizontal bars.
Each has a <title> and the numbers as text, so a screen reader and a printout can read them."""
from __future__ import annotations

from html import escape

COLOURS = ("#b3261e", "#1565c0", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f")


def lines(title: str, days: list[str], series: dict[str, list[float]], unit: str = "", total: bool = True) -> str:
    """One line per series over the days (x), a legend below (with each series' total, or its
    average when `total` is False: rates)."""
    width, height, left, bottom = 640, 240, 40, 30
    top = max((max(v) for v in series.values() if v), default=0) or 1
    step = (width - left - 10) / max(len(days) - 1, 1)

    def point(i: int, value: float) -> str:
        return f"{left + i * step:.1f},{height - bottom - value / top * (height - bottom - 10):.1f}"

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 20 * len(series)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>',
             f'<text x="2" y="14" font-size="11">{top:g}{escape(unit)}</text>']
    for i, day in enumerate(days):
        if i % max(len(days) // 6, 1) == 0:
            parts.append(f'<text x="{left + i * step:.1f}" y="{height - 10}" font-size="10">{escape(day)}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{" ".join(point(i, v) for i, v in enumerate(values))}"/>')
        y = height + 14 + 20 * n
        parts.append(f'<rect x="{left}" y="{y - 9}" width="12" height="10" fill="{colour}"/>'
                     f'<text x="{left + 18}" y="{y}" font-size="12">{escape(name)}: {_summary(values, total):g}'
                     f'{escape(unit)}{"" if total else " (trung bình các ngày có số liệu)"}</text>')
    return "".join(parts) + "</svg>"


def _summary(values: list[float], total: bool) -> float:
    if total:
        return sum(values)
    present = [v for v in values if v]
    return round(sum(present) / len(present)) if present else 0


def bars(title: str, rows: list[tuple[str, float]], unit: str = "") -> str:
    """Horizontal bars, one per (label, value), longest first as given."""
    width, row = 640, 24
    top = max((v for _, v in rows), default=0) or 1
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {max(len(rows), 1) * row + 6}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = i * row + 4
        length = value / top * 300
        parts.append(f'<text x="0" y="{y + 14}" font-size="11">{escape(label[:48])}</text>'
                     f'<rect x="320" y="{y}" width="{length:.1f}" height="{row - 8}" fill="{COLOURS[0]}"/>'
                     f'<text x="{324 + length:.1f}" y="{y + 13}" font-size="11">{value:g}{escape(unit)}</text>')
    if not rows:
        parts.append('<text x="0" y="18" font-size="12">(chưa có số liệu)</text>')
    return "".join(parts) + "</svg>"
