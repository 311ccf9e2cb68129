"""Coordinated sharing detection with CooRTweet 2.1's semantics, written back with its evidence.

The definition (DOMAIN.md, "CooRTweet semantics") as CooRTweet 2.1 computes it, checked edge by edge
against its output on the Russian sample:

1. Keep accounts with at least `min_participation` share events.
2. For each shared object, every pair of its shares at most `time_window` seconds apart
   (inclusive) is a coordinated pair; the earlier share is the pair's `content_id`, the later its
   `content_id_y`.
3. Drop loops: two shares of the same post, two shares by the same account, and pairs where the
   object is one of the two posts (`object_id == content_id`; only a post object can be:
   CooRTweet's per-type workflow prefixes other objects' ids by their type, so an image id
   equal to a post id is no loop).
4. Count, per account, its share events whose post is in some remaining pair; keep a pair when
   either of its posts belongs to an account with at least `min_participation` of them.
5. One undirected edge per account pair: `weight` = number of pairs, `avg_time_delta` = their mean
   delay in seconds, `n_content_id` / `n_content_id_y` = distinct earlier / later posts
   (whichever account made them),
   `edge_symmetry_score` = min/max of those two, `weight_threshold` = 1 when the weight is
   strictly above the `edge_weight` quantile (R's default type 7) of all edge weights.

Detection runs in SQL over the share log (cibgraph.sharelog, cibgraph.detection.engine), on
DuckDB; the pure-Python computation over events read from
Neo4j (`read_share_events` + `compute_coordination`) stays as a cross-check for tests. Only
edges of at least `write_weight` (default 2: a weight-1 edge has strength 0 in fusion) are
written to the graph, with CREATE by internal node ids in parallel batches; every edge of a run
is kept in the log (`runs/<run>.parquet`, `cibgraph detect export RUN`).

Ties (two shares at the same instant) are ordered by content id: CooRTweet uses the input row
order there, which a graph does not keep; only which side of a zero-delay pair counts as the
"earlier" post (n_content_id vs n_content_id_y) depends on it. On the reference data the result is
the same for any order.
"""

from __future__ import annotations

import gc
import itertools
import logging
import math
import os
import shutil
import tempfile
import time
import uuid
import weakref
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pyarrow as pa
import pyarrow.parquet as pq
from neo4j import Driver
from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.engine import (
    EDGE_SCHEMA,
    Group,
    Scope,
    coordinated_edges,
    coordinated_groups,
    open_engine,
    scoped_shares,
)
from cibgraph.detection.null import EdgeNull, permutation_null
from cibgraph.detection.signal import PARAMS_CONFIG, FusionReader, Scalar, Signal, saturating
from cibgraph.ingest.shares import ShareKind
from cibgraph.neo4j.runner import QueryRunner, batched
from cibgraph.neo4j.schema import RelType
from cibgraph.sharelog import ShareLog

logger = logging.getLogger(__name__)

KIND = "coordination"
ALGORITHM = "CooRTweet 2.1 coordinated sharing"
_STRENGTH = "1 - exp(-(weight - 1) / 3): one co-share 0, 2 give 0.28, 5 give 0.74"
EDGE_BATCH_SIZE = 5_000
EDGE_WRITERS = 2  # parallel transactions creating a run's edges (one per core here)


@params_model(config=PARAMS_CONFIG)
class CoordinationParams:
    """The three knobs of CooRTweet's detection (60 s and 2 as CooRTweet is usually run)."""

    time_window: int = Field(
        default=60, ge=0, description="Seconds between two shares (inclusive)."
    )
    min_participation: int = Field(default=2, ge=1, description="Share events an account needs.")
    edge_weight: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Quantile of edge weights to flag edges above."
    )
    # Not CooRTweet's: how unlikely each edge is by chance (cibgraph.detection.null).
    null_permutations: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Shuffles of the permutation null giving each edge a p-value (0: none).",
    )
    seed: int = Field(default=0, ge=0, description="Seed of the permutation null's shuffles.")
    write_weight: int = Field(
        default=2,
        ge=1,
        description="Smallest weight of an edge written to the graph (weight 1 has strength 0 "
        "in fusion); every edge stays in the run's log.",
    )
    engine: str = Field(
        default="duckdb",
        pattern=r"^(duckdb|spark)$",
        description="Where the network is computed: duckdb (in process) or spark (pyspark; "
        "CIBGRAPH_SPARK_MASTER, local[N] by default).",
    )
    # The scope: which share events a run reads (default: every one in the graph).
    object_type: tuple[str, ...] = Field(
        default=(),
        description="Only share events of these object types "
        f"({', '.join(k.value for k in ShareKind)}; the option repeated for several); "
        "none: every share event.",
    )
    per_type: bool = Field(
        default=False,
        description="Each object type its own object space, their coordinated pairs combined "
        "into one network (CooRTweet's per-type workflow); with no object type named, every "
        "type the graph holds.",
    )
    source: str = Field(
        default="",
        description="Only share events of this loaded file (its name, path or sha256).",
    )
    campaign: str = Field(
        default="",
        description="Only accounts attributed to this campaign, or members of this fused network.",
    )

    @field_validator("object_type")
    @classmethod
    def _known_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = [k.value for k in ShareKind]
        wrong = [v for v in value if v not in known]
        if wrong:
            raise ValueError(f"has no type {', '.join(wrong)}; known: {', '.join(known)}")
        return tuple(dict.fromkeys(value))

    @property
    def scoped(self) -> bool:
        """Whether the run reads less than every share event, or reads it per type."""
        return bool(self.object_type or self.per_type or self.source or self.campaign)

    def scope_text(self) -> str:
        """The scope in words, for reports and evidence ('' for every share event)."""
        parts = []
        if self.object_type:
            parts.append("object types " + ", ".join(self.object_type))
        if self.per_type:
            parts.append("each object type its own space")
        if self.source:
            parts.append(f"file {self.source}")
        if self.campaign:
            parts.append(f"accounts of {self.campaign}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ShareColumns:
    """Share events as parallel columns, one entry per SHARED relationship.

    `object_id` is the object's own id, compared with content ids to drop loops: the post id
    (its key without the platform) for posts, empty for URLs, hashtags and the rest (only a
    post object can be one of the sharing posts).
    """

    account: list[str]
    object_key: list[str]
    object_id: list[str]
    content_id: list[str]
    at_ms: list[int]

    def __len__(self) -> int:
        return len(self.account)


class CoordinationEdge(NamedTuple):
    """One undirected edge, stored from the smaller account key to the larger.

    A named tuple: a network can have millions of edges, and tuples are the cheapest immutable
    records Python builds.
    """

    account: str
    other: str
    weight: int
    avg_time_delta: float
    n_content_id: int
    n_content_id_y: int
    edge_symmetry_score: float
    weight_threshold: int

    def row(self) -> dict[str, Any]:
        """The edge as the parameters of detect/coordinated_with (the ids query adds `a`, `b`)."""
        return self._asdict()


@dataclass(frozen=True, slots=True, weakref_slot=True)
class CoordinationResult:
    """A computed network, not yet written: its parameters, counts, the edges to write to the
    graph (`heavy`: weight at least `params.write_weight`) and every edge in a Parquet file."""

    params: CoordinationParams
    heavy: tuple[CoordinationEdge, ...]
    edge_count: int  # every edge of the network
    edges_file: Path  # every edge, ordered by (account, other); removed with the result
    accounts: int  # accounts the network links
    weight_quantile: float | None  # None when there is no edge to take a quantile of
    share_events: int  # share events read (accounts below min_participation excluded)
    coordinated_pairs: int  # pairs of shares behind the edges (the sum of the weights)
    edges_above_threshold: int
    started_at: datetime
    # (account, other) -> the edge's standing against the permutation null, when it ran
    nulls: Mapping[tuple[str, str], EdgeNull] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The file goes with the last result holding it (`replace` makes a second one).
        _FILE_USERS[self.edges_file] += 1
        weakref.finalize(self, _release, self.edges_file)

    def all_edges(self) -> Iterator[CoordinationEdge]:
        """Every edge of the network, streamed from its file."""
        yield from read_edges(self.edges_file)

    @property
    def edges(self) -> tuple[CoordinationEdge, ...]:
        """Every edge of the network, all in memory (large networks: `all_edges`)."""
        return tuple(self.all_edges())

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        quantile = "-" if self.weight_quantile is None else f"{self.weight_quantile:g}"
        scope = self.params.scope_text()
        return [
            *((("scope", scope),) if scope else ()),
            ("share events read", self.share_events),
            ("coordinated pairs", self.coordinated_pairs),
            ("accounts", self.accounts),
            ("edges", self.edge_count),
            (f"above quantile {quantile}", self.edges_above_threshold),
            (f"written (weight >= {self.params.write_weight})", len(self.heavy)),
        ]


_FILE_USERS: Counter[Path] = Counter()


def _release(path: Path) -> None:
    _FILE_USERS[path] -= 1
    if _FILE_USERS[path] <= 0:
        del _FILE_USERS[path]
        path.unlink(missing_ok=True)


def read_edges(path: Path) -> Iterator[CoordinationEdge]:
    """The edges of an edge file (a result's, or a run's in the share log)."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=50_000):
        yield from map(CoordinationEdge._make, zip(*batch.to_pydict().values(), strict=True))


def _edge_file() -> Path:
    fd, name = tempfile.mkstemp(prefix="cibgraph-edges-", suffix=".parquet")
    os.close(fd)
    return Path(name)


@dataclass(frozen=True, slots=True)
class CoordinationRun:
    """A network written to the graph under its own DetectionRun."""

    run_id: str
    accounts: int
    edges: int
    started_at: datetime
    finished_at: datetime


@dataclass(frozen=True, slots=True)
class EvidencePair:
    """Two shares of the same object by two accounts, close enough in time to count."""

    object_key: str
    a_content_id: str
    a_at: datetime
    b_content_id: str
    b_at: datetime
    delta: float  # seconds between the two shares


def quantile_type7(values: list[int], p: float) -> float:
    """R's `quantile(x, p)` with its default type 7, arithmetic included, on a non-empty list."""
    xs = sorted(values)
    index = 1 + (len(xs) - 1) * p  # R's 1-based position
    lo, hi = math.floor(index), math.ceil(index)
    q = float(xs[lo - 1])
    if index > lo and xs[hi - 1] != q:
        h = index - lo
        q = (1 - h) * q + h * xs[hi - 1]
    return q


def _object_id(key: str, is_post: bool) -> str:
    return key.partition(":")[2] if is_post else ""


def read_share_events(
    driver: Driver, *, min_participation: int, database: str | None = None
) -> ShareColumns:
    """Every share event of the accounts with at least `min_participation` of them (READ)."""
    records = QueryRunner(driver, database=database).run(
        "detect/share_events", {"min_participation": min_participation}
    )
    cols = ShareColumns([], [], [], [], [])
    for r in records:
        objects: list[str] = r["objects"]
        cols.account.extend([r["account"]] * len(objects))
        cols.object_key.extend(objects)
        cols.object_id.extend(map(_object_id, objects, r["is_post"]))
        cols.content_id.extend(r["content_ids"])
        cols.at_ms.extend(r["at_ms"])
    return cols


def compute_coordination(
    shares: ShareColumns, params: CoordinationParams, *, started_at: datetime | None = None
) -> CoordinationResult:
    """The coordinated network of `shares` (pure Python; see the module docstring).

    Work is proportional to the number of shares plus the number of pairs that really fall in a
    window: shares are sorted once, then each object's shares are swept with a moving start.
    The cyclic garbage collector is paused meanwhile: the computation makes no reference cycles,
    and with millions of edges the collector's passes took a third of the time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compute(shares, params, started_at=started_at)
    finally:
        if collecting:
            gc.enable()


def _compute(
    shares: ShareColumns, params: CoordinationParams, *, started_at: datetime | None
) -> CoordinationResult:
    started = started_at or datetime.now(UTC)
    mp = params.min_participation
    laps = [time.perf_counter()]

    # 1. Accounts with enough share events; everything below works on their rows only.
    per_account = Counter(shares.account)
    rows = [i for i, a in enumerate(shares.account) if per_account[a] >= mp]
    names = sorted({shares.account[i] for i in rows})
    rank = {name: n for n, name in enumerate(names)}  # integer order == key order
    acc = [rank[shares.account[i]] for i in rows]
    content_index: dict[str, int] = {}
    cont = [content_index.setdefault(shares.content_id[i], len(content_index)) for i in rows]
    at = [shares.at_ms[i] for i in rows]
    self_share = [shares.content_id[i] == shares.object_id[i] for i in rows]
    objects = [shares.object_key[i] for i in rows]

    laps.append(time.perf_counter())
    # 2-3. Window pairs per object, loops dropped. One global sort by time, ties by content id,
    # leaves every object's bucket in order; two stable sorts avoid a million key tuples.
    content = [shares.content_id[i] for i in rows]
    order = sorted(range(len(rows)), key=content.__getitem__)
    order.sort(key=at.__getitem__)
    buckets: dict[str, list[int]] = {}
    for k in order:
        if not self_share[k]:  # a share of the object itself is a loop with every partner
            buckets.setdefault(objects[k], []).append(k)
    window = params.time_window * 1000
    earlier = array("q")
    later = array("q")
    for bucket in buckets.values():
        start = 0
        for pos in range(1, len(bucket)):
            j = bucket[pos]
            t, aj, cj = at[j], acc[j], cont[j]
            while t - at[bucket[start]] > window:
                start += 1
            for i in bucket[start:pos]:
                if acc[i] != aj and cont[i] != cj:
                    earlier.append(i)
                    later.append(j)

    laps.append(time.perf_counter())
    # 4. Accounts with at least min_participation share events among the paired posts; a pair
    # stays when either of its posts belongs to one of them.
    paired = bytearray(len(content_index))
    for k in earlier:
        paired[cont[k]] = 1
    for k in later:
        paired[cont[k]] = 1
    in_pairs = [0] * len(names)
    for k, c in enumerate(cont):
        if paired[c]:
            in_pairs[acc[k]] += 1
    qualifies = bytearray(len(content_index))
    for k, c in enumerate(cont):
        if paired[c] and in_pairs[acc[k]] >= mp:
            qualifies[c] = 1

    laps.append(time.perf_counter())
    # 5. Aggregate per account pair into flat arrays indexed by edge. Distinct earlier / later
    # posts: each edge remembers its first pair's two posts; any other post goes into a set of
    # (edge, post) codes. Most edges have a single pair and never touch the sets.
    n_acc, n_cont = len(names), max(len(content_index), 1)
    edge_of: dict[int, int] = {}  # account pair code -> edge index
    weights, delay_ms = array("q"), array("q")
    first_early, first_late = array("q"), array("q")
    more_early: set[int] = set()
    more_late: set[int] = set()
    for i, j in zip(earlier, later, strict=True):
        ci, cj = cont[i], cont[j]
        if not (qualifies[ci] or qualifies[cj]):
            continue
        a, b = acc[i], acc[j]
        pair = a * n_acc + b if a < b else b * n_acc + a
        e = edge_of.get(pair)
        if e is None:
            edge_of[pair] = len(weights)
            weights.append(1)
            delay_ms.append(at[j] - at[i])
            first_early.append(ci)
            first_late.append(cj)
            continue
        weights[e] += 1
        delay_ms[e] += at[j] - at[i]
        if ci != first_early[e]:
            more_early.add(e * n_cont + ci)
        if cj != first_late[e]:
            more_late.add(e * n_cont + cj)
    n_early = array("q", [1]) * len(weights)
    for code in more_early:
        n_early[code // n_cont] += 1
    n_late = array("q", [1]) * len(weights)
    for code in more_late:
        n_late[code // n_cont] += 1
    del more_early, more_late

    laps.append(time.perf_counter())
    quantile = quantile_type7(list(weights), params.edge_weight) if weights else None
    edges = []
    linked: set[int] = set()
    for pair in sorted(edge_of):
        e = edge_of[pair]
        a, b = divmod(pair, n_acc)
        linked.add(a)
        linked.add(b)
        weight, n1, n2 = weights[e], n_early[e], n_late[e]
        edges.append(
            CoordinationEdge(
                names[a],
                names[b],
                weight,
                delay_ms[e] / (weight * 1000),
                n1,
                n2,
                min(n1, n2) / max(n1, n2),
                int(quantile is not None and weight > quantile),
            )
        )
    laps.append(time.perf_counter())
    logger.debug(
        "coordination phases (s): prepare %.2f, pairs %.2f, participation %.2f, aggregate %.2f, "
        "edges %.2f",
        *(b - a for a, b in itertools.pairwise(laps)),
    )
    path = _edge_file()
    pq.write_table(pa.Table.from_pylist([e.row() for e in edges], schema=EDGE_SCHEMA), str(path))
    return CoordinationResult(
        params=params,
        heavy=tuple(e for e in edges if e.weight >= params.write_weight),
        edge_count=len(edges),
        edges_file=path,
        accounts=len(linked),
        weight_quantile=quantile,
        share_events=len(shares),
        coordinated_pairs=sum(weights),
        edges_above_threshold=sum(e.weight_threshold for e in edges),
        started_at=started,
    )


def detect_coordination(
    driver: Driver,
    *,
    time_window: int,
    min_participation: int,
    edge_weight: float = 0.5,
    null_permutations: int = 0,
    seed: int = 0,
    write_weight: int = 2,
    engine: str = "duckdb",
    database: str | None = None,
) -> CoordinationResult:
    """CooRTweet's coordinated network of the share log's events, computed by `engine`.

    The log is first checked against the graph (and rebuilt from it when they differ,
    `ShareLog.sync`); the events themselves are never read through Neo4j.
    """
    params: CoordinationParams = SIGNAL.make_params(
        {
            "time_window": time_window,
            "min_participation": min_participation,
            "edge_weight": edge_weight,
            "null_permutations": null_permutations,
            "seed": seed,
            "write_weight": write_weight,
            "engine": engine,
        }
    )
    return compute_from_log(driver, params, database=database)


def compute_from_log(
    driver: Driver, params: CoordinationParams, *, database: str | None = None, sync: bool = True
) -> CoordinationResult:
    """The network of `params` over the share log of `database` (see `detect_coordination`);
    `sync=False` skips the log's check against the graph (the caller just made it)."""
    started = datetime.now(UTC)
    if params.null_permutations and params.per_type:
        raise ValueError(
            "the permutation null shuffles one object space: run it without --per-type"
        )
    scope = resolve_scope(driver, params, database=database)
    t0 = time.perf_counter()
    log = ShareLog.for_database(database)
    synced = log.sync(driver, database=database) if sync else None
    t1 = time.perf_counter()
    sql = open_engine(params.engine)
    try:
        with log.locked():  # no load replaces a file while the engine reads it
            found = coordinated_edges(
                sql,
                log.events_dir,
                time_window=params.time_window,
                min_participation=params.min_participation,
                edge_weight=params.edge_weight,
                min_weight=params.write_weight,
                out=_edge_file(),
                scope=scope,
            )
    finally:
        sql.close()
    logger.info(
        "coordination: log checked in %.2f s%s, %d edges computed on %s in %.2f s",
        t1 - t0,
        "" if synced is None else f" ({synced.events} events, rebuilt: {synced.rebuilt})",
        found.edge_count,
        params.engine,
        time.perf_counter() - t1,
    )
    result = CoordinationResult(
        params=params,
        heavy=tuple(CoordinationEdge._make(r) for r in found.heavy),
        edge_count=found.edge_count,
        edges_file=found.edges_file,
        accounts=found.accounts,
        weight_quantile=found.weight_quantile,
        share_events=found.share_events,
        coordinated_pairs=found.coordinated_pairs,
        edges_above_threshold=found.edges_above_threshold,
        started_at=started,
    )
    if params.null_permutations and result.edge_count:
        t2 = time.perf_counter()
        if params.scoped:
            shares = scoped_share_columns(driver, params, scope, database=database)
        else:
            shares = read_share_events(
                driver, min_participation=params.min_participation, database=database
            )
        result = replace(result, nulls=coordination_null(shares, result))
        logger.info("coordination: permutation null in %.2f s", time.perf_counter() - t2)
    return result


def scoped_share_columns(
    driver: Driver, params: CoordinationParams, scope: Scope, *, database: str | None = None
) -> ShareColumns:
    """The share events a scoped run reads, from the share log, as the null shuffles them:
    objects keyed by label and key (one space holds several types), only posts can be loops."""
    log = ShareLog.for_database(database)
    sql = open_engine(params.engine)
    try:
        with log.locked():
            rows = scoped_shares(
                sql, log.events_dir, min_participation=params.min_participation, scope=scope
            )
    finally:
        sql.close()
    cols = ShareColumns([], [], [], [], [])
    for account, label, key, content, at_ms in rows:
        cols.account.append(account)
        cols.object_key.append(f"{label}\x1f{key}")
        cols.object_id.append(_object_id(key, label == "Post"))
        cols.content_id.append(content)
        cols.at_ms.append(at_ms)
    return cols


def run_params(
    driver: Driver, run: str, *, database: str | None = None
) -> CoordinationParams | None:
    """The parameters and scope a coordination run recorded, or None for no such run."""
    found = QueryRunner(driver, database=database).run(
        "detect/coordination_run_params", {"run": run}
    )
    if not found:
        return None
    r = found[0]
    made: CoordinationParams = SIGNAL.make_params(
        {
            "time_window": int(r["time_window"]),
            "min_participation": int(r["min_participation"]),
            "edge_weight": float(r["edge_weight"]),
            "engine": str(r["engine"] or "duckdb"),
            "object_type": tuple(r["object_types"]),
            "per_type": bool(r["per_type"]),
            "source": str(r["source"]),
            "campaign": str(r["campaign"]),
        }
    )
    return made


def coordination_groups(
    driver: Driver, params: CoordinationParams, *, database: str | None = None
) -> Iterator[Group]:
    """The coordinated pairs of shares behind the network of `params`, over the share log as
    it is now (cibgraph.detection.engine.coordinated_groups): CooRTweet's detect_groups rows."""
    scope = resolve_scope(driver, params, database=database)
    log = ShareLog.for_database(database)
    log.sync(driver, database=database)
    sql = open_engine(params.engine)
    try:
        with log.locked():
            yield from coordinated_groups(
                sql,
                log.events_dir,
                time_window=params.time_window,
                min_participation=params.min_participation,
                scope=scope,
            )
    finally:
        sql.close()


def scope_kinds(object_types: Sequence[str]) -> tuple[tuple[str, str | None], ...]:
    """The engine's (object label, via) of each object type (cibgraph.ingest.shares.ShareKind)."""
    return tuple((ShareKind(t).label.value, ShareKind(t).via) for t in object_types)


def resolve_scope(
    driver: Driver, params: CoordinationParams, *, database: str | None = None
) -> Scope:
    """The engine's scope of `params`: the object types' kinds, the Source key of `source` and
    the accounts of `campaign` (READ); ValueError in one line when either names nothing."""
    runner = QueryRunner(driver, database=database)
    source = None
    if params.source:
        source = source_key(runner, params.source)
    accounts = None
    if params.campaign:
        found = runner.run("detect/scope_accounts", {"name": params.campaign})[0]
        if not found["found"]:
            raise ValueError(f"no campaign or network is called {params.campaign!r}")
        accounts = frozenset(found["accounts"])
    return Scope(
        kinds=scope_kinds(params.object_type),
        per_kind=params.per_type,
        source=source,
        accounts=accounts,
    )


def source_key(runner: QueryRunner, ref: str) -> str:
    """The Source key of a loaded file named by its key, sha256, name or path, or by a file on
    disk with the same content (its sha256)."""
    from cibgraph.ingest.files import file_sha256

    path = Path(ref).expanduser()
    refs = [ref]
    if path.is_file():
        refs.append(f"sha256:{file_sha256(path)}")
    for r in refs:
        found = runner.run("detect/scope_sources", {"ref": r})
        if len(found) == 1:
            return str(found[0]["key"])
        if len(found) > 1:
            keys = ", ".join(str(f["key"]).removeprefix("sha256:") for f in found)
            raise ValueError(f"several loaded files are called {ref!r}; give its sha256: {keys}")
    raise ValueError(f"no loaded file is called {ref!r} (give its name, path or sha256)")


def coordination_null(
    shares: ShareColumns, result: CoordinationResult
) -> dict[tuple[str, str], EdgeNull]:
    """Each edge's p-value and z-score: the network recomputed on `null_permutations` shuffles
    of every account's share times within its own active span (cibgraph.detection.null)."""
    observed = {(e.account, e.other): float(e.weight) for e in result.edges}

    def weigh(at_ms: list[int]) -> dict[tuple[str, str], float]:
        shuffled = ShareColumns(
            shares.account, shares.object_key, shares.object_id, shares.content_id, at_ms
        )
        edges = compute_coordination(shuffled, result.params).edges
        return {(e.account, e.other): float(e.weight) for e in edges}

    p = result.params
    return permutation_null(
        observed,
        shares.account,
        shares.at_ms,
        weigh,
        permutations=p.null_permutations,
        seed=p.seed,
    )


def new_run_id(started_at: datetime) -> str:
    """A readable, unique run key: `coordination-20250101T120000Z-1a2b3c4d`."""
    return f"{KIND}-{started_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def run_edges_file(run: str, *, database: str | None = None) -> Path:
    """Where the share log keeps every edge of a run (written with the run)."""
    return ShareLog.for_database(database).runs_dir / f"{quote(run, safe='')}.parquet"


def write_coordination(
    driver: Driver,
    result: CoordinationResult,
    *,
    run_id: str | None = None,
    batch_size: int = EDGE_BATCH_SIZE,
    writers: int = EDGE_WRITERS,
    database: str | None = None,
) -> CoordinationRun:
    """Record a DetectionRun, its edges of at least `write_weight` as COORDINATED_WITH and
    every edge in the share log (`run_edges_file`).

    Each call makes a new run unless `run_id` names one: writing the same run again replaces
    its edges, so an interrupted write can simply be repeated. Edges are created (a run's are
    always new) between nodes found by internal id, in `writers` parallel transactions.
    """
    run = run_id or new_run_id(result.started_at)
    p = result.params
    runner = QueryRunner(driver, database=database)
    runner.run(
        "detect/coordination_run_start",
        {
            "run": run,
            "kind": KIND,
            "algorithm": ALGORITHM,
            "time_window": p.time_window,
            "min_participation": p.min_participation,
            "edge_weight": p.edge_weight,
            "write_weight": p.write_weight,
            "engine": p.engine,
            "object_types": list(p.object_type),
            "per_type": p.per_type,
            "source": p.source or None,
            "campaign": p.campaign or None,
            "scope": p.scope_text() or None,
            "started_at": result.started_at,
        },
    )
    target = run_edges_file(run, database=database)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    shutil.copyfile(result.edges_file, partial)
    os.replace(partial, target)
    if run_id is not None:
        while runner.run("detect/delete_run_edges", {"run": run, "limit": 10_000})[0]["deleted"]:
            pass
    _create_edges(runner, result.heavy, run=run, batch_size=batch_size, writers=writers)
    finished = datetime.now(UTC)
    runner.run(
        "detect/coordination_run_finish",
        {
            "run": run,
            "finished_at": finished,
            "share_events": result.share_events,
            "coordinated_pairs": result.coordinated_pairs,
            "accounts": result.accounts,
            "edges": result.edge_count,
            "edges_written": len(result.heavy),
            "edges_above_threshold": result.edges_above_threshold,
            "weight_quantile": result.weight_quantile,
        },
    )
    return CoordinationRun(run, result.accounts, result.edge_count, result.started_at, finished)


def _create_edges(
    runner: QueryRunner,
    edges: Sequence[CoordinationEdge],
    *,
    run: str,
    batch_size: int,
    writers: int,
) -> None:
    """CREATE the edges between accounts found by internal id, batches on parallel writers."""
    keys = sorted({k for e in edges for k in (e.account, e.other)})
    ids: dict[str, str] = {}
    for chunk in batched(({"key": k} for k in keys), 10_000):
        found = runner.run("detect/account_ids", {"keys": [r["key"] for r in chunk]})
        ids.update((r["key"], r["id"]) for r in found)
    missing = [k for k in keys if k not in ids]
    if missing:
        raise ValueError(f"{len(missing)} accounts of the network are not in the graph")
    rows = [{**e.row(), "a": ids[e.account], "b": ids[e.other]} for e in edges]
    chunks = [rows[i : i + batch_size] for i in range(0, len(rows), batch_size)]
    if not chunks:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(writers, len(chunks)))) as pool:
        done = pool.map(
            lambda chunk: runner.write("detect/coordinated_with_ids", {"rows": chunk, "run": run}),
            chunks,
        )
        for _ in done:  # raises the first failed batch's error
            pass


def coordination_evidence(
    driver: Driver,
    a_key: str,
    b_key: str,
    *,
    time_window: int,
    database: str | None = None,
) -> list[EvidencePair]:
    """The exact pairs of shares behind the edge between two accounts, earliest first.

    These are the pairs CooRTweet counts in the edge's weight for this `time_window`
    (min_participation only decides whether the edge exists, never which of its pairs count).
    """
    if a_key == b_key:
        raise ValueError("evidence needs two different accounts")
    if time_window < 0:
        raise ValueError("time_window must be at least 0 seconds")
    records = QueryRunner(driver, database=database).run(
        "detect/coordination_evidence", {"a": a_key, "b": b_key, "time_window": time_window}
    )
    return [
        EvidencePair(
            object_key=r["object"],
            a_content_id=r["a_content_id"],
            a_at=r["a_at"],
            b_content_id=r["b_content_id"],
            b_at=r["b_at"],
            delta=r["delta"],
        )
        for r in records
    ]


def _strength(row: Mapping[str, Any]) -> float:
    return saturating(int(row["weight"]), 3, offset=1)


def _evidence(row: Mapping[str, Any]) -> str:
    p = row.get("p_value")
    null = "" if p is None else f"; p {float(p):.2g} by the permutation null"
    scope = row.get("scope")
    scoped = f"{scope}; " if scope else ""
    return (
        f"{row['a']} and {row['b']} shared the same content {int(row['weight'])} times within "
        f"the time window ({scoped}on average {float(row['avg_time_delta'] or 0):.0f} s "
        f"apart{null})"
    )


def _detect(
    driver: Driver, p: CoordinationParams, *, database: str | None = None
) -> CoordinationResult:
    return compute_from_log(driver, p, database=database)


def _write(driver: Driver, result: CoordinationResult, *, database: str | None = None) -> str:
    run = write_coordination(driver, result, database=database).run_id
    if result.nulls:
        written = {(e.account, e.other) for e in result.heavy}  # the edges in the graph
        rows = [
            {"a": a, "b": b, "p_value": n.p_value, "z": n.z}
            for (a, b), n in result.nulls.items()
            if (a, b) in written
        ]
        QueryRunner(driver, database=database).write_batches(
            "detect/coordination_significance",
            rows,
            params={
                "run": run,
                "permutations": result.params.null_permutations,
                "seed": result.params.seed,
            },
        )
    return run


SIGNAL: Signal[CoordinationParams, CoordinationResult] = Signal(
    kind=KIND,
    label="coordinated sharing",
    summary="Coordinated sharing as CooRTweet 2.1 defines it.",
    rel_type=RelType.COORDINATED_WITH,
    params=CoordinationParams,
    detect=_detect,
    write=_write,
    fusion=FusionReader("detect/fusion_coordination_edges", _strength, _STRENGTH, _evidence),
    explicit=("time_window", "min_participation"),
)
