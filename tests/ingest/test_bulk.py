"""`load share-events --bulk` (neo4j-admin import) gives the transactional loader's graph."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from neo4j import Driver

from cibgraph.ingest.base import LoadError, run_load
from cibgraph.ingest.bulk import bulk_load
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.neo4j.db import read, write
from cibgraph.settings import Settings
from cibgraph.sharelog import ShareLog

STAMPS = {"first_loaded_at", "last_loaded_at"}
HASHED = "a3f1" * 16  # a hex digest: a redacted account id


def _file(path: Path) -> Path:
    rows = [
        (
            f"{100 + i % 7}",
            HASHED if i % 5 == 0 else f"{i % 11}",
            f"9{i:03d}",
            1_600_000_000 + i * 7,
        )
        for i in range(60)
    ]
    rows += [rows[3], ("", "1", "9999", 1_600_000_000), ("101", "2", "9998", "not a time")]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        w.writerows(rows)
    return path


def _plain(value: Any, loaded_at: Any) -> Any:
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def graph(db: Driver) -> dict[str, Any]:
    """Counts per label and type, and a SHA-256 over every node's and relationship's
    properties, the load stamps replaced by whether they equal the Source's `loaded_at`."""
    source = read(db, "MATCH (s:Source) RETURN s.loaded_at AS at")
    loaded_at = source[0]["at"] if source else None

    def props(p: dict[str, Any]) -> dict[str, Any]:
        return {k: (v == loaded_at if k in STAMPS else _plain(v, loaded_at)) for k, v in p.items()}

    nodes = read(db, "MATCH (n) WHERE NOT n:Source RETURN labels(n) AS l, properties(n) AS p")
    rels = read(
        db, "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.key AS a, b.key AS b, properties(r) AS p"
    )
    lines = sorted(
        [json.dumps([sorted(r["l"]), props(r["p"])], sort_keys=True) for r in nodes]
        + [json.dumps([r["t"], r["a"], r["b"], props(r["p"])], sort_keys=True) for r in rels]
    )
    labels: dict[str, int] = {}
    for r in nodes:
        for label in r["l"]:
            labels[label] = labels.get(label, 0) + 1
    return {
        "labels": labels,
        "rels": len(rels),
        "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
        "stamped": all(json.loads(x)[-1].get("first_loaded_at") is True for x in lines),
    }


def _source(db: Driver) -> dict[str, Any]:
    props = read(db, "MATCH (s:Source) RETURN properties(s) AS p")[0]["p"]
    return {k: v for k, v in props.items() if k != "loaded_at"}


def _log(db: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        return con.execute(
            "SELECT * EXCLUDE (month) FROM read_parquet($g, hive_partitioning = true) ORDER BY ALL",
            {"g": ShareLog.for_database(db).glob},
        ).fetchall()
    finally:
        con.close()


def test_bulk_gives_the_transactional_graph(db: Driver, settings: Settings, tmp_path: Path) -> None:
    path = _file(tmp_path / "shares.csv")
    database = settings.neo4j_database
    first = run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path / "r1")
    expected, source, log = graph(db), _source(db), _log(database)
    assert expected["labels"] == {"Account": 12, "Post": 7}  # the data is what we think
    assert (expected["rels"], expected["stamped"]) == (60, True)
    write(db, "MATCH (n) DETACH DELETE n")

    bulk = bulk_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path / "r2")
    assert graph(db) == expected
    assert _source(db) == source
    assert _log(database) == log
    counts = ("rows_read", "rows_loaded", "rows_rejected", "duplicates", "skipped")
    assert [getattr(bulk, c) for c in counts] == [getattr(first, c) for c in counts]
    assert [getattr(bulk, c) for c in counts] == [63, 60, 2, 1, 0]
    assert bulk.rejects_path is not None and first.rejects_path is not None
    assert bulk.rejects_path.read_text() == first.rejects_path.read_text()
    # the constraints are back: a second share-events load merges into the imported graph
    again = run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path / "r3")
    assert again.rows_loaded == 60
    assert graph(db)["labels"] == expected["labels"]
    assert graph(db)["rels"] == 60


def test_bulk_needs_an_empty_database_and_a_share_file_it_can_import(
    db: Driver, tmp_path: Path
) -> None:
    path = _file(tmp_path / "shares.csv")
    with pytest.raises(LoadError, match="of domain, hashtag, media, post objects only"):
        bulk_load(
            ShareEventsLoader(object_type=ObjectType.URL), path, driver=db, rejects_dir=tmp_path
        )
    run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path / "r1")
    with pytest.raises(LoadError, match="needs an empty database; this one holds 20 nodes"):
        bulk_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path / "r2")
