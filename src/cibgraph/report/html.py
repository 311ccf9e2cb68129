"""The network report as one self-contained HTML page: inline CSS and SVG, no script, no fetch."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from cibgraph.detection.registry import get_signal
from cibgraph.report.network import NetworkReport
from cibgraph.report.svg import (
    CONTROL_COLOUR,
    ENTITY_COLOURS,
    bar_chart,
    creation_bars,
    network_svg,
    signal_colour,
)

TLP_COLOURS = {"clear": "#ffffff", "green": "#33ff00", "amber": "#ffc000", "red": "#ff2b2b"}
CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto;
       max-width: 1040px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px;
     border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.tlp { display: inline-block; background: #000; font-weight: bold; padding: 2px 8px;
       margin-bottom: 8px; letter-spacing: 0.05em; }
.summary { color: #444; } svg { width: 100%; height: auto; border: 1px solid #e3e3e3; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f6f6f6; } td.num, th.num { text-align: right; white-space: nowrap; }
code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.legend span { display: inline-block; margin-right: 14px; } .swatch { display: inline-block;
  width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
pre { white-space: pre-wrap; background: #fafafa; border: 1px solid #eee; padding: 8px;
      font-size: 12px; } .empty { color: #888; } ul { margin: 4px 0; padding-left: 20px; }
"""


def _name(kind: str) -> str:
    """What the signal finds, in its registry's words."""
    try:
        return get_signal(kind).label
    except ValueError:
        return kind


def _swatch(colour: str, shape: str = "") -> str:
    radius = "50%" if shape == "circle" else "0"
    turn = "transform: rotate(45deg);" if shape == "diamond" else ""
    return f'<span class="swatch" style="background:{colour};border-radius:{radius};{turn}"></span>'


def _legend(report: NetworkReport) -> str:
    items = [
        f"<span>{_swatch(signal_colour(k), 'circle')}account: {escape(_name(k))}</span>"
        for k in report.signals
    ]
    items.append(f"<span>{_swatch(ENTITY_COLOURS['Page'])}page</span>")
    items.append(f"<span>{_swatch(ENTITY_COLOURS['Group'], 'diamond')}group</span>")
    items.append(f"<span>{_swatch(CONTROL_COLOUR)}dashed: admin or member of</span>")
    return '<p class="legend">' + "".join(items) + "</p>"


def _signals_table(report: NetworkReport) -> str:
    rows = []
    for s in report.signals.values():
        strength = "" if s.strength is None else f"{s.strength:.2f}"
        examples = "".join(f"<li>{escape(text)}</li>" for _, text in s.examples)
        rows.append(
            f"<tr><td>{_swatch(signal_colour(s.kind), 'circle')}"
            f"{escape(_name(s.kind))}</td><td class=num>{strength}</td>"
            f"<td class=num>{s.links:,}</td><td class=num>{len(s.members):,}</td>"
            f"<td><ul>{examples}</ul></td></tr>"
        )
    return (
        "<table class=signals><tr><th>signal</th><th class=num>strength in the network</th>"
        "<th class=num>links between members</th><th class=num>members tied</th>"
        "<th>strongest evidence</th></tr>" + "".join(rows) + "</table>"
    )


def _entities_table(report: NetworkReport) -> str:
    entities = report.entities
    if not entities:
        return '<p class="empty">No page or group is tied to this network.</p>'
    rows = []
    for m in entities:
        size = m.props.get("followers") if m.label == "Page" else m.props.get("members")
        size_text = f"{size:,}" if isinstance(size, int) else ""
        evidence = "".join(f"<li>{escape(e)}</li>" for e in m.evidence)
        rows.append(
            f"<tr><td>{m.label.lower()}</td><td>{escape(m.name)}</td>"
            f"<td class=mono>{escape(m.key)}</td><td class=num>{size_text}</td>"
            f"<td><ul>{evidence}</ul></td></tr>"
        )
    return (
        "<table class=entities><tr><th>kind</th><th>name</th><th>key</th>"
        "<th class=num>followers / members</th><th>why it is tied</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _provenance(report: NetworkReport) -> str:
    prov = report.provenance.as_dict()
    sources = "".join(
        f"<tr><td>{escape(str(s.get('name', '(name withheld)')))}</td>"
        f"<td class=mono>{escape(str(s.get('sha256', '')))}</td>"
        f"<td>{escape(str(s.get('loader', '')))}</td>"
        f"<td class=num>{s.get('rows_loaded', '')}</td>"
        f"<td>{escape(str(s.get('loaded_at', '')))}</td></tr>"
        for s in prov["sources"]
    )
    runs = []
    for r in prov["detection_runs"]:
        params = ", ".join(
            f"{k}={_value(v)}"
            for k, v in sorted(r.items())
            if k not in ("key", "kind", "status", "started_at", "finished_at")
            and not isinstance(v, list | dict)
        )
        runs.append(
            f"<tr><td class=mono>{escape(str(r.get('key', '')))}</td>"
            f"<td>{escape(str(r.get('kind', '')))}</td>"
            f"<td>{escape(str(r.get('status', '')))}</td><td class=mono>{escape(params)}</td></tr>"
        )
    return (
        "<h3>Loaded files</h3><table class=sources><tr><th>file</th><th>sha256</th>"
        "<th>loader</th><th class=num>rows loaded</th><th>loaded at</th></tr>"
        + sources
        + "</table><h3>Detection runs</h3><table class=runs><tr><th>run</th><th>signal</th>"
        "<th>status</th><th>parameters</th></tr>" + "".join(runs) + "</table>"
    )


def render_html(report: NetworkReport, *, tlp: str = "amber") -> str:
    """The report page; every value from the graph is HTML-escaped."""
    net = report.network
    accounts, entities = report.accounts, report.entities
    pages = sum(m.label == "Page" for m in entities)
    groups = len(entities) - pages
    score = net.get("score")
    picture, drawn, drawn_ties = network_svg(report)
    activity = report.activity
    shares = [(a.day, a.shares + a.posts) for a in activity]
    created = creation_bars(report.created())
    tlp_colour = TLP_COLOURS.get(tlp, "#ffc000")
    first = activity[0].day.isoformat() if activity else "-"
    last = activity[-1].day.isoformat() if activity else "-"
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    total_ties = len(report.ties)
    shown_note = (
        f"{drawn:,} members and {drawn_ties:,} of the {total_ties:,} links between them "
        "(each member's strongest links and every admin or membership link)"
    )
    if drawn < len(report.members):
        shown_note += f"; the {len(report.members) - drawn:,} weakest members are left out"
    explanation = str(net.get("explanation") or "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>cibgraph network report: {escape(report.key)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style></head>
<body>
<div class="tlp" style="color:{tlp_colour}">TLP:{escape(tlp.upper())}</div>
<h1>Network {escape(report.key)}</h1>
<p class="summary" id="summary">{len(accounts):,} accounts, {pages} pages and {groups} groups;
score {score if not isinstance(score, float) else f"{score:.2f}"}; held together by
{escape(", ".join(_name(k) for k in report.signals) or "no signal")}.
Activity from {first} to {last}. Report made {made} by cibgraph.</p>

<h2>The network</h2>
{_legend(report)}
{picture}
<p class="summary">Drawn: {shown_note}. Layout: networkx spring layout, seeded.</p>

<h2>Activity</h2>
{
        bar_chart(
            shares,
            title="Posts and shares by the network's accounts, per day",
            unit="posts and shares",
            colour="#d62728",
        )
    }
<h2>Account creation</h2>
{
        bar_chart(
            created,
            title="Member accounts created, per "
            + ("month" if created and (created[-1][0] - created[0][0]).days > 62 else "day"),
            unit="accounts created",
            colour="#1f77b4",
        )
    }

<h2>Evidence per signal</h2>
{_signals_table(report)}
<h3>Why cibgraph sees one network</h3>
<pre>{escape(explanation)}</pre>

<h2>Pages and groups</h2>
{_entities_table(report)}

<h2>Provenance</h2>
{_provenance(report)}
</body></html>
"""


def write_html(report: NetworkReport, out: Path, *, tlp: str = "amber") -> int:
    """Write the report to `out`; returns its size in bytes."""
    text = render_html(report, tlp=tlp)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
