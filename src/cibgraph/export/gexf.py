"""GEXF 1.3 export for Gephi, streamed: colours, sizes, edge weights and time intervals included.

A first pass over the edges gathers the attribute types, each node's degree, the network it
belongs to (its strongest IN_NETWORK) and when it was first and last seen; the second pass
writes. Nodes carry `viz:color` (by label or by network) and `viz:size` (by degree or by score);
edges carry `weight` (the detection's weight or score, a login count, else 1) for Gephi's
layouts. The graph is dynamic: nodes and edges with known times get `start`/`end` (an account
from its creation to the last time one of its links was seen, a login from first to last seen,
a share at its time), so Gephi's timeline can play the network's growth.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from enum import StrEnum
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from cibgraph.export.common import (
    GREY,
    LABEL_COLOURS,
    NETWORK_COLOURS,
    EdgeStats,
    attribute_kinds,
    edge_span,
    edge_weight,
    merge_kinds,
    text_of,
    xml_text,
)
from cibgraph.export.model import ExportEdge, ExportNode, Spool, Subgraph

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
_GEXF_TYPE = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
MIN_SIZE, MAX_SIZE = 4.0, 24.0


class ColourBy(StrEnum):
    LABEL = "label"
    NETWORK = "network"


class SizeBy(StrEnum):
    DEGREE = "degree"
    SCORE = "score"


def _q(value: str) -> str:
    return quoteattr(xml_text(value))


def _time(value: datetime) -> str:
    return value.isoformat()


def _attributes(out: IO[str], cls: str, kinds: dict[str, str]) -> dict[str, str]:
    ids = {name: str(i) for i, name in enumerate(kinds)}
    out.write(f'<attributes class="{cls}">\n')
    for name, kind in kinds.items():
        out.write(f'<attribute id="{ids[name]}" title={_q(name)} type="{_GEXF_TYPE[kind]}"/>\n')
    out.write("</attributes>\n")
    return ids


class _Viz:
    """Colour and size of each node, from the first pass's statistics."""

    def __init__(self, stats: EdgeStats, colour_by: ColourBy, size_by: SizeBy) -> None:
        self.stats = stats
        self.colour_by = colour_by
        self.size_by = size_by
        self.max_degree = max(stats.degree.values(), default=1) or 1
        self.networks: dict[str, int] = {}

    def colour(self, node: ExportNode) -> tuple[int, int, int]:
        if self.colour_by is ColourBy.LABEL:
            return LABEL_COLOURS.get(node.label, GREY)
        network = node.id if node.label == "Network" else None
        if network is None and node.id in self.stats.network:
            network = self.stats.network[node.id][1]
        if network is None:
            return GREY
        index = self.networks.setdefault(network, len(self.networks))
        return NETWORK_COLOURS[index % len(NETWORK_COLOURS)]

    def size(self, node: ExportNode) -> float:
        if self.size_by is SizeBy.DEGREE:
            share = math.sqrt(self.stats.degree.get(node.id, 0) / self.max_degree)
        else:
            own = node.props.get("score")
            score = self.stats.network.get(node.id, (own if isinstance(own, float) else 0.0, ""))
            share = min(max(float(score[0]), 0.0), 1.0)
        return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * share, 2)


def write_gexf(
    subgraph: Subgraph,
    out: IO[str],
    *,
    colour_by: ColourBy | str = ColourBy.LABEL,
    size_by: SizeBy | str = SizeBy.DEGREE,
) -> tuple[int, int]:
    """Write a directed, dynamic GEXF 1.3 graph with viz and weights; returns (nodes, edges)."""
    with Spool[ExportNode]() as nodes, Spool[ExportEdge]() as edges:
        return _write(subgraph, out, nodes, edges, ColourBy(colour_by), SizeBy(size_by))


def _write(
    subgraph: Subgraph,
    out: IO[str],
    nodes: Spool[ExportNode],
    edges: Spool[ExportEdge],
    colour_by: ColourBy,
    size_by: SizeBy,
) -> tuple[int, int]:
    node_kinds = attribute_kinds(
        {"neo4j_label": n.label, **n.props} for n in nodes.record(subgraph.nodes())
    )
    edge_kinds: dict[str, str] = {}
    stats = EdgeStats()
    for e in edges.record(subgraph.edges()):
        merge_kinds(edge_kinds, {"neo4j_type": e.type, "evidence": e.evidence, **e.props})
        stats.add(e.start, e.end, e.type, e.props)
    edge_kinds = dict(sorted(edge_kinds.items()))
    viz = _Viz(stats, colour_by, size_by)
    prov = subgraph.provenance
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{VIZ_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">\n'
    )
    out.write(f'<meta lastmodifieddate="{prov.exported_at.date().isoformat()}">')
    out.write("<creator>cibgraph</creator>")
    description = json.dumps(prov.as_dict(), ensure_ascii=False, default=str)
    out.write(f"<description>{escape(xml_text(description))}</description></meta>\n")
    out.write(
        '<graph defaultedgetype="directed" mode="dynamic" timeformat="dateTime" '
        'timerepresentation="interval">\n'
    )
    node_ids = _attributes(out, "node", node_kinds)
    edge_ids = _attributes(out, "edge", edge_kinds)
    out.write("<nodes>\n")
    n = 0
    for node in nodes.replay():
        label = node.props.get("handle") or node.props.get("name") or node.key
        span = stats.span(node.id, node.props.get("created_at"))
        times = f' start="{_time(span[0])}" end="{_time(span[1])}"' if span else ""
        out.write(f"<node id={_q(node.id)} label={_q(str(label))}{times}><attvalues>")
        for name, value in {"neo4j_label": node.label, **node.props}.items():
            if value is not None:
                text = _q(text_of(value, node_kinds[name]))
                out.write(f'<attvalue for="{node_ids[name]}" value={text}/>')
        r, g, b = viz.colour(node)
        out.write(
            f'</attvalues><viz:color r="{r}" g="{g}" b="{b}"/><viz:size value="{viz.size(node)}"/>'
            "</node>\n"
        )
        n += 1
    out.write("</nodes>\n<edges>\n")
    m = 0
    for edge in edges.replay():
        span = edge_span(edge.props)
        times = f' start="{_time(span[0])}" end="{_time(span[1])}"' if span else ""
        out.write(
            f'<edge id="{m}" source={_q(edge.start)} target={_q(edge.end)} '
            f'label="{edge.type}" kind="{edge.type}" '
            f'weight="{edge_weight(edge.type, edge.props)!r}"{times}><attvalues>'
        )
        values = {"neo4j_type": edge.type, "evidence": edge.evidence, **edge.props}
        for name, value in values.items():
            if value is not None:
                text = _q(text_of(value, edge_kinds[name]))
                out.write(f'<attvalue for="{edge_ids[name]}" value={text}/>')
        out.write("</attvalues></edge>\n")
        m += 1
    out.write("</edges>\n</graph>\n</gexf>\n")
    return n, m
