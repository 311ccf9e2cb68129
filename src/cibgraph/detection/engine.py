"""Coordinated sharing in SQL over the share log, on DuckDB.

The statements below are CooRTweet 2.1's definition (cibgraph.detection.coordination's
docstring), written once in plain SQL behind a small engine interface (`SqlEngine`, `$name`
parameters) so that another engine can run them (DuckDB here, Apache Spark in
cibgraph.detection.spark_engine):

1. `ev`: the log's distinct share events of accounts, in the run's scope (object kinds, one
   loaded file, a campaign's accounts), one copy per object space (`sp`: 0, or one per kind
   when each kind is its own space: the kinds named, or every kind the log holds); `self`
   marks a share of a post object by that post itself (only a Post object can be one of the
   posts: a URL, hashtag or image id equal to a post id is a coincidence of numbering).
2. `e1`: events of accounts with at least `min_participation` of them in their space, with
   their time bucket `b` (the window's width, so a partner is in the same or the next bucket).
3. `pairs`: shares of the same object by two accounts at most `window_ms` apart, two
   different posts, neither being the object; earlier by (time, content id). Built one time
   slice at a time (about `slice_events` events each, whole days) so that memory stays bounded:
   a slice pairs its own events with those up to one window after it.
4. `paired`, `inpairs`, `qual`: posts in some pair; per account, its events whose post is
   paired; posts of accounts with at least `min_participation` of those. A pair stays when
   either post qualifies.
5. `edges`: one per account pair, smaller key first: weight, mean delay, distinct earlier and
   later posts, their symmetry, and whether the weight is above the `edge_weight` quantile
   (R's type 7, computed exactly in Python from the weights' histogram). With several spaces
   the pairs of every space are counted together: CooRTweet's per-type workflow, which runs
   `detect_groups` on each object type, binds the groups' rows (`rbindlist`) and builds one
   network from them with `generate_coordinated_network` (participation is per space, the
   weight counts the pairs of all spaces, the distinct posts and the quantile are over all).

DuckDB runs in-process with a memory limit and a spill folder (`CIBGRAPH_DUCKDB_MEMORY`,
default 400MB, which keeps the detecting process under 1 GB (684 MB at 3M events);
`CIBGRAPH_DUCKDB_THREADS`, default every core), so a larger log spills to disk rather than fails.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

ENGINES = ("duckdb", "spark")  # spark: cibgraph.detection.spark_engine
SLICE_EVENTS = 2_000_000  # events paired per time slice (whole days; a busier day is alone)
DAY_MS = 86_400_000

EDGE_SCHEMA = pa.schema(
    [
        ("account", pa.string()),
        ("other", pa.string()),
        ("weight", pa.int64()),
        ("avg_time_delta", pa.float64()),
        ("n_content_id", pa.int64()),
        ("n_content_id_y", pa.int64()),
        ("edge_symmetry_score", pa.float64()),
        ("weight_threshold", pa.int64()),
    ]
)

_EVENTS = """
SELECT DISTINCT k.sp AS sp, l.account AS account, l.object_type AS object_type,
       l.object AS object, l.content_id AS content_id, l.at_ms AS at_ms,
       l.object_type = 'Post' AND substr(l.object, instr(l.object, ':') + 1) = l.content_id
         AS is_self
FROM (
  SELECT account, object_type, object, content_id, at_ms, max(via) AS via,
         max(CASE WHEN source = $source THEN 1 ELSE 0 END) AS in_source
  FROM log
  WHERE actor_type = 'Account'
  GROUP BY account, object_type, object, content_id, at_ms
) l
JOIN kinds k
  ON (k.label IS NULL OR k.label = l.object_type)
 AND (CASE WHEN k.exact THEN l.via IS NOT DISTINCT FROM k.via
           ELSE k.via IS NULL OR k.via = l.via END)
WHERE ($source = '' OR l.in_source = 1)
  AND ($all_accounts = 1 OR l.account IN (SELECT account FROM scope_accounts))
"""

_PARTICIPANTS = """
SELECT e.sp, e.account, e.object_type, e.object, e.content_id, e.at_ms, e.is_self,
       CAST(floor(e.at_ms / $bucket_ms) AS BIGINT) AS b
FROM ev e
JOIN (SELECT sp, account FROM ev GROUP BY sp, account HAVING count(*) >= $mp) a
  ON e.sp = a.sp AND e.account = a.account
"""

_DAYS = """
SELECT CAST(floor(at_ms / 86400000) AS BIGINT) AS day, count(*) AS n
FROM e1 WHERE NOT is_self GROUP BY 1 ORDER BY 1
"""

_PAIRS = """
SELECT x.sp AS sp, x.account AS a1, x.content_id AS c1, y.account AS a2, y.content_id AS c2,
       y.at_ms - x.at_ms AS d
FROM (
  SELECT sp, account, object_type, object, content_id, at_ms, b AS jb
  FROM e1 WHERE NOT is_self AND at_ms >= $lo AND at_ms < $hi
  UNION ALL
  SELECT sp, account, object_type, object, content_id, at_ms, b + 1 AS jb
  FROM e1 WHERE NOT is_self AND at_ms >= $lo AND at_ms < $hi
) x
JOIN (SELECT * FROM e1 WHERE NOT is_self AND at_ms >= $lo AND at_ms <= $hi + $window_ms) y
  ON x.sp = y.sp AND x.object_type = y.object_type AND x.object = y.object AND y.b = x.jb
WHERE y.at_ms - x.at_ms <= $window_ms
  AND (y.at_ms > x.at_ms OR (y.at_ms = x.at_ms AND y.content_id > x.content_id))
  AND x.account <> y.account AND x.content_id <> y.content_id
"""

# The pairs with their object and times: what `coordinated_groups` lists (CooRTweet's
# detect_groups rows); the edges never need them.
_PAIRS_WITH_OBJECTS = _PAIRS.replace(
    "y.at_ms - x.at_ms AS d\n",
    "y.at_ms - x.at_ms AS d, x.object_type AS object_type, x.object AS object,\n"
    "       x.at_ms AS t1, y.at_ms AS t2\n",
    1,
)
if _PAIRS_WITH_OBJECTS == _PAIRS:
    raise RuntimeError("the pairs statement lost its select list")

_GROUPS = """
SELECT p.object_type, p.object, p.a1, p.a2, p.c1, p.c2, p.t1, p.t2, p.d
FROM pairs p
LEFT JOIN qual q1 ON p.sp = q1.sp AND p.c1 = q1.c
LEFT JOIN qual q2 ON p.sp = q2.sp AND p.c2 = q2.c
WHERE q1.c IS NOT NULL OR q2.c IS NOT NULL
ORDER BY p.t1, p.t2, p.a1, p.a2, p.object_type, p.object
"""

_PAIRED = """
SELECT DISTINCT sp, c FROM (
  SELECT sp, c1 AS c FROM pairs UNION ALL SELECT sp, c2 AS c FROM pairs
) u
"""

_IN_PAIRS = """
SELECT e.sp, e.account, count(*) AS n
FROM e1 e JOIN paired p ON e.sp = p.sp AND e.content_id = p.c
GROUP BY e.sp, e.account
"""

_QUALIFIED = """
SELECT DISTINCT e.sp, e.content_id AS c
FROM e1 e
JOIN paired p ON e.sp = p.sp AND e.content_id = p.c
JOIN inpairs i ON e.sp = i.sp AND e.account = i.account
WHERE i.n >= $mp
"""

_AGGREGATED = """
SELECT CASE WHEN p.a1 < p.a2 THEN p.a1 ELSE p.a2 END AS account,
       CASE WHEN p.a1 < p.a2 THEN p.a2 ELSE p.a1 END AS other,
       count(*) AS weight, sum(p.d) AS delay_ms,
       count(DISTINCT p.c1) AS n1, count(DISTINCT p.c2) AS n2
FROM pairs p
LEFT JOIN qual q1 ON p.sp = q1.sp AND p.c1 = q1.c
LEFT JOIN qual q2 ON p.sp = q2.sp AND p.c2 = q2.c
WHERE q1.c IS NOT NULL OR q2.c IS NOT NULL
GROUP BY 1, 2
"""

_HISTOGRAM = "SELECT weight, count(*) AS n FROM agg GROUP BY weight ORDER BY weight"

_EDGES = """
SELECT account, other, weight,
       CAST(delay_ms AS DOUBLE) / (weight * 1000) AS avg_time_delta,
       n1 AS n_content_id, n2 AS n_content_id_y,
       CAST(CASE WHEN n1 < n2 THEN n1 ELSE n2 END AS DOUBLE)
         / CAST(CASE WHEN n1 < n2 THEN n2 ELSE n1 END AS DOUBLE) AS edge_symmetry_score,
       CASE WHEN $has_quantile = 1 AND weight > $quantile THEN 1 ELSE 0 END AS weight_threshold
FROM agg
"""

_ALL_EDGES = "SELECT * FROM edges ORDER BY account, other"
_HEAVY_EDGES = "SELECT * FROM edges WHERE weight >= $min_weight ORDER BY account, other"

_COUNTS = """
SELECT (SELECT count(*) FROM e1) AS share_events,
       (SELECT count(*) FROM edges) AS edges,
       (SELECT coalesce(sum(weight), 0) FROM edges) AS pairs,
       (SELECT coalesce(sum(weight_threshold), 0) FROM edges) AS above,
       (SELECT count(*) FROM (SELECT account AS k FROM edges UNION SELECT other AS k FROM edges) u)
         AS accounts
"""


class SqlEngine(Protocol):
    """What the coordination SQL needs from an engine."""

    name: str

    def register_log(self, path: Path) -> None:
        """The share log's Parquet files as the view `log` (empty when there are none)."""

    def register_rows(self, name: str, schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> None:
        """A small table from Python rows."""

    def create(self, name: str, sql: str, params: Mapping[str, Any]) -> None:
        """`name` as the result of a query (a table or a cached view)."""

    def append(self, name: str, sql: str, params: Mapping[str, Any]) -> None:
        """Append a query's rows to the table `name` made by `create`."""

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """A query's rows (small results only)."""

    def to_parquet(self, sql: str, params: Mapping[str, Any], path: Path) -> None:
        """A query's rows written to one Parquet file (streamed, never all in memory)."""

    def stream(self, sql: str, params: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
        """A query's rows, a batch at a time."""

    def close(self) -> None: ...


_LOG_COLUMNS = (
    "account VARCHAR, actor_type VARCHAR, object VARCHAR, object_type VARCHAR, "
    "content_id VARCHAR, at_ms BIGINT, via VARCHAR, source VARCHAR"
)


class DuckDBEngine:
    """DuckDB in this process, with a memory limit and a spill folder."""

    name = "duckdb"

    def __init__(
        self,
        *,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: Path | None = None,
    ) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="cibgraph-duckdb-", dir=temp_directory))
        self.con = duckdb.connect(
            config={
                "memory_limit": memory_limit or os.environ.get("CIBGRAPH_DUCKDB_MEMORY", "400MB"),
                "threads": threads
                or int(os.environ.get("CIBGRAPH_DUCKDB_THREADS", 0) or os.cpu_count() or 1),
                "temp_directory": str(self._tmp),
                "preserve_insertion_order": False,
            }
        )

    def register_log(self, path: Path) -> None:
        files = sorted(str(p) for p in path.glob("month=*/*.parquet"))
        if files:
            self.con.read_parquet(files, union_by_name=True).create_view("log")
        else:
            self.con.execute(f"CREATE TEMP TABLE log ({_LOG_COLUMNS})")

    def register_rows(self, name: str, schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> None:
        columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema.names]
        table = pa.Table.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
        )
        view = f"{ident(name)}_arrow"
        self.con.register(view, table)
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {view}")  # noqa: S608 - our names
        self.con.unregister(view)

    def create(self, name: str, sql: str, params: Mapping[str, Any]) -> None:
        self.con.execute(f"CREATE TEMP TABLE {ident(name)} AS {sql}", used_params(sql, params))

    def append(self, name: str, sql: str, params: Mapping[str, Any]) -> None:
        self.con.execute(f"INSERT INTO {ident(name)} {sql}", used_params(sql, params))

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, used_params(sql, params)).fetchall()

    def to_parquet(self, sql: str, params: Mapping[str, Any], path: Path) -> None:
        reader: Any = self.con.sql(sql, params=used_params(sql, params)).to_arrow_reader(100_000)
        with pq.ParquetWriter(path, EDGE_SCHEMA) as out:
            for batch in reader:
                out.write_batch(batch.cast(EDGE_SCHEMA))

    def stream(self, sql: str, params: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
        result = self.con.execute(sql, used_params(sql, params))
        while chunk := result.fetchmany(50_000):
            yield from chunk

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """A table name of ours (the statements' own names only)."""
    if not _IDENT.match(name):
        raise ValueError(f"not a table name: {name!r}")
    return name


def used_params(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a statement uses (both engines refuse unused ones)."""
    names = set(re.findall(r"\$(\w+)", sql))
    return {k: v for k, v in params.items() if k in names}


def open_engine(name: str) -> SqlEngine:
    """A new engine session of this name (see ENGINES)."""
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":  # pyspark and a JVM only when asked for
        from cibgraph.detection.spark_engine import SparkEngine

        return SparkEngine()
    raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")


def quantile_from_histogram(histogram: Sequence[tuple[int, int]], p: float) -> float:
    """R's type-7 quantile of the values `histogram` counts ((value, count), ascending),
    computed as `coordination.quantile_type7` does, without expanding the values."""
    n = sum(c for _, c in histogram)
    index = 1 + (n - 1) * p  # R's 1-based position
    lo, hi = int(index // 1), -int(-index // 1)

    def at(position: int) -> int:  # the value at a 1-based position of the sorted values
        seen = 0
        for value, count in histogram:
            seen += count
            if position <= seen:
                return value
        raise IndexError(position)

    q = float(at(lo))
    x_hi = at(hi)
    if index > lo and x_hi != q:
        h = index - lo
        q = (1 - h) * q + h * x_hi
    return q


@dataclass(frozen=True, slots=True)
class Scope:
    """Which share events a run reads: object kinds (label, via; None: any) one space each or
    together (per_kind with no kinds: every kind in the log, each its own space), one source,
    one set of accounts (None: all)."""

    kinds: tuple[tuple[str | None, str | None], ...] = ()
    per_kind: bool = False
    source: str | None = None
    accounts: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class EngineResult:
    """What the SQL found: counts, the heavy edges (as rows), and every edge in a file."""

    share_events: int
    edge_count: int
    coordinated_pairs: int
    edges_above_threshold: int
    accounts: int
    weight_quantile: float | None
    heavy: list[tuple[Any, ...]]  # EDGE_SCHEMA rows with weight >= min_weight, ordered
    edges_file: Path  # every edge, EDGE_SCHEMA, ordered by (account, other)


_KINDS = pa.schema(
    [("sp", pa.int64()), ("label", pa.string()), ("via", pa.string()), ("exact", pa.bool_())]
)
# The kinds of share events the log holds: each its own space when a run is per kind and
# names none (a post's shares by retweet, by reply ... and by no named way are three kinds).
_LOG_KINDS = """
SELECT DISTINCT object_type, via FROM log WHERE actor_type = 'Account'
ORDER BY object_type, via NULLS FIRST
"""
_ACCOUNTS = pa.schema([("account", pa.string())])


def coordinated_edges(
    engine: SqlEngine,
    log_events: Path,
    *,
    time_window: int,
    min_participation: int,
    edge_weight: float,
    min_weight: int,
    out: Path,
    scope: Scope = Scope(),
    slice_events: int = SLICE_EVENTS,
) -> EngineResult:
    """Run the statements of the module docstring on the log's events; edges into `out`."""
    laps = [time.perf_counter()]
    p, slices = _qualified_pairs(
        engine,
        log_events,
        time_window=time_window,
        min_participation=min_participation,
        scope=scope,
        slice_events=slice_events,
        pairs_sql=_PAIRS,
        laps=laps,
    )
    engine.create("agg", _AGGREGATED, p)
    histogram = [(int(w), int(n)) for w, n in engine.rows(_HISTOGRAM, p)]
    quantile = quantile_from_histogram(histogram, edge_weight) if histogram else None
    q = {**p, "has_quantile": 0 if quantile is None else 1, "quantile": quantile or 0.0}
    engine.create("edges", _EDGES, q)
    laps.append(time.perf_counter())
    counts = engine.rows(_COUNTS, q)[0]
    engine.to_parquet(_ALL_EDGES, q, out)
    heavy = list(engine.stream(_HEAVY_EDGES, {**q, "min_weight": min_weight}))
    laps.append(time.perf_counter())
    logger.info(
        "coordination on %s: %d time slices; events %.2f s, pairs %.2f s, edges %.2f s, "
        "output %.2f s",
        engine.name,
        len(slices),
        *(b - a for a, b in itertools.pairwise(laps)),
    )
    share_events, edge_count, pairs, above, accounts = (int(x) for x in counts)
    return EngineResult(
        share_events=share_events,
        edge_count=edge_count,
        coordinated_pairs=pairs,
        edges_above_threshold=above,
        accounts=accounts,
        weight_quantile=quantile,
        heavy=heavy,
        edges_file=out,
    )


Group = tuple[str, str, str, str, str, str, int, int, int]


def coordinated_groups(
    engine: SqlEngine,
    log_events: Path,
    *,
    time_window: int,
    min_participation: int,
    scope: Scope = Scope(),
    slice_events: int = SLICE_EVENTS,
) -> Iterator[Group]:
    """The coordinated pairs behind a network, as CooRTweet's detect_groups lists them (and
    its rbind of several types): object type (label), object key, earlier and later account,
    earlier and later post, their times (epoch ms) and delay (ms); in time order."""
    p, _ = _qualified_pairs(
        engine,
        log_events,
        time_window=time_window,
        min_participation=min_participation,
        scope=scope,
        slice_events=slice_events,
        pairs_sql=_PAIRS_WITH_OBJECTS,
        laps=[],
    )
    for row in engine.stream(_GROUPS, p):
        yield (
            str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
            int(row[6]), int(row[7]), int(row[8]),
        )  # fmt: skip


_SCOPED_SHARES = """
SELECT account, object_type, object, content_id, at_ms FROM e1 ORDER BY account, at_ms, object
"""


def scoped_shares(
    engine: SqlEngine,
    log_events: Path,
    *,
    min_participation: int,
    scope: Scope = Scope(),
) -> list[tuple[str, str, str, str, int]]:
    """The share events a run of this scope reads (one object space; accounts with at least
    `min_participation` of them): account, object label, object key, content id, time (ms)."""
    if scope.per_kind:
        raise ValueError("the shares of one object space only: the scope is per kind")
    _events(engine, log_events, time_window=0, min_participation=min_participation, scope=scope)
    return [
        (str(a), str(t), str(o), str(c), int(ms))
        for a, t, o, c, ms in engine.rows(_SCOPED_SHARES, {})
    ]


def _events(
    engine: SqlEngine,
    log_events: Path,
    *,
    time_window: int,
    min_participation: int,
    scope: Scope,
) -> dict[str, Any]:
    """Steps 1 and 2: the tables kinds, scope_accounts, ev and e1; returns the parameters."""
    engine.register_log(log_events)
    kinds: list[tuple[int, str | None, str | None, bool]]
    if scope.kinds:
        kinds = [
            (i if scope.per_kind else 0, label, via, False)
            for i, (label, via) in enumerate(scope.kinds)
        ]
    elif scope.per_kind:
        kinds = [(i, lab, via, True) for i, (lab, via) in enumerate(engine.rows(_LOG_KINDS, {}))]
    else:
        kinds = [(0, None, None, False)]
    engine.register_rows("kinds", _KINDS, kinds)
    engine.register_rows("scope_accounts", _ACCOUNTS, [(a,) for a in sorted(scope.accounts or ())])
    window_ms = time_window * 1000
    p: dict[str, Any] = {
        "source": scope.source or "",
        "all_accounts": 1 if scope.accounts is None else 0,
        "mp": min_participation,
        "bucket_ms": max(window_ms, 1),
        "window_ms": window_ms,
    }
    engine.create("ev", _EVENTS, p)
    engine.create("e1", _PARTICIPANTS, p)
    return p


def _qualified_pairs(
    engine: SqlEngine,
    log_events: Path,
    *,
    time_window: int,
    min_participation: int,
    scope: Scope,
    slice_events: int,
    pairs_sql: str,
    laps: list[float],
) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """Steps 1 to 4: the tables ev, e1, pairs (by `pairs_sql`), paired, inpairs and qual;
    returns the statements' parameters and the time slices."""
    p = _events(
        engine,
        log_events,
        time_window=time_window,
        min_participation=min_participation,
        scope=scope,
    )
    laps.append(time.perf_counter())
    engine.create("pairs", pairs_sql, {**p, "lo": 0, "hi": 0})
    slices = _slices(engine.rows(_DAYS, p), slice_events)
    for lo, hi in slices:
        engine.append("pairs", pairs_sql, {**p, "lo": lo, "hi": hi})
    laps.append(time.perf_counter())
    engine.create("paired", _PAIRED, p)
    engine.create("inpairs", _IN_PAIRS, p)
    engine.create("qual", _QUALIFIED, p)
    return p, slices


def _slices(days: Sequence[tuple[Any, Any]], limit: int) -> list[tuple[int, int]]:
    """Whole days grouped into time ranges [lo, hi) of at most `limit` events (a busier day
    makes a range of its own)."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    end = count = 0
    for day, n in days:
        day, n = int(day), int(n)
        if start is not None and count + n > limit:
            out.append((start * DAY_MS, (end + 1) * DAY_MS))
            start = None
        if start is None:
            start, count = day, 0
        end, count = day, count + n
    if start is not None:
        out.append((start * DAY_MS, (end + 1) * DAY_MS))
    return out
