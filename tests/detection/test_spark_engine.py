"""Spark in local mode runs the coordination SQL and finds exactly DuckDB's edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from cibgraph.detection.coordination import CoordinationParams, read_edges
from cibgraph.detection.engine import DuckDBEngine, Scope, open_engine
from cibgraph.detection.spark_engine import SparkEngine, spark_sql
from cibgraph.sharelog import ShareLog
from tests.detection.test_engine import _events, _log, _python, _sql

pytestmark = pytest.mark.slow  # a JVM and a minute of Spark jobs: not for the fast lane


@pytest.fixture(scope="module")
def spark() -> SparkEngine:
    engine = open_engine("spark")  # the session is the process's; each test closes its tables
    assert isinstance(engine, SparkEngine)
    assert engine.spark.sparkContext.master.startswith("local[")
    return engine


def test_parameters_become_named_markers() -> None:
    assert spark_sql("WHERE a = $lo AND b <= $hi + $window_ms") == (
        "WHERE a = :lo AND b <= :hi + :window_ms"
    )


@pytest.mark.parametrize(
    ("seed", "window", "mp", "slice_events"), [(2, 30, 3, 400), (4, 600, 2, 1)]
)
def test_spark_gives_duckdbs_edges_field_for_field(
    spark: SparkEngine, tmp_path: Path, seed: int, window: int, mp: int, slice_events: int
) -> None:
    events = _events(seed)
    params = CoordinationParams(time_window=window, min_participation=mp)
    log = _log(tmp_path, events)
    duck = DuckDBEngine()
    try:
        expected = _sql(duck, log, params, tmp_path / "duckdb.parquet", slice_events=slice_events)
    finally:
        duck.close()
    try:
        found = _sql(spark, log, params, tmp_path / "spark.parquet", slice_events=slice_events)
    finally:
        spark.close()
    edges = list(read_edges(found.edges_file))
    assert len(edges) > 30  # the data really makes a network
    assert edges == list(read_edges(expected.edges_file))  # every field, the same order
    assert edges == _python(events, params)
    assert found.heavy == expected.heavy
    counts = ("share_events", "edge_count", "coordinated_pairs", "edges_above_threshold")
    assert [getattr(found, c) for c in counts] == [getattr(expected, c) for c in counts]
    assert (found.accounts, found.weight_quantile) == (expected.accounts, expected.weight_quantile)


def test_spark_honours_the_scope(spark: SparkEngine, tmp_path: Path) -> None:
    events = _events(6)
    log = _log(tmp_path, [e for e in events if e[1] == "Post"], source="sha256:posts")
    writer = log.writer("sha256:all")
    writer._spool.extend((a, "Account", o, t, c, at, None) for a, t, o, c, at in events)
    writer.commit()
    params = CoordinationParams(time_window=60, min_participation=2)
    half = frozenset(e[0] for e in events if int(e[0][-2:]) % 2 == 0)
    for i, scope in enumerate([Scope(source="sha256:posts"), Scope(accounts=half)]):
        try:
            found = _sql(spark, log, params, tmp_path / f"{i}.parquet", scope=scope)
        finally:
            spark.close()
        chosen = (
            [e for e in events if e[1] == "Post"] if i == 0 else [e for e in events if e[0] in half]
        )
        assert list(read_edges(found.edges_file)) == _python(chosen, params), scope


def test_spark_on_an_empty_log(spark: SparkEngine, tmp_path: Path) -> None:
    try:
        found = _sql(
            spark,
            ShareLog(tmp_path / "log"),
            CoordinationParams(time_window=60, min_participation=2),
            tmp_path / "e.parquet",
        )
    finally:
        spark.close()
    assert (found.edge_count, found.share_events, found.weight_quantile) == (0, 0, None)
    assert list(read_edges(found.edges_file)) == []
