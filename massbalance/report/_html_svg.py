"""Inline SVG for the HTML reports: Sankey diagrams and value-with-SD bars.

Drawn here, without a plotting library: nodes in columns by topological
order, link widths proportional to the flow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ._html import _fmt

__all__: list[str] = []


@dataclass(frozen=True)
class _Link:
    source: str
    target: str
    value: float  #: the link's width [t], positive
    label: str
    gross: bool = False


def _columns(links: Sequence[_Link]) -> dict[str, int]:
    """Each node's column: the longest path from a node with no inputs."""
    nodes: list[str] = []
    for link in links:
        for name in (link.source, link.target):
            if name not in nodes:
                nodes.append(name)
    column = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        changed = False
        for link in links:
            if column[link.target] < column[link.source] + 1:
                column[link.target] = column[link.source] + 1
                changed = True
        if not changed:
            break
    return column


def _sankey_svg(links: Sequence[_Link], unit: str, caption: str) -> str:
    """An SVG Sankey diagram: nodes in columns by topological order, widths by value."""
    drawn = [link for link in links if math.isfinite(link.value) and link.value > 0]
    if not drawn:
        return f"<p class='muted'>{escape(caption)}: nothing to draw.</p>"
    column = _columns(drawn)
    n_columns = max(column.values()) + 1
    through = dict.fromkeys(column, 0.0)
    incoming = dict.fromkeys(column, 0.0)
    outgoing = dict.fromkeys(column, 0.0)
    for link in drawn:
        outgoing[link.source] += link.value
        incoming[link.target] += link.value
    for name in through:
        through[name] = max(incoming[name], outgoing[name])
    width, height, pad, node_w, gap = 760.0, 300.0, 110.0, 14.0, 30.0
    per_column: dict[int, list[str]] = {}
    for name, c in column.items():
        per_column.setdefault(c, []).append(name)
    busiest = max(sum(through[n] for n in names) for names in per_column.values())
    most_nodes = max(len(names) for names in per_column.values())
    scale = (height - 30.0 - gap * (most_nodes - 1)) / busiest
    x_step = (width - 2 * pad - node_w) / max(n_columns - 1, 1)
    top: dict[str, float] = {}
    for names in per_column.values():
        total = sum(through[n] for n in names) * scale + gap * (len(names) - 1)
        y = 20.0 + (height - 30.0 - total) / 2
        for name in names:
            top[name] = y
            y += through[name] * scale + gap
    out_offset = dict.fromkeys(column, 0.0)
    in_offset = dict.fromkeys(column, 0.0)
    parts = [
        f'<svg class="sankey" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(caption)}</title>",
    ]
    for link in drawn:
        thick = link.value * scale
        x0 = pad + column[link.source] * x_step + node_w
        x1 = pad + column[link.target] * x_step
        y0 = top[link.source] + out_offset[link.source]
        y1 = top[link.target] + in_offset[link.target]
        out_offset[link.source] += thick
        in_offset[link.target] += thick
        xm = (x0 + x1) / 2
        path = (
            f"M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
            f"L{x1:.1f},{y1 + thick:.1f} C{xm:.1f},{y1 + thick:.1f} {xm:.1f},"
            f"{y0 + thick:.1f} {x0:.1f},{y0 + thick:.1f} Z"
        )
        css = "sankey-link gross" if link.gross else "sankey-link"
        text = f"{link.label}: {_fmt(link.value)} {unit}"
        parts.append(
            f'<path class="{css}" d="{path}"><title>{escape(text)}</title></path>'
        )
        parts.append(
            f'<text x="{xm:.1f}" y="{(y0 + y1) / 2 + thick / 2 + 4:.1f}" '
            f'text-anchor="middle">{escape(link.label)}</text>'
        )
    for name, c in column.items():
        x = pad + c * x_step
        h = max(through[name] * scale, 1.0)
        parts.append(
            f'<rect class="sankey-node" x="{x:.1f}" y="{top[name]:.1f}" '
            f'width="{node_w:.0f}" height="{h:.1f}"><title>{escape(name)}: '
            f"{_fmt(through[name])} {escape(unit)}</title></rect>"
        )
        if c == 0:  # sources: label on the left
            tx, ty, anchor = x - 4, top[name] + h / 2 + 4, "end"
        elif c == n_columns - 1:  # products: on the right
            tx, ty, anchor = x + node_w + 4, top[name] + h / 2 + 4, "start"
        else:  # inner nodes: above, clear of the links
            tx, ty, anchor = x + node_w / 2, top[name] - 5, "middle"
        parts.append(
            f'<text class="node-label" x="{tx:.1f}" y="{ty:.1f}" '
            f'text-anchor="{anchor}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return (
        f"<figure>{''.join(parts)}<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _sd_bar(
    measured: float, measured_sd: float, adjusted: float, sd: float, gross: bool
) -> str:
    """A small SVG: measured ± SD (grey) above adjusted ± SD (blue) on one scale."""
    points = [
        (v, s) for v, s in ((measured, measured_sd), (adjusted, sd)) if math.isfinite(v)
    ]
    if not points:
        return ""
    lo = min(v - 2 * (s if math.isfinite(s) else 0.0) for v, s in points)
    hi = max(v + 2 * (s if math.isfinite(s) else 0.0) for v, s in points)
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    w, h = 220.0, 26.0

    def x(v: float) -> float:
        return 6 + (v - lo) / (hi - lo) * (w - 12)

    out = [
        f'<svg class="sd" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    rows = [
        (measured, measured_sd, 8.0, "#d93025" if gross else "#757575"),
        (adjusted, sd, 19.0, "#1a73e8"),
    ]
    for value, spread, y, colour in rows:
        if not math.isfinite(value):
            continue
        if math.isfinite(spread) and spread > 0:
            out.append(
                f'<line x1="{x(value - spread):.1f}" x2="{x(value + spread):.1f}" '
                f'y1="{y:.0f}" y2="{y:.0f}" stroke="{colour}" stroke-width="2"/>'
            )
        out.append(
            f'<circle cx="{x(value):.1f}" cy="{y:.0f}" r="3.5" fill="{colour}"/>'
        )
    out.append("</svg>")
    return "".join(out)


def _percent_bar(value: float, sd: float) -> str:
    """A small SVG: a bar from 0 to ``value`` on a 0-100 % scale, with ± ``sd``."""
    w, h = 220.0, 16.0

    def x(v: float) -> float:
        return 2 + min(max(v, 0.0), 100.0) / 100.0 * (w - 4)

    out = [
        f'<svg class="bar" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
        f'height="{h:.0f}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="2" y="3" width="{x(value) - 2:.1f}" height="10" fill="#90a4ae"/>',
    ]
    if math.isfinite(sd) and sd > 0:
        out.append(
            f'<line x1="{x(value - sd):.1f}" x2="{x(value + sd):.1f}" y1="8" y2="8" '
            'stroke="#1b1b1b" stroke-width="1.5"/>'
        )
    out.append("</svg>")
    return "".join(out)
