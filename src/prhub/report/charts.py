"""Charts as inline SVG, drawn server-side: no script, no CDN, printable.

Every text that reaches the SVG (label names, file paths, theme names) comes
from repository data and is escaped here; colours and sizes are attributes, not
``style=`` (a strict Content-Security-Policy blocks inline style attributes).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ACCENT = "#2f6fde"
HIGHLIGHT = "#e0662b"
MUTED = "#9db4d9"
RISK = "#c2410c"
INK = "#1f2937"
SOFT_INK = "#6b7280"
GRID = "#e5e7eb"

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Noto Sans CJK SC, sans-serif"'
CHAR_PX = 6.8  # mean advance of a 12px Latin glyph; used to cut labels to their column
WIDE_PX = 12.0  # a CJK glyph is a full em: counting it as Latin would let zh labels run off the chart


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    note: str = ""  # shown after the value, e.g. "rising"
    tooltip: str = ""  # the full text when the label is cut
    tone: str = ACCENT


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    value: float
    highlight: bool = False
    tooltip: str = ""


def _glyph_px(char: str) -> float:
    return WIDE_PX if unicodedata.east_asian_width(char) in ("W", "F") else CHAR_PX


def text_px(text: str, size: float = 12) -> float:
    """The estimated width of ``text`` at ``size`` px (no font metrics on the server)."""
    return sum(_glyph_px(c) for c in text) * size / 12


def _cut(text: str, width_px: float, keep_tail: bool = False) -> str:
    """Shorten ``text`` to fit ``width_px``; paths keep their tail (the file name)."""
    if text_px(text) <= width_px:
        return text
    room = max(4 * CHAR_PX, width_px) - CHAR_PX  # keep room for the ellipsis
    kept: list[str] = []
    used = 0.0
    for char in reversed(text) if keep_tail else text:
        used += _glyph_px(char)
        if used > room:
            break
        kept.append(char)
    return "…" + "".join(reversed(kept)) if keep_tail else "".join(kept) + "…"


def _number(value: float) -> str:
    return f"{value:.1f}" if value != int(value) else f"{int(value)}"


def hbars(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 460,
    max_label_width: int = 180,
    paths: bool = False,
) -> Markup:
    """A horizontal bar chart: one row per item, the value written after the bar.

    The label column is as wide as the longest label needs, up to ``max_label_width``
    (longer labels are cut, their full text in the tooltip).
    """
    row, top, value_room = 24, 6, 86
    label_width = min(max_label_width, int(max((text_px(b.label) for b in bars), default=0)) + 12)
    label_width = max(label_width, 60)
    height = top * 2 + row * max(1, len(bars))
    biggest = max((b.value for b in bars), default=0) or 1
    span = width - label_width - value_room
    parts = [_open(width, height, title)]
    if not bars:
        parts.append(_empty(width, height))
    for i, bar in enumerate(bars):
        y = top + i * row
        length = max(2.0, span * bar.value / biggest) if bar.value else 0.0
        label = _cut(bar.label, label_width - 10, keep_tail=paths)
        tip = bar.tooltip or bar.label
        after = _number(bar.value) + (f" · {bar.note}" if bar.note else "")
        parts.append(
            f'<g class="bar"><title>{escape(tip)}: {escape(_number(bar.value))}</title>'
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="16" rx="3" fill="{bar.tone}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="12" fill="{SOFT_INK}">'
            f"{escape(after)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(
    cols: Sequence[Column],
    *,
    title: str,
    width: int = 460,
    height: int = 190,
    threshold: float | None = None,
    threshold_label: str = "",
) -> Markup:
    """A vertical column chart with the value on top and the label below each column.

    ``threshold`` draws a dashed marker between columns (the key-PR line on the
    importance histogram), expressed in column units from the left edge.
    """
    left, right, bottom = 8, 8, 34
    top = 36 if threshold is not None else 22  # room for the marker's label above the values
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(1, len(cols))
    bar_w = max(4.0, min(34.0, slot * 0.68))
    biggest = max((c.value for c in cols), default=0) or 1
    base = top + plot_h
    parts = [_open(width, height, title)]
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{GRID}"/>')
    if not cols:
        parts.append(_empty(width, height))
    # label every n-th column, n as small as the widest label allows; highlighted ones always,
    # their neighbours then left out so the texts never overlap
    widest = max((text_px(c.label, 11) for c in cols), default=0)
    step = max(1, math.ceil((widest + 6) / slot))
    marked = {i for i, c in enumerate(cols) if c.highlight}
    shown = {i for i in range(len(cols)) if i % step == 0 and not any(0 < abs(i - m) < step for m in marked)}
    for i, col in enumerate(cols):
        h = plot_h * col.value / biggest if col.value else 0.0
        x = left + slot * i + (slot - bar_w) / 2
        fill = HIGHLIGHT if col.highlight else ACCENT
        centre = x + bar_w / 2
        parts.append(
            f'<g class="col"><title>{escape(col.tooltip or col.label)}: {escape(_number(col.value))}</title>'
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="2" fill="{fill}"/>'
            f'<text x="{centre:.1f}" y="{base - h - 5:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{SOFT_INK}">{escape(_number(col.value))}</text>'
        )
        if i in shown or i in marked:
            weight = ' font-weight="600"' if col.highlight else ""
            parts.append(
                f'<text x="{centre:.1f}" y="{base + 16}" text-anchor="middle" font-size="11" fill="{INK}"{weight}>'
                f"{escape(col.label)}</text>"
            )
        parts.append("</g>")
    if threshold is not None and cols:
        x = left + slot * threshold
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{base}" stroke="{RISK}" stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="14" font-size="11" fill="{RISK}">'
            f"{escape(threshold_label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str) -> str:
    # real pixel sizes (so the browser lays it out before any CSS) and a viewBox so CSS may scale it down
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _empty(width: int, height: int) -> str:
    return (
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" font-size="12" fill="{SOFT_INK}">–</text>'
    )
