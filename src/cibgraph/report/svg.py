"""Inline SVG for the report: the network picture (networkx layout) and bar charts over time.

The picture draws the network's backbone, not every link: each member's `PER_MEMBER`
strongest links (by fusion's strength in [0, 1]) and every admin or membership link to a page
or group. The layout is networkx's spring layout (Fruchterman-Reingold) over that backbone,
seeded so one network always gives the same picture; each connected part is laid out on its
own and the parts packed side by side, so a small part does not squeeze the rest into a corner.
Accounts are circles coloured by the signal of their strongest tie (weighed by that
signal's strength in the network); pages are squares and
groups diamonds, labelled with their names.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

import networkx as nx

from cibgraph.report.network import ENTITY_LABELS, Member, NetworkReport, Tie

WIDTH, HEIGHT, MARGIN = 1000, 680, 40
PER_MEMBER = 3
MAX_MEMBERS = 450  # a bigger network is drawn by its strongest members (the report says so)
SEED = 7
#: Colours by signal kind; a signal not listed here is drawn grey.
SIGNAL_COLOURS = {
    "coordination": "#d62728",
    "infrastructure": "#1f77b4",
    "control": "#2ca02c",
    "cohorts": "#9467bd",
}
ENTITY_COLOURS = {"Page": "#ff7f0e", "Group": "#8c564b"}
CONTROL_COLOUR = "#7f7f7f"
NONE_COLOUR = "#bbbbbb"


def signal_colour(signal: str | None) -> str:
    return SIGNAL_COLOURS.get(signal or "", NONE_COLOUR)


def backbone(report: NetworkReport) -> tuple[list[Member], list[Tie]]:
    """The members drawn and the links between them that the picture shows."""
    members = sorted(report.members.values(), key=lambda m: (-m.score, m.id))
    entities = [m for m in members if m.label in ENTITY_LABELS]
    accounts = [m for m in members if m.label not in ENTITY_LABELS]
    shown = entities + accounts[: max(0, MAX_MEMBERS - len(entities))]
    ids = {m.id for m in shown}
    best: dict[str, list[tuple[float, Tie]]] = defaultdict(list)
    kept: dict[tuple[str, str, str], Tie] = {}
    for t in report.ties:
        if t.a not in ids or t.b not in ids:
            continue
        if t.signal is None:
            kept[(t.a, t.b, t.type)] = t
            continue
        for end in (t.a, t.b):
            best[end].append((t.weight, t))
    for items in best.values():
        items.sort(key=lambda x: (-x[0], x[1].a, x[1].b))
        for _, t in items[:PER_MEMBER]:
            kept[(t.a, t.b, t.type)] = t
    return shown, sorted(kept.values(), key=lambda t: (t.signal or "", t.a, t.b))


def layout(members: Sequence[Member], ties: Sequence[Tie]) -> dict[str, tuple[float, float]]:
    """Positions in the picture's pixel box: each connected part by networkx's seeded spring
    layout, parts in columns whose widths follow their sizes."""
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(m.id for m in members)
    g.add_edges_from((t.a, t.b) for t in ties)
    parts = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    if not parts:
        return {}
    big = [p for p in parts if len(p) > 2]
    small = [p for p in parts if len(p) <= 2]
    shares = [math.sqrt(len(p)) for p in big] + ([1.0] if small else [])
    unit = (WIDTH - 2 * MARGIN) / sum(shares)
    pos: dict[str, tuple[float, float]] = {}
    x = float(MARGIN)
    for part, share in zip(big, shares, strict=False):
        width = share * unit
        sub = g.subgraph(part)
        raw = nx.spring_layout(sub, k=1.6 / math.sqrt(len(part)), iterations=120, seed=SEED)
        pos.update(_fit(raw, x + 6, MARGIN, width - 12, HEIGHT - 2 * MARGIN))
        x += width
    for i, node in enumerate(sorted(n for p in small for n in p)):
        rows = max(1, len(small) * 2)
        pos[node] = (x + unit / 2, MARGIN + (HEIGHT - 2 * MARGIN) * (i + 0.5) / rows)
    return pos


def _fit(raw: Any, x: float, y: float, w: float, h: float) -> dict[str, tuple[float, float]]:
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx, sy = w / ((x1 - x0) or 1.0), h / ((y1 - y0) or 1.0)
    cx = 0.5 if x1 == x0 else 0.0
    cy = 0.5 if y1 == y0 else 0.0
    return {
        n: (x + ((float(p[0]) - x0) * sx if not cx else w * cx),
            y + ((float(p[1]) - y0) * sy if not cy else h * cy))
        for n, p in raw.items()
    }  # fmt: skip


def network_svg(report: NetworkReport) -> tuple[str, int, int]:
    """The picture as an `<svg>` element; also how many members and links it draws."""
    members, ties = backbone(report)
    pos = layout(members, ties)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="network" role="img" aria-label="network picture">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        '<g class="links" stroke-opacity="0.45">',
    ]
    for t in ties:
        (x1, y1), (x2, y2) = pos[t.a], pos[t.b]
        colour = CONTROL_COLOUR if t.signal is None else signal_colour(t.signal)
        dash = ' stroke-dasharray="4 3"' if t.signal is None else ""
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="1"{dash}/>'
        )
    out.append('</g><g class="members">')
    labels: list[str] = []
    for m in sorted(members, key=lambda m: m.label in ENTITY_LABELS):
        x, y = pos[m.id]
        title = f"<title>{escape(m.name)} ({escape(m.key)}), score {m.score:.2f}</title>"
        if m.label == "Page":
            out.append(
                f'<rect class="page" x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" '
                f'fill="{ENTITY_COLOURS["Page"]}" stroke="#000" stroke-width="1">{title}</rect>'
            )
        elif m.label == "Group":
            out.append(
                f'<polygon class="group" points="{x:.1f},{y - 10:.1f} {x + 10:.1f},{y:.1f} '
                f'{x:.1f},{y + 10:.1f} {x - 10:.1f},{y:.1f}" fill="{ENTITY_COLOURS["Group"]}" '
                f'stroke="#000" stroke-width="1">{title}</polygon>'
            )
        else:
            out.append(
                f'<circle class="account" cx="{x:.1f}" cy="{y:.1f}" r="4.5" '
                f'fill="{signal_colour(m.signal)}" stroke="#fff" stroke-width="0.8">'
                f"{title}</circle>"
            )
            continue
        labels.append(
            f'<text x="{x + 12:.1f}" y="{y + 4:.1f}" font-size="12" paint-order="stroke" '
            f'stroke="#fff" stroke-width="3">{escape(m.name)}</text>'
        )
    out.append('</g><g class="labels">')
    out.extend(labels)
    out.append("</g></svg>")
    return "\n".join(out), len(members), len(ties)


def _ticks(first: date, last: date) -> list[date]:
    span = (last - first).days
    step = max(1, round(span / 8)) if span else 1
    return [first + timedelta(days=d) for d in range(0, span + 1, step)]


def bar_chart(
    bars: Sequence[tuple[date, int]],
    *,
    title: str,
    unit: str,
    colour: str,
    width: int = WIDTH,
    height: int = 220,
) -> str:
    """A bar chart over days (or over months: the first day of each), as an `<svg>` element."""
    if not bars:
        return f'<p class="empty">No {escape(unit)} with a time in the data.</p>'
    left, right, top, bottom = 50, 10, 24, 36
    first, last = bars[0][0], bars[-1][0]
    days = (last - first).days + 1
    monthly = len(bars) > 1 and all(d.day == 1 for d, _ in bars) and days > 62
    slots = (last.year - first.year) * 12 + last.month - first.month + 1 if monthly else days
    peak = max(v for _, v in bars) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    bar_w = plot_w / slots

    def slot(d: date) -> int:
        return (d.year - first.year) * 12 + d.month - first.month if monthly else (d - first).days

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#333"/>',
        f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end">{peak:,}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>',
    ]
    for d, v in bars:
        h = plot_h * v / peak
        x = left + slot(d) * bar_w
        label = d.strftime("%Y-%m") if monthly else d.isoformat()
        out.append(
            f'<rect class="bar" x="{x:.2f}" y="{top + plot_h - h:.2f}" '
            f'width="{max(bar_w - 1, 1):.2f}" height="{h:.2f}" fill="{colour}">'
            f"<title>{label}: {v:,} {escape(unit)}</title></rect>"
        )
    ticks = sorted({date(d.year, d.month, 1) for d, _ in bars}) if monthly else _ticks(first, last)
    if len(ticks) > 10:
        ticks = ticks[:: math.ceil(len(ticks) / 10)]
    for d in ticks:
        x = left + slot(d) * bar_w + bar_w / 2
        label = d.strftime("%Y-%m") if monthly else d.isoformat()
        out.append(
            f'<text x="{x:.1f}" y="{height - 14}" font-size="11" text-anchor="middle">'
            f"{label}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def creation_bars(times: Sequence[datetime]) -> list[tuple[date, int]]:
    """Accounts created per day when they span at most two months, else per month."""
    if not times:
        return []
    monthly = (times[-1] - times[0]).days > 62
    counts: dict[date, int] = defaultdict(int)
    for t in times:
        d = t.date()
        counts[date(d.year, d.month, 1) if monthly else d] += 1
    return sorted(counts.items())
