"""JSON node-link export (the shape of networkx's `node_link_data`), streamed record by record."""

from __future__ import annotations

import json
from typing import IO, Any

from cibgraph.export.model import Subgraph


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str, sort_keys=True)


def write_json(subgraph: Subgraph, out: IO[str]) -> tuple[int, int]:
    """Write `{"directed", "multigraph", "graph", "nodes", "edges"}`; returns (nodes, edges)."""
    out.write('{"directed": true, "multigraph": true, "graph": ')
    out.write(_dump({"provenance": subgraph.provenance.as_dict()}))
    out.write(',\n"nodes": [')
    n = 0
    for node in subgraph.nodes():
        out.write(",\n" if n else "\n")
        out.write(_dump({"id": node.id, "neo4j_label": node.label, **node.props}))
        n += 1
    out.write('\n],\n"edges": [')
    m = 0
    for edge in subgraph.edges():
        out.write(",\n" if m else "\n")
        out.write(
            _dump(
                {
                    "source": edge.start,
                    "target": edge.end,
                    "key": m,
                    "neo4j_type": edge.type,
                    "evidence": edge.evidence,
                    **edge.props,
                }
            )
        )
        m += 1
    out.write("\n]}\n")
    return n, m
