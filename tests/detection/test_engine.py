"""The SQL engines compute CooRTweet's network exactly as the Python definition does."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cibgraph.detection.coordination import (
    CoordinationEdge,
    CoordinationParams,
    ShareColumns,
    compute_coordination,
    quantile_type7,
    read_edges,
)
from cibgraph.detection.engine import (
    DuckDBEngine,
    EngineResult,
    Scope,
    SqlEngine,
    _slices,
    coordinated_edges,
    quantile_from_histogram,
)
from cibgraph.sharelog import ShareLog

Event = tuple[str, str, str, str, int]  # account, object type, object key, content id, at ms


def _events(seed: int, n: int = 3_000) -> list[Event]:
    """Dense random shares: 60 accounts, 30 objects (some posts, some URLs), in an hour of each of
    3 days (the last second of a day included), with
    zero-delay ties, shares of the object itself and repeated content ids."""
    rng = random.Random(seed)
    out: list[Event] = []
    t0 = 1_700_000_000_000
    for _ in range(n):
        account = f"twitter:a{rng.randrange(60):02d}"
        o = rng.randrange(30)
        otype, okey = ("Post", f"twitter:p{o}") if o % 3 else ("Url", f"https://x.test/{o}")
        content = f"p{o}" if rng.random() < 0.02 else f"c{rng.randrange(n // 2)}"
        at = t0 + rng.randrange(3) * 86_400_000 + rng.randrange(3_600) * 1000 // 4_000 * 4_000
        out.append((account, otype, okey, content, at))
    return sorted(set(out))


def _log(tmp_path: Path, events: list[Event], *, source: str = "sha256:test") -> ShareLog:
    log = ShareLog(tmp_path / "log")
    writer = log.writer(source)
    writer._spool.extend((a, "Account", o, t, c, at, None) for a, t, o, c, at in events)
    writer.commit()
    return log


def _python(events: list[Event], params: CoordinationParams) -> list[CoordinationEdge]:
    cols = ShareColumns([], [], [], [], [])
    for account, otype, okey, content, at in events:
        cols.account.append(account)
        cols.object_key.append(okey)
        cols.object_id.append(okey.partition(":")[2] if otype == "Post" else "")
        cols.content_id.append(content)
        cols.at_ms.append(at)
    return list(compute_coordination(cols, params).all_edges())


def _sql(
    engine: SqlEngine, log: ShareLog, params: CoordinationParams, out: Path, **kw: object
) -> EngineResult:
    return coordinated_edges(
        engine,
        log.events_dir,
        time_window=params.time_window,
        min_participation=params.min_participation,
        edge_weight=params.edge_weight,
        min_weight=params.write_weight,
        out=out,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("seed", "window", "mp", "slice_events"),
    [(1, 60, 2, 2_000_000), (2, 30, 3, 400), (3, 0, 1, 2_000_000), (4, 600, 2, 1)],
)
def test_duckdb_gives_the_python_edges_field_for_field(
    tmp_path: Path, seed: int, window: int, mp: int, slice_events: int
) -> None:
    events = _events(seed)
    params = CoordinationParams(time_window=window, min_participation=mp)
    expected = _python(events, params)
    assert len(expected) > 30  # the data really makes a network
    log = _log(tmp_path, events)
    engine = DuckDBEngine()
    try:
        found = _sql(engine, log, params, tmp_path / "edges.parquet", slice_events=slice_events)
    finally:
        engine.close()
    got = list(read_edges(found.edges_file))
    assert got == expected  # every field, the same order
    assert found.edge_count == len(expected)
    assert found.coordinated_pairs == sum(e.weight for e in expected)
    assert found.edges_above_threshold == sum(e.weight_threshold for e in expected)
    assert [tuple(r) for r in found.heavy] == [e for e in expected if e.weight >= 2]
    assert found.accounts == len({k for e in expected for k in (e.account, e.other)})


def test_time_slices_are_whole_days_of_at_most_the_limit() -> None:
    day = 86_400_000
    assert _slices([(10, 5), (11, 5), (13, 1), (14, 20), (15, 1)], 10) == [
        (10 * day, 12 * day),
        (13 * day, 14 * day),
        (14 * day, 15 * day),  # a busier day is a slice of its own
        (15 * day, 16 * day),
    ]
    assert _slices([], 10) == []


def test_quantile_from_histogram_is_type_7() -> None:
    rng = random.Random(5)
    for _ in range(200):
        values = [rng.choice([1, 1, 1, 2, 3, 7]) for _ in range(rng.randrange(1, 40))]
        hist = sorted((v, values.count(v)) for v in set(values))
        for p in (0.0, 0.1, 0.5, 0.9, 0.975, 1.0):
            assert quantile_from_histogram(hist, p) == quantile_type7(values, p)


def test_scope_selects_kinds_sources_and_accounts(tmp_path: Path) -> None:
    events = _events(6)
    posts = [e for e in events if e[1] == "Post"]
    half = {e[0] for e in events if int(e[0][-2:]) % 2 == 0}
    log = _log(tmp_path, posts, source="sha256:posts")
    writer = log.writer("sha256:urls")
    writer._spool.extend((a, "Account", o, t, c, at, None) for a, t, o, c, at in events)
    writer.commit()  # the second file holds every event, posts again included
    params = CoordinationParams(time_window=60, min_participation=2)
    cases = [
        (Scope(), events),
        (Scope(kinds=(("Post", None),)), posts),
        (Scope(source="sha256:posts"), posts),
        (Scope(accounts=frozenset(half)), [e for e in events if e[0] in half]),
    ]
    for i, (scope, chosen) in enumerate(cases):
        engine = DuckDBEngine()
        try:
            found = _sql(engine, log, params, tmp_path / f"{i}.parquet", scope=scope)
        finally:
            engine.close()
        assert list(read_edges(found.edges_file)) == _python(chosen, params), scope


def test_an_empty_log_gives_an_empty_network(tmp_path: Path) -> None:
    log = ShareLog(tmp_path / "log")
    engine = DuckDBEngine()
    try:
        found = _sql(
            engine,
            log,
            CoordinationParams(time_window=60, min_participation=2),
            tmp_path / "e.parquet",
        )
    finally:
        engine.close()
    assert (found.edge_count, found.share_events, found.weight_quantile) == (0, 0, None)
    assert list(read_edges(found.edges_file)) == []
