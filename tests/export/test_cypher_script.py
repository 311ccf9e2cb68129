"""The Cypher script re-creates the exported subgraph in an empty database, prop by prop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from neo4j import Driver

from cibgraph.export import select_network, write_export
from cibgraph.export.cypher_script import iter_statements, literal, run_script
from cibgraph.settings import Settings
from tests.export.conftest import Demo


def _snapshot(db: Driver, network: str) -> tuple[list[Any], list[Any]]:
    sub = select_network(db, network=network)
    nodes = sorted((n.id, json.dumps(n.props, sort_keys=True)) for n in sub.nodes())
    edges = sorted(
        (e.start, e.type, e.end, json.dumps(e.props, sort_keys=True)) for e in sub.edges()
    )
    return nodes, edges


def test_the_script_reimports_with_equal_counts_and_properties(
    demo: Demo, db: Driver, settings: Settings, tmp_path: Path
) -> None:
    before = _snapshot(db, demo.network)
    out = tmp_path / "net.cypher"
    assert write_export(select_network(db, network=demo.network), "cypher", out) == (14, 25)
    db.execute_query("MATCH (n) DETACH DELETE n")
    assert run_script(db, out, database=settings.neo4j_database) == len(list(iter_statements(out)))
    counts, _, _ = db.execute_query("MATCH (n) RETURN count(n) AS n, COUNT { ()-->() } AS r")
    assert (counts[0]["n"], counts[0]["r"]) == (14, 25)
    assert _snapshot(db, demo.network) == before
    types, _, _ = db.execute_query(
        "MATCH (a:Account {key: 'twitter:1001'}) RETURN valueType(a.created_at) AS t"
    )
    assert types[0]["t"] == "ZONED DATETIME NOT NULL"


def test_literals_escape_every_character_that_could_end_a_string() -> None:
    assert literal("a'b\\c\nd\re\tf\x01") == "'a\\'b\\\\c\\nd\\re\\tf\\u0001'"
    assert literal(["x", 1, 2.5, True, None]) == "['x', 1, 2.5, true, null]"
