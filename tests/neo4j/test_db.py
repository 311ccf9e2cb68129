"""Ad-hoc helpers: READ routing for reads; batched writes of named queries through the runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, RoutingControl

from cibgraph.neo4j import db as dbmod
from cibgraph.neo4j.registry import get_query, parse_query_file
from cibgraph.neo4j.runner import QueryCallError

MERGE_ACCOUNTS = """// name: t/merge_accounts
// answers: test accounts
// params: rows: list, src: string
// mode: write
UNWIND $rows AS row MERGE (a:Account {key: row.key}) SET a.handle = row.handle, a.src = $src
"""


def test_batched_splits_without_losing_rows() -> None:
    rows = [{"i": i} for i in range(7)]
    chunks = list(dbmod.batched(rows, 3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [r["i"] for c in chunks for r in c] == list(range(7))
    with pytest.raises(ValueError):
        list(dbmod.batched(rows, 0))


def test_write_batches_is_idempotent(db: Driver, tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    path = tmp_path / "t" / "merge_accounts.cypher"
    path.write_text(MERGE_ACCOUNTS)
    query = parse_query_file(path, root=tmp_path)
    rows = [{"key": f"twitter:{i}", "handle": f"user{i}"} for i in range(2_500)]
    n = dbmod.write_batches(db, query, rows, batch_size=1_000, params={"src": "t"})
    assert n == 3
    dbmod.write_batches(db, query, iter(rows), batch_size=700, params={"src": "t"})
    records = dbmod.read(db, "MATCH (a:Account) RETURN count(a) AS n, count(a.src) AS s")
    assert (records[0]["n"], records[0]["s"]) == (2_500, 2_500)


def test_write_batches_takes_a_named_querys_text_but_no_other(db: Driver) -> None:
    text = get_query("load/source").text
    with pytest.raises(QueryCallError, match=r"UNWIND \$rows"):
        dbmod.write_batches(db, text, [{"a": 1}], params={"key": "k", "props": {}})
    with pytest.raises(QueryCallError, match="not the text of a named query"):
        dbmod.write_batches(db, "UNWIND $rows AS r CREATE (:Account {key: r.k})", [{"k": 1}])


class _RecordingDriver:
    """Stands in for the driver only to see which routing a read asks for."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def execute_query(self, query: str, **kwargs: Any) -> tuple[list[Any], None, None]:
        self.calls.append({"query": query, **kwargs})
        return [], None, None


def test_reads_use_read_routing_and_writes_write_routing() -> None:
    fake = _RecordingDriver()
    dbmod.read(fake, "RETURN $x", {"x": 1}, database="neo4j")  # type: ignore[arg-type]
    dbmod.write(fake, "CREATE ()", database="neo4j")  # type: ignore[arg-type]
    assert fake.calls[0] == {
        "query": "RETURN $x",
        "parameters_": {"x": 1},
        "routing_": RoutingControl.READ,
        "database_": "neo4j",
    }
    assert fake.calls[1]["routing_"] == RoutingControl.WRITE
