"""A Cypher script that re-creates the subgraph in an empty Neo4j: literal `UNWIND` lists of maps.

No parameters are needed to run it (cypher-shell `-f`, Neo4j Browser, or `run_script`): every
value is a Cypher literal, strings escaped so that no value can end a statement or a string
early, temporal values rebuilt with `datetime()`/`date()`/`duration()`. Each statement sits on
one line ending in `;`; comment lines start with `//`. Labels and types are checked against the
allow-lists of `graph/schema.py` before they are written, backticked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, LiteralString, cast

import neo4j.time
from neo4j import Driver, ManagedTransaction

from cibgraph.export.model import ExportEdge, Subgraph
from cibgraph.neo4j.schema import CONSTRAINTS, NodeLabel, RelType

BATCH = 500
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(value: Any) -> str:
    """A Cypher literal for a property value (or a list of them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "0.0/0.0"
        if math.isinf(value):
            return "1.0/0.0" if value > 0 else "-1.0/0.0"
        return repr(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif ord(ch) < 0x20:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return "'" + "".join(out) + "'"
    if isinstance(value, neo4j.time.DateTime):
        return f"datetime('{value.iso_format()}')"
    if isinstance(value, datetime):
        return f"datetime('{value.isoformat()}')"
    if isinstance(value, neo4j.time.Date):
        return f"date('{value.iso_format()}')"
    if isinstance(value, neo4j.time.Duration):
        return f"duration('{value.iso_format()}')"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def _map(props: dict[str, Any]) -> str:
    # Property names are backticked; a backtick inside one is doubled.
    return (
        "{" + ", ".join(f"`{k.replace('`', '``')}`: {literal(v)}" for k, v in props.items()) + "}"
    )


def _label(name: str) -> str:
    return NodeLabel(name).value


def _type(name: str) -> str:
    return RelType(name).value


def _node_statement(label: str, rows: list[str]) -> str:
    return (
        f"UNWIND [{', '.join(rows)}] AS row "
        f"MERGE (n:`{label}` {{key: row.key}}) SET n += row.props;\n"
    )


def _edge_statement(group: tuple[str, str, str], rows: list[str]) -> str:
    start, rel, end = group
    return (
        f"UNWIND [{', '.join(rows)}] AS row "
        f"MATCH (a:`{start}` {{key: row.start}}) MATCH (b:`{end}` {{key: row.end}}) "
        f"CREATE (a)-[r:`{rel}`]->(b) SET r = row.props;\n"
    )


def _key_of(export_id: str, label: str) -> str:
    return export_id[len(label) + 1 :]


def write_cypher(subgraph: Subgraph, out: IO[str]) -> tuple[int, int]:
    """Write the script; returns (nodes, edges)."""
    prov = json.dumps(subgraph.provenance.as_dict(), ensure_ascii=False, default=str)
    out.write("// cibgraph export: a script that re-creates this subgraph in an empty Neo4j.\n")
    out.write(f"// provenance: {literal(prov)[1:-1]}\n")
    for item in CONSTRAINTS:
        out.write(item.statement + ";\n")
    n = 0
    label: str | None = None
    rows: list[str] = []
    for node in subgraph.nodes():
        this = _label(node.label)
        if rows and (this != label or len(rows) >= BATCH):
            out.write(_node_statement(cast(str, label), rows))
            rows = []
        label = this
        props = {k: v for k, v in node.raw.items() if k != "key"}
        rows.append(f"{{key: {literal(node.key)}, props: {_map(props)}}}")
        n += 1
    if rows:
        out.write(_node_statement(cast(str, label), rows))
    m = 0
    group: tuple[str, str, str] | None = None
    rows = []
    for edge in subgraph.edges():
        this_group = _edge_group(edge)
        if rows and (this_group != group or len(rows) >= BATCH):
            out.write(_edge_statement(cast(tuple[str, str, str], group), rows))
            rows = []
        group = this_group
        start = _key_of(edge.start, this_group[0])
        end = _key_of(edge.end, this_group[2])
        rows.append(f"{{start: {literal(start)}, end: {literal(end)}, props: {_map(edge.raw)}}}")
        m += 1
    if rows:
        out.write(_edge_statement(cast(tuple[str, str, str], group), rows))
    out.write(f"// {n} nodes, {m} relationships\n")
    return n, m


def _edge_group(edge: ExportEdge) -> tuple[str, str, str]:
    start_label = edge.start.partition(":")[0]
    end_label = edge.end.partition(":")[0]
    return _label(start_label), _type(edge.type), _label(end_label)


def iter_statements(path: Path) -> Iterator[str]:
    """The statements of a script written by `write_cypher` (one per line, comments skipped)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("//"):
                yield line.removesuffix(";")


def _run_one(tx: ManagedTransaction, statement: LiteralString) -> None:
    tx.run(statement).consume()


def run_script(driver: Driver, path: Path, *, database: str) -> int:
    """Run every statement of a script, each in its own transaction; returns how many ran."""
    count = 0
    with driver.session(database=database) as session:
        for statement in iter_statements(path):
            # The script is one this module wrote: labels and types come from the allow-lists
            # and every value is an escaped literal.
            session.execute_write(_run_one, statement)
            count += 1
    return count
