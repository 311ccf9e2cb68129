"""GraphML export, streamed: one pass reads the attribute types, a second writes the elements."""

from __future__ import annotations

import json
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from cibgraph.export.common import attribute_kinds, text_of, xml_text
from cibgraph.export.model import ExportEdge, ExportNode, Spool, Subgraph

_GRAPHML_TYPE = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


def _node_values(node: ExportNode) -> dict[str, Any]:
    # A property called `label` would clash with the label key: it is kept as `prop_label`.
    props = {("prop_label" if k == "label" else k): v for k, v in node.props.items()}
    return {"neo4j_label": node.label, **props}


def _edge_values(edge: ExportEdge) -> dict[str, Any]:
    props = {("prop_label" if k == "label" else k): v for k, v in edge.props.items()}
    return {"neo4j_type": edge.type, "evidence": edge.evidence, **props}


def write_graphml(subgraph: Subgraph, out: IO[str]) -> tuple[int, int]:
    """Write a directed GraphML graph with typed node and edge keys; returns (nodes, edges)."""
    with Spool[ExportNode]() as nodes, Spool[ExportEdge]() as edges:
        return _write(subgraph, out, nodes, edges)


def _write(
    subgraph: Subgraph, out: IO[str], nodes: Spool[ExportNode], edges: Spool[ExportEdge]
) -> tuple[int, int]:
    node_kinds = attribute_kinds(_node_values(n) for n in nodes.record(subgraph.nodes()))
    edge_kinds = attribute_kinds(_edge_values(e) for e in edges.record(subgraph.edges()))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    out.write('<key id="g_provenance" for="graph" attr.name="provenance" attr.type="string"/>\n')
    # What Gephi, yEd and Cytoscape show on a node or an edge: a handle or name, the type.
    out.write('<key id="label" for="node" attr.name="label" attr.type="string"/>\n')
    out.write('<key id="e_label" for="edge" attr.name="label" attr.type="string"/>\n')
    node_ids = {name: f"n{i}" for i, name in enumerate(node_kinds)}
    edge_ids = {name: f"e{i}" for i, name in enumerate(edge_kinds)}
    for where, kinds, ids in (("node", node_kinds, node_ids), ("edge", edge_kinds, edge_ids)):
        for name, kind in kinds.items():
            out.write(
                f'<key id="{ids[name]}" for="{where}" attr.name={quoteattr(name)} '
                f'attr.type="{_GRAPHML_TYPE[kind]}"/>\n'
            )
    out.write('<graph id="cibgraph" edgedefault="directed">\n')
    provenance = json.dumps(subgraph.provenance.as_dict(), ensure_ascii=False, default=str)
    out.write(f'<data key="g_provenance">{escape(xml_text(provenance))}</data>\n')
    n = 0
    for node in nodes.replay():
        label = node.props.get("handle") or node.props.get("name") or node.key
        out.write(
            f'<node id={quoteattr(node.id)}><data key="label">{escape(xml_text(str(label)))}</data>'
        )
        for name, value in _node_values(node).items():
            if value is not None:
                text = escape(text_of(value, node_kinds[name]))
                out.write(f'<data key="{node_ids[name]}">{text}</data>')
        out.write("</node>\n")
        n += 1
    m = 0
    for edge in edges.replay():
        out.write(
            f'<edge id="e{m}" source={quoteattr(edge.start)} target={quoteattr(edge.end)}>'
            f'<data key="e_label">{edge.type}</data>'
        )
        for name, value in _edge_values(edge).items():
            if value is not None:
                text = escape(text_of(value, edge_kinds[name]))
                out.write(f'<data key="{edge_ids[name]}">{text}</data>')
        out.write("</edge>\n")
        m += 1
    out.write("</graph>\n</graphml>\n")
    return n, m
