"""`cibgraph demo remove`: exactly what the demo loaded goes, by its Source records; a real load
beside it survives, a node both brought stays with the real file's source only."""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.demo import generate
from cibgraph.ingest.remove import demo_files, remove_sources, source_keys
from tests.export.conftest import load_bundle, write_bundle

SNAPSHOT = """
MATCH (n) WITH count(n) AS nodes, collect(n.key) AS keys
OPTIONAL MATCH ()-[r]->() WITH nodes, keys, count(r) AS rels
OPTIONAL MATCH (s:Source)
RETURN nodes, rels, count(s) AS sources, keys
"""


def _snapshot(db: Driver) -> tuple[int, int, int, list[str]]:
    (row,) = db.execute_query(SNAPSHOT).records
    return row["nodes"], row["rels"], row["sources"], sorted(k for k in row["keys"] if k)


def test_demo_remove_leaves_the_real_load_as_it_was(db: Driver, tmp_path: Path) -> None:
    real = write_bundle(tmp_path / "real")
    load_bundle(db, real, tmp_path / "rejects")
    before = _snapshot(db)
    demo = tmp_path / "demo"
    generate(out=demo, scale=0.02)
    loaded = CliRunner().invoke(
        app, ["demo", "load", "--out", str(demo), "--scale", "0.02",
              "--rejects-dir", str(tmp_path / "rejects")],
    )  # fmt: skip
    assert loaded.exit_code in (0, 2), loaded.output  # 2: the demo's deliberate rejects
    with_demo = _snapshot(db)
    assert with_demo[0] > before[0] + 100 and with_demo[2] == before[2] + len(demo_files(demo))
    # a node both loads brought: the real account as if the demo had loaded it too
    demo_key = source_keys(demo_files(demo))[0]
    (real_sources,) = db.execute_query(
        "MATCH (a:Account {key: 'twitter:1001'}) RETURN a.sources AS s"
    ).records
    db.execute_query(
        "MATCH (a:Account {key: 'twitter:1001'}) SET a.sources = a.sources + $k", {"k": demo_key}
    )
    result = CliRunner().invoke(app, ["demo", "remove", "--out", str(demo)])
    assert result.exit_code == 0, result.output
    assert (
        "removed the demo (" in result.output and "1 nodes and relationships" not in result.output
    )
    assert _snapshot(db) == before
    (kept,) = db.execute_query("MATCH (a:Account {key: 'twitter:1001'}) RETURN a.sources AS s")[0]
    assert kept["s"] == real_sources["s"] and demo_key not in kept["s"]
    again = CliRunner().invoke(app, ["demo", "remove", "--out", str(demo)])
    assert (again.exit_code, "nothing loaded from" in again.output) == (0, True)


def test_remove_sources_strips_shared_relationships_and_counts(db: Driver) -> None:
    db.execute_query(
        "CREATE (a:Account {key: 'x:1', sources: ['sha256:aa']}),"
        "       (b:Account {key: 'x:2', sources: ['sha256:aa', 'sha256:bb']}),"
        "       (a)-[:FOLLOWS {sources: ['sha256:aa']}]->(b),"
        "       (b)-[:FOLLOWS {sources: ['sha256:aa', 'sha256:bb']}]->(a),"
        "       (:Source {key: 'sha256:aa'}), (:Source {key: 'sha256:bb'})"
    )
    done = remove_sources(db, ["sha256:aa"], batch=1)
    assert (done.sources, done.relationships, done.nodes, done.kept) == (1, 1, 1, 2)
    rows = db.execute_query(
        "MATCH (n) RETURN n.key AS key, n.sources AS sources ORDER BY key"
    ).records
    assert [(r["key"], r["sources"]) for r in rows] == [
        ("sha256:bb", None), ("x:2", ["sha256:bb"]),
    ]  # fmt: skip
