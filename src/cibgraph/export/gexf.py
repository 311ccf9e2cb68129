"""GEXF 1.3 export for Gephi, streamed: one pass reads the attribute types, a second writes."""

from __future__ import annotations

import json
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from cibgraph.export.common import attribute_kinds, text_of, xml_text
from cibgraph.export.model import Subgraph

GEXF_NS = "http://gexf.net/1.3"
_GEXF_TYPE = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


def _attributes(out: IO[str], cls: str, kinds: dict[str, str]) -> dict[str, str]:
    ids = {name: str(i) for i, name in enumerate(kinds)}
    out.write(f'<attributes class="{cls}">\n')
    for name, kind in kinds.items():
        out.write(
            f'<attribute id="{ids[name]}" title={quoteattr(name)} type="{_GEXF_TYPE[kind]}"/>\n'
        )
    out.write("</attributes>\n")
    return ids


def write_gexf(subgraph: Subgraph, out: IO[str]) -> tuple[int, int]:
    """Write a directed, static GEXF 1.3 graph; returns (nodes, edges)."""
    node_kinds = attribute_kinds({"neo4j_label": n.label, **n.props} for n in subgraph.nodes())
    edge_kinds = attribute_kinds(
        {"neo4j_type": e.type, "evidence": e.evidence, **e.props} for e in subgraph.edges()
    )
    prov = subgraph.provenance
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<gexf xmlns="{GEXF_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">\n'
    )
    out.write(f'<meta lastmodifieddate="{prov.exported_at.date().isoformat()}">')
    out.write("<creator>cibgraph</creator>")
    description = json.dumps(prov.as_dict(), ensure_ascii=False, default=str)
    out.write(f"<description>{escape(xml_text(description))}</description></meta>\n")
    out.write('<graph defaultedgetype="directed" mode="static">\n')
    node_ids = _attributes(out, "node", node_kinds)
    edge_ids = _attributes(out, "edge", edge_kinds)
    out.write("<nodes>\n")
    n = 0
    for node in subgraph.nodes():
        label = node.props.get("handle") or node.props.get("name") or node.key
        out.write(
            f"<node id={quoteattr(node.id)} label={quoteattr(xml_text(str(label)))}><attvalues>"
        )
        for name, value in {"neo4j_label": node.label, **node.props}.items():
            if value is not None:
                text = quoteattr(text_of(value, node_kinds[name]))
                out.write(f'<attvalue for="{node_ids[name]}" value={text}/>')
        out.write("</attvalues></node>\n")
        n += 1
    out.write("</nodes>\n<edges>\n")
    m = 0
    for edge in subgraph.edges():
        out.write(
            f'<edge id="{m}" source={quoteattr(edge.start)} target={quoteattr(edge.end)} '
            f'label="{edge.type}" kind="{edge.type}"><attvalues>'
        )
        values = {"neo4j_type": edge.type, "evidence": edge.evidence, **edge.props}
        for name, value in values.items():
            if value is not None:
                text = quoteattr(text_of(value, edge_kinds[name]))
                out.write(f'<attvalue for="{edge_ids[name]}" value={text}/>')
        out.write("</attvalues></edge>\n")
        m += 1
    out.write("</edges>\n</graph>\n</gexf>\n")
    return n, m
