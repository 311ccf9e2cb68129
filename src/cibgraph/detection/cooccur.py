"""Co-actions: two accounts doing the same thing (same text, same reply target) within a window.

The text and interaction signals (copy-paste, near-duplicates, co-reply, co-mention) and their
permutation null share this core. An *event* is one account's post at a time under a *group*
key (a normalised text, a replied-to post, a mentioned account); two events of one group by two
different accounts at most `window_ms` apart (inclusive) are a *pair*. Pairs are aggregated into
undirected account edges:

- `weight`: distinct groups the two accounts paired on (copies of one text count once);
- `pairs`: pairs of posts behind the edge;
- `a_posts` / `b_posts`: distinct posts of the smaller / larger account key in some pair of the
  edge (coordination-network-toolkit's directed weights for a -> b and b -> a);
- `avg_delta`: the pairs' mean time apart, in seconds.

Everything here is pure Python over plain lists, so another engine can compute the same pairs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from neo4j import Driver

from cibgraph.detection.null import EdgeNull, permutation_null
from cibgraph.detection.runs import finish_run, start_run
from cibgraph.detection.signal import Detect, FusionReader, Scalar, Signal, saturating
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import RelType

EVIDENCE_PAIRS = 20


@dataclass(slots=True)
class Events:
    """Events as parallel columns (one entry per event)."""

    account: list[str] = field(default_factory=list)
    post: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    at_ms: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.account)

    def add(self, account: str, post: str, group: str, at_ms: int) -> None:
        self.account.append(account)
        self.post.append(post)
        self.group.append(group)
        self.at_ms.append(at_ms)


class CoEdge(NamedTuple):
    """One undirected account edge, from the smaller account key to the larger."""

    a: str
    b: str
    weight: int
    pairs: int
    a_posts: int
    b_posts: int
    avg_delta: float

    def row(self) -> dict[str, object]:
        return self._asdict()


def by_group(groups: Sequence[str], at_ms: Sequence[int]) -> dict[str, list[int]]:
    """Event indexes per group key, each list in time order (ties by index)."""
    order = sorted(range(len(groups)), key=at_ms.__getitem__)
    buckets: dict[str, list[int]] = {}
    for i in order:
        buckets.setdefault(groups[i], []).append(i)
    return buckets


def window_pairs(
    bucket: Sequence[int], at_ms: Sequence[int], accounts: Sequence[str], window_ms: int
) -> Iterator[tuple[int, int]]:
    """(earlier, later) index pairs of one time-ordered bucket: two accounts, at most
    `window_ms` apart. A moving start keeps the work at the pairs really in a window."""
    start = 0
    for pos in range(1, len(bucket)):
        j = bucket[pos]
        t, aj = at_ms[j], accounts[j]
        while t - at_ms[bucket[start]] > window_ms:
            start += 1
        for i in bucket[start:pos]:
            if accounts[i] != aj:
                yield i, j


def cross_pairs(
    left: Sequence[int],
    right: Sequence[int],
    at_ms: Sequence[int],
    accounts: Sequence[str],
    window_ms: int,
) -> Iterator[tuple[int, int]]:
    """Index pairs (one of `left`, one of `right`, both time-ordered) of two accounts at most
    `window_ms` apart: the pairs between two different groups (near-duplicate texts)."""
    start = 0
    for i in left:
        t, ai = at_ms[i], accounts[i]
        while start < len(right) and at_ms[right[start]] < t - window_ms:
            start += 1
        for j in right[start:]:
            if at_ms[j] > t + window_ms:
                break
            if accounts[j] != ai:
                yield i, j


class EdgeAggregate:
    """Pairs added one by one, aggregated per account pair."""

    def __init__(self, events: Events) -> None:
        self.events = events
        # (a, b) -> [groups, pairs, delay_ms, a_posts, b_posts]
        self._edges: dict[tuple[str, str], tuple[set[str], list[int], set[str], set[str]]] = {}

    def add(self, i: int, j: int, group: str | None = None) -> tuple[str, str]:
        """Count the pair (i, j) under `group` (default: i's group); returns its account pair."""
        ev = self.events
        ai, aj = ev.account[i], ev.account[j]
        if ai > aj:
            i, j, ai, aj = j, i, aj, ai
        entry = self._edges.get((ai, aj))
        if entry is None:
            entry = (set(), [0, 0], set(), set())
            self._edges[(ai, aj)] = entry
        entry[0].add(ev.group[i] if group is None else group)
        entry[1][0] += 1
        entry[1][1] += abs(ev.at_ms[j] - ev.at_ms[i])
        entry[2].add(ev.post[i])
        entry[3].add(ev.post[j])
        return ai, aj

    def edges(self) -> tuple[CoEdge, ...]:
        """The edges, sorted by account pair."""
        out = []
        for (a, b), (groups, (pairs, delay), a_posts, b_posts) in sorted(self._edges.items()):
            out.append(
                CoEdge(a, b, len(groups), pairs, len(a_posts), len(b_posts), delay / pairs / 1000)
            )
        return tuple(out)


def co_action_edges(events: Events, window_ms: int) -> tuple[CoEdge, ...]:
    """The edges of every window pair within each group."""
    agg = EdgeAggregate(events)
    for bucket in by_group(events.group, events.at_ms).values():
        for i, j in window_pairs(bucket, events.at_ms, events.account, window_ms):
            agg.add(i, j)
    return agg.edges()


def pair_weights(
    events: Events, window_ms: int, wanted: Iterable[tuple[str, str]] | None = None
) -> dict[tuple[str, str], int]:
    """Each account pair's `weight` (distinct groups paired on), for `wanted` pairs only when
    given: the permutation null's inner loop, kept lean."""
    keep = None if wanted is None else set(wanted)
    seen: dict[tuple[str, str], set[str]] = {}
    accounts = events.account
    for group, bucket in by_group(events.group, events.at_ms).items():
        for i, j in window_pairs(bucket, events.at_ms, accounts, window_ms):
            ai, aj = accounts[i], accounts[j]
            pair = (ai, aj) if ai < aj else (aj, ai)
            if keep is not None and pair not in keep:
                continue
            seen.setdefault(pair, set()).add(group)
    return {p: len(g) for p, g in seen.items()}


@dataclass(frozen=True, slots=True)
class TextPair:
    """Two posts of one edge, earlier first, with their similarity (1.0 for copies)."""

    earlier: str
    later: str
    delta: float  # seconds
    similarity: float


@dataclass(frozen=True, slots=True)
class TextResult:
    """A computed text signal, not yet written: its edges, their nulls and evidence pairs."""

    params: Any
    edges: tuple[CoEdge, ...]
    nulls: dict[tuple[str, str], EdgeNull]
    evidence: dict[tuple[str, str], list[TextPair]]
    posts: int  # posts read
    compared: int  # posts whose normalised text counted
    seconds_null: float = 0.0

    @property
    def accounts(self) -> int:
        return len({k for e in self.edges for k in (e.a, e.b)})

    def rows(self) -> list[dict[str, Any]]:
        """The edges as the parameters of their write query."""
        out = []
        for e in self.edges:
            row = e.row()
            null = self.nulls.get((e.a, e.b))
            row["p_value"] = None if null is None else null.p_value
            row["z"] = None if null is None else null.z
            out.append(row)
        return out

    def evidence_rows(self) -> list[dict[str, Any]]:
        return [asdict(p) for pairs in self.evidence.values() for p in pairs]

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        significant = sum(n.p_value <= 0.05 for n in self.nulls.values())
        return [
            ("posts read", self.posts),
            ("posts compared", self.compared),
            ("accounts", self.accounts),
            ("edges", len(self.edges)),
            ("edges at p <= 0.05", significant if self.nulls else "-"),
        ]


def window_result(
    events: Events,
    params: Any,
    *,
    posts: int,
    permutations: int,
    seed: int,
) -> TextResult:
    """Edges, evidence pairs (the first EVIDENCE_PAIRS per edge, in time order) and nulls of
    events grouped by an exact key: copy-paste, co-reply and co-mention share this."""
    window = params.time_window * 1000
    agg = EdgeAggregate(events)
    evidence: dict[tuple[str, str], list[TextPair]] = {}
    for bucket in by_group(events.group, events.at_ms).values():
        for i, j in window_pairs(bucket, events.at_ms, events.account, window):
            pair = agg.add(i, j)
            listed = evidence.setdefault(pair, [])
            if len(listed) < EVIDENCE_PAIRS:
                delta = (events.at_ms[j] - events.at_ms[i]) / 1000
                listed.append(TextPair(events.post[i], events.post[j], delta, 1.0))
    edges = agg.edges()
    nulls: dict[tuple[str, str], EdgeNull] = {}
    started = time.perf_counter()
    if permutations and edges:
        observed = {(e.a, e.b): float(e.weight) for e in edges}

        def weigh(at_ms: list[int]) -> Mapping[tuple[str, str], float]:
            shuffled = Events(events.account, events.post, events.group, at_ms)
            return pair_weights(shuffled, window, observed)

        nulls = permutation_null(
            observed, events.account, events.at_ms, weigh, permutations=permutations, seed=seed
        )
    return TextResult(
        params=params,
        edges=edges,
        nulls=nulls,
        evidence=evidence,
        posts=posts,
        compared=len(events),
        seconds_null=time.perf_counter() - started,
    )


def write_text_result(
    driver: Driver,
    result: TextResult,
    *,
    kind: str,
    algorithm: str,
    edge_query: str,
    evidence_query: str | None,
    database: str | None = None,
) -> str:
    """Record a DetectionRun, its account edges and evidence pairs; returns the run key."""
    params = asdict(result.params)
    run = start_run(driver, kind=kind, algorithm=algorithm, params=params, database=database)
    runner = QueryRunner(driver, database=database)
    runner.write_batches(edge_query, result.rows(), params={"run": run.run_id})
    if evidence_query is not None:
        runner.write_batches(evidence_query, result.evidence_rows(), params={"run": run.run_id})
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "posts": result.posts,
            "compared": result.compared,
            "edges": len(result.edges),
            "accounts": result.accounts,
            "null_seconds": round(result.seconds_null, 3),
        },
        database=database,
    )
    return run.run_id


def significance_text(row: Mapping[str, Any]) -> str:
    """', p 0.02 by the permutation null' when the edge has one, else ''."""
    p = row.get("p_value")
    return "" if p is None else f"; p {float(p):.2g} by the permutation null"


@dataclass(frozen=True, slots=True)
class Words:
    """What a co-action signal says: its label, one-sentence summary and strength in words."""

    label: str
    summary: str
    strength: str


def co_action_signal(
    kind: str,
    words: Words,
    types: tuple[RelType, ...],
    params: type[Any],
    detect: Detect[Any, Any],
    *,
    stem: str,
    evidence: Callable[[Mapping[str, Any]], str],
    scale: float,
) -> Signal[Any, Any]:
    """A registered co-action signal whose queries follow one naming: detect/<stem>_with writes
    its edges, detect/fusion_<stem>_edges reads them back, detect/<stem>_pairs lists an edge's
    pairs; a second relationship type is an evidence-only one written by the query named
    after it (detect/same_text_as for SAME_TEXT_AS). Strength: 1 - exp(-weight / scale)."""
    rel_type, *also = types
    evidence_query = f"detect/{also[0].value.lower()}" if also else None

    def write(driver: Driver, result: TextResult, *, database: str | None = None) -> str:
        return write_text_result(
            driver,
            result,
            kind=kind,
            algorithm=words.summary,
            edge_query=f"detect/{stem}_with",
            evidence_query=evidence_query,
            database=database,
        )

    def strength(row: Mapping[str, Any]) -> float:
        return saturating(float(row["weight"]), scale)

    return Signal(
        kind=kind,
        label=words.label,
        summary=words.summary,
        rel_type=rel_type,
        params=params,
        detect=detect,
        write=write,
        fusion=FusionReader(f"detect/fusion_{stem}_edges", strength, words.strength, evidence),
        also_writes=tuple(also),
        pairs=f"detect/{stem}_pairs",
    )
