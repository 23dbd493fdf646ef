"""Charts as inline SVG, made in Python: no chart library, nothing to load, and the
page paints them before any script runs (what keeps the first paint fast at
100,000 pairs). Every label goes through :func:`html.escape`."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 360, 160, 28
BAR = "#4c78a8"


def histogram(
    title: str,
    values: list[float],
    bins: int = 10,
    lo: float | None = None,
    hi: float | None = None,
) -> str:
    """Counts of ``values`` in ``bins`` equal bins over [lo, hi] (the data's range by
    default), with the bin edges under the axis."""
    if not values:
        return _empty(title)
    lo = min(values) if lo is None else lo
    hi = max(values) if hi is None else hi
    if hi <= lo:
        hi = lo + 1
    counts = [0] * bins
    for value in values:
        index = min(bins - 1, max(0, int((value - lo) / (hi - lo) * bins)))
        counts[index] += 1
    labels = [_number(lo + (hi - lo) * i / bins) for i in range(bins)]
    return _columns(title, counts, labels, f"n={len(values)}, last bin up to {_number(hi)}")


def whole_numbers(title: str, values: list[int], most_bars: int = 12) -> str:
    """Counts of whole numbers (tests per pair): a bar per value when they span at most
    ``most_bars``, else bars of an equal whole width (never a bin edge like 1.10)."""
    if not values:
        return _empty(title)
    lo, hi = min(values), max(values)
    width = -(-(hi - lo + 1) // most_bars)  # ceiling division
    counts = [0] * -(-(hi - lo + 1) // width)
    for value in values:
        counts[(value - lo) // width] += 1
    labels = [str(lo + i * width) for i in range(len(counts))]
    note = f"n={len(values)}" + (f", bars of {width}" if width > 1 else "")
    return _columns(title, counts, labels, note)


def bars(title: str, items: list[tuple[str, float]], unit: str = "") -> str:
    """Horizontal bars, one per (label, value), in the given order."""
    if not items:
        return _empty(title)
    top = max(value for _, value in items) or 1
    row = 18
    height = PAD + row * len(items) + 8
    parts = [_open(title, height)]
    for index, (label, value) in enumerate(items):
        y = PAD + index * row
        width = (WIDTH - 170) * value / top
        parts.append(
            f'<text x="0" y="{y + 12}" class="label">{escape(label[:24])}</text>'
            f'<rect x="120" y="{y + 2}" width="{width:.1f}" height="{row - 5}" fill="{BAR}">'
            f"<title>{escape(label)}: {_number(value)}{unit}</title></rect>"
            f'<text x="{124 + width:.1f}" y="{y + 12}" class="value">{_number(value)}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _columns(title: str, counts: list[int], labels: list[str], note: str) -> str:
    top = max(counts) or 1
    slot = (WIDTH - 10) / len(counts)
    base = HEIGHT - 22
    parts = [_open(title, HEIGHT)]
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        height = (base - PAD) * count / top
        x = 5 + index * slot
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{base - height:.1f}" width="{slot - 2:.1f}" '
            f'height="{height:.1f}" fill="{BAR}"><title>{escape(label)}: {count}</title></rect>'
        )
        if count:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{base - height - 3:.1f}" class="value" '
                f'text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" class="label" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="{WIDTH}" y="14" class="label" text-anchor="end">{escape(note)}</text></svg>'
    )
    return "".join(parts)


def _open(title: str, height: int) -> str:
    return (
        f'<svg class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">'
        f'<text x="0" y="14" class="title">{escape(title)}</text>'
    )


def _empty(title: str) -> str:
    return _open(title, 40) + '<text x="0" y="34" class="label">no data</text></svg>'


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


__all__ = ["bars", "histogram"]
