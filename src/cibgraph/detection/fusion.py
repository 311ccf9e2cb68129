"""Fusion: the detection signals combined into scored, explained networks of accounts and pages.

Every signal keeps its own relationship type, run and raw weight; fusion reads one run of each
(with the signal's `fusion_query`) and turns each edge's raw weight into a strength in [0, 1]
with the signal's `strength` function (cibgraph.detection.registry; docs/model.md tabulates
them). One coincidental co-share, one address shared by a crowd or one look-alike handle is weak
evidence; several of them, or one of each kind, are strong.

The fused weight of a pair of accounts is the sum over signals of `signal weight x strength`.
Every signal weighs 1 unless `DEFAULT_WEIGHTS` says otherwise: a trace that innocent groups
leave as well (news-headline bots post identical headlines and fans copy lyrics, the text
signals; a night-shift team keeps one office clock, cibgraph.detection.hours; two people may
change phones and hours in the same fortnight, cibgraph.detection.repurposed) weighs
less than `min_edge`, so it ties two accounts only together with another trace.
Networks are then found in three steps, each a documented threshold:

1. **prune**: pairs whose fused weight is below `min_edge` (0.65) are dropped: a single
   coincidence of any one kind does not tie two accounts;
2. **peel**: accounts whose remaining fused weight (over all their kept pairs) is below
   `min_member_strength` (1.5) are removed, again and again until none is: a hanger-on tied to
   the network by a single edge stays out;
3. **communities**: weakly connected components of what remains, computed by GDS (`gds.wcc` on
   a Cypher projection of the kept pairs) when the server answers `gds.version()`, and by a
   union-find over the same pairs otherwise: the two give the same membership by construction.

A community becomes a Network when it has at least `min_size` accounts and its score reaches
`min_score`. A signal's strength in a network is the mean, over its members, of the strongest
edge of that signal each member has to another member (1.0: every member has a sure tie of this
kind; 0.0: none). The network's score is the noisy-or of those strengths (the chance that at
least one signal is right, taking them as independent) times a size factor
1 - exp(-(size - 1) / 5), so a pair or a trio is never as sure as a crew of thirty.

Pages and groups join a network when one of its accounts administers them (ADMIN_OF), or, for
groups, when at least half of the group's members (and three or more) are in the network.
Follower overlap between pages (AUDIENCE_OVERLAP) is listed as evidence for pages already
attached; it never attaches a page by itself.

Significance. Signals with a permutation null (cibgraph.detection.null: co-sharing and
copy-paste) give their edges p-values. `max_p_value` (default 1: no requirement) makes fusion
leave out every edge whose p-value is above it. A network's explanation states, per signal with
p-values, how many of its edges are significant and how likely as many are by chance (a
binomial tail), and its `significance` is the smallest such tail times the number of signals
tested.

Written: a DetectionRun of kind `networks` naming the signal runs it fused, one (Network {key,
run, rank, score, size, pages, groups, explanation, signals, signal_strengths, significance})
per network (the two lists are parallel: a property cannot hold a map), and
(member)-[:IN_NETWORK {run, score, evidence}]->(Network) for its accounts, pages and groups.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from neo4j import Driver
from neo4j.exceptions import ClientError
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.null import Significance, network_significance
from cibgraph.detection.registry import get_signal, kinds
from cibgraph.detection.runs import finish_run, latest_run, start_run
from cibgraph.detection.signal import PARAMS_CONFIG, SignalEdge
from cibgraph.neo4j.runner import QueryRunner

logger = logging.getLogger(__name__)

KIND = "networks"
ALGORITHM = "weighted signal fusion, pruned and peeled, weakly connected components"
SIGNALS = kinds()  # the registry's, in its order
TOP_EVIDENCE = 5
MEMBER_EVIDENCE = 3
SHOWN_OVERLAPS = 3


#: Weights other than 1: corroborating traces, never enough alone (each below `min_edge`).
DEFAULT_WEIGHTS: dict[str, float] = {
    # identical or near-identical text: news-headline bots and fans copying lyrics do it too;
    # the two together stay under min_edge (near-duplicates leave identical texts to copy-paste)
    "copypaste": 0.3,
    "neardup": 0.3,
    "hours": 0.5,
    "repurposed": 0.6,
}


def _default_weights() -> dict[str, float]:
    return {s: DEFAULT_WEIGHTS.get(s, 1.0) for s in SIGNALS}


@params_model(config=PARAMS_CONFIG)
class FusionParams:
    """The thresholds of fusion (see the module docstring) and each signal's weight."""

    min_edge: float = Field(
        default=0.65, gt=0.0, description="Smallest fused weight of a kept pair."
    )
    min_member_strength: float = Field(
        default=1.5, ge=0.0, description="Smallest fused weight an account keeps over its pairs."
    )
    min_size: int = Field(default=5, ge=2, description="Accounts a network needs.")
    min_score: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Smallest network score kept."
    )
    min_group_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Share of a group's members in the network that attaches the group.",
    )
    max_p_value: float = Field(
        default=1.0,
        gt=0.0,
        le=1.0,
        description="Edges whose permutation-null p-value is above this are left out (1: none).",
    )
    weights: dict[str, float] = Field(default_factory=_default_weights)

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown signals {sorted(unknown)}; known: {', '.join(SIGNALS)}")


@dataclass(frozen=True, slots=True)
class Attached:
    """A page or group attached to a network, and why."""

    key: str
    kind: str  # 'page' or 'group'
    name: str
    evidence: list[str]
    score: float


@dataclass(slots=True)
class Network:
    """One network found by fusion, not yet written."""

    members: list[str]
    score: float
    strengths: dict[str, float]  # signal -> strength, only signals present
    member_scores: dict[str, float]
    member_evidence: dict[str, list[str]]
    top_evidence: list[str]
    edge_counts: dict[str, int]
    covered: dict[str, int]  # signal -> members with at least one edge of it inside
    entities: list[Attached] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    significance: dict[str, Significance] = field(default_factory=dict)  # signals with a null
    summaries: dict[str, str] = field(default_factory=dict)  # signal -> its network sentence

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def chance(self) -> float | None:
        """The network's significance: the smallest of its signals' binomial tails, times the
        number of signals tested (Bonferroni); None when no signal had a null."""
        if not self.significance:
            return None
        tails = [s.tail for s in self.significance.values()]
        return min(1.0, min(tails) * len(tails))

    def explanation(self) -> str:
        pages = [e for e in self.entities if e.kind == "page"]
        groups = [e for e in self.entities if e.kind == "group"]
        lines = [
            f"{self.size} accounts, {len(pages)} pages and {len(groups)} groups; "
            f"score {self.score:.2f}.",
        ]
        chance = self.chance
        if chance is not None:
            lines.append(
                f"Significance: chance {chance:.2g} of edges as unlikely as these by the "
                "permutation null."
            )
        lines.append("Held together by:")
        for signal, s in sorted(self.strengths.items(), key=lambda kv: -kv[1]):
            tested = self.significance.get(signal)
            lines.append(
                f"  {get_signal(signal).label}: strength {s:.2f} "
                f"({self.edge_counts.get(signal, 0):,} edges; "
                f"{self.covered.get(signal, 0):,} of {self.size:,} members)"
                + (f"; {tested.text()}" if tested else "")
                + (f"; {self.summaries[signal]}" if signal in self.summaries else "")
            )
        lines.append("Strongest evidence:")
        lines.extend(f"  {t}" for t in self.top_evidence)
        for title, items in (("Pages", pages), ("Groups", groups)):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  {e.name} ({e.key}): {'; '.join(e.evidence)}" for e in items)
        if self.overlaps:
            lines.append(f"Audience overlap between its pages ({len(self.overlaps)} pairs):")
            lines.extend(f"  {o}" for o in self.overlaps[:SHOWN_OVERLAPS])
            if len(self.overlaps) > SHOWN_OVERLAPS:
                lines.append(f"  ... and {len(self.overlaps) - SHOWN_OVERLAPS} more")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- signal edges


def latest_runs(driver: Driver, *, database: str | None = None) -> dict[str, str]:
    """The latest complete run of each signal that has one."""
    runs = {}
    for signal in SIGNALS:
        run = latest_run(driver, kind=signal, database=database)
        if run is not None:
            runs[signal] = run
    return runs


def read_signal_edges(
    driver: Driver, runs: Mapping[str, str], *, database: str | None = None
) -> dict[str, list[SignalEdge]]:
    """The edges each named run wrote, as strengths (READ)."""
    edges: dict[str, list[SignalEdge]] = {}
    for kind, run in runs.items():
        signal = get_signal(kind)
        records = QueryRunner(driver, database=database).run(signal.fusion.query, {"run": run})
        edges[kind] = [signal.edge(r) for r in records]
    return edges


# ----------------------------------------------------------------------------- communities


Pair = tuple[str, str]


def fuse_pairs(
    edges: Mapping[str, Iterable[SignalEdge]], weights: Mapping[str, float]
) -> dict[Pair, float]:
    """The fused weight of every pair of accounts any signal ties."""
    fused: dict[Pair, float] = defaultdict(float)
    for signal, signal_edges in edges.items():
        w = weights.get(signal, DEFAULT_WEIGHTS.get(signal, 1.0))
        for e in signal_edges:
            if e.a != e.b:
                fused[(e.a, e.b) if e.a < e.b else (e.b, e.a)] += w * e.strength
    return dict(fused)


def prune_and_peel(
    fused: Mapping[Pair, float], *, min_edge: float, min_member_strength: float
) -> dict[Pair, float]:
    """Drop weak pairs, then repeatedly drop accounts with too little weight left."""
    kept = {p: w for p, w in fused.items() if w >= min_edge}
    while True:
        strength: dict[str, float] = defaultdict(float)
        for (a, b), w in kept.items():
            strength[a] += w
            strength[b] += w
        weak = {n for n, s in strength.items() if s < min_member_strength}
        if not weak:
            return kept
        kept = {(a, b): w for (a, b), w in kept.items() if a not in weak and b not in weak}


def components_union_find(pairs: Iterable[Pair]) -> list[list[str]]:
    """Connected components of the pairs, each sorted, largest first (then by first key)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in pairs:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in parent:
        groups[find(n)].append(n)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def gds_available(driver: Driver, *, database: str | None = None) -> bool:
    """True when the server answers `gds.version()`."""
    try:
        QueryRunner(driver, database=database).run("detect/gds_version")
    except ClientError:
        return False
    return True


def components_gds(
    driver: Driver, kept: Mapping[Pair, float], *, threshold: float, database: str | None = None
) -> list[list[str]]:
    """The same components as `components_union_find`, computed by GDS WCC on a projection."""
    if not kept:
        return []
    graph = f"cibgraph-fusion-{uuid.uuid4().hex[:12]}"
    rows = [{"a": a, "b": b, "weight": w} for (a, b), w in kept.items()]
    QueryRunner(driver, database=database).run(
        "detect/gds_project", {"graph": graph, "edges": rows}
    )
    try:
        records = QueryRunner(driver, database=database).run(
            "detect/gds_wcc", {"graph": graph, "threshold": threshold}
        )
    finally:
        QueryRunner(driver, database=database).run("detect/gds_drop", {"graph": graph})
    groups: dict[int, list[str]] = defaultdict(list)
    for r in records:
        groups[r["component"]].append(r["account"])
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


# ----------------------------------------------------------------------------- scoring


def size_factor(size: int) -> float:
    return 1.0 - math.exp(-(size - 1) / 5)


def score_community(
    members: Sequence[str],
    edges: Mapping[str, Sequence[SignalEdge]],
    kept: Mapping[Pair, float],
) -> Network:
    """Strengths, score and evidence of one community (see the module docstring)."""
    inside = set(members)
    best: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    member_edges: dict[str, list[tuple[float, str]]] = defaultdict(list)
    all_edges: list[tuple[float, str]] = []
    p_values: dict[str, list[float]] = defaultdict(list)
    for signal, signal_edges in edges.items():
        for e in signal_edges:
            if e.a not in inside or e.b not in inside or e.strength <= 0:
                continue
            counts[signal] += 1
            if e.p_value is not None:
                p_values[signal].append(e.p_value)
            for x in (e.a, e.b):
                best[signal][x] = max(best[signal][x], e.strength)
            item = (e.strength, e.text)
            member_edges[e.a].append(item)
            member_edges[e.b].append(item)
            all_edges.append(item)
    strengths = {
        signal: sum(by_member.values()) / len(members)
        for signal, by_member in best.items()
        if by_member
    }
    miss = 1.0
    for s in strengths.values():
        miss *= 1.0 - s
    score = (1.0 - miss) * size_factor(len(members))
    held: dict[str, float] = defaultdict(float)
    for (a, b), w in kept.items():
        if a in inside and b in inside:
            held[a] += w
            held[b] += w
    member_scores = {m: 1.0 - math.exp(-held[m] / 3) for m in members}
    member_evidence = {
        m: [t for _, t in sorted(member_edges[m], key=lambda x: (-x[0], x[1]))[:MEMBER_EVIDENCE]]
        for m in members
    }
    # The strongest evidence, at most two per signal so that every signal is heard.
    top: list[str] = []
    for signal in sorted(strengths, key=lambda s: -strengths[s]):
        mine = sorted(
            ((e.strength, e.text) for e in edges[signal] if e.a in inside and e.b in inside),
            key=lambda x: (-x[0], x[1]),
        )
        top.extend(t for _, t in mine[:2])
    summaries: dict[str, str] = {}
    for signal in strengths:
        summarise = get_signal(signal).fusion.summary
        if summarise is not None:
            rows = [
                e.row
                for e in edges[signal]
                if e.row is not None and e.a in inside and e.b in inside and e.strength > 0
            ]
            if rows and (text := summarise(rows)):
                summaries[signal] = text
    return Network(
        members=sorted(members),
        score=score,
        strengths=strengths,
        member_scores=member_scores,
        member_evidence=member_evidence,
        top_evidence=top[: max(TOP_EVIDENCE, 2 * len(strengths))],
        edge_counts=dict(counts),
        covered={signal: len(by_member) for signal, by_member in best.items()},
        significance={
            signal: sig
            for signal, ps in p_values.items()
            if (sig := network_significance(ps)) is not None
        },
        summaries=summaries,
    )


def find_networks(
    edges: Mapping[str, Sequence[SignalEdge]],
    params: FusionParams,
    *,
    components: Callable[[Mapping[Pair, float]], list[list[str]]] | None = None,
) -> list[Network]:
    """Networks of accounts from signal edges, best first (pure unless `components` is GDS).

    With `max_p_value` below 1, edges whose p-value is above it are left out first (edges of a
    signal without a null have none and stay)."""
    if params.max_p_value < 1.0:
        cut = params.max_p_value
        edges = {
            k: [e for e in es if e.p_value is None or e.p_value <= cut] for k, es in edges.items()
        }
    fused = fuse_pairs(edges, params.weights)
    kept = prune_and_peel(
        fused, min_edge=params.min_edge, min_member_strength=params.min_member_strength
    )
    groups = components(kept) if components else components_union_find(kept)
    networks = []
    for members in groups:
        if len(members) < params.min_size:
            continue
        network = score_community(members, edges, kept)
        if network.score >= params.min_score:
            networks.append(network)
    networks.sort(key=lambda n: (-n.score, -n.size, n.members[0]))
    return networks


def attach_entities(
    driver: Driver,
    network: Network,
    params: FusionParams,
    *,
    control_run: str | None,
    database: str | None = None,
) -> None:
    """The pages and groups the network's accounts administer (or, for groups, fill)."""
    records = QueryRunner(driver, database=database).run(
        "detect/network_entities", {"members": network.members}
    )
    for r in records:
        admins: list[str] = sorted(r["admins"])
        share = r["members_in"] / r["members_total"] if r["members_total"] else 0.0
        by_members = (
            r["kind"] == "group" and r["members_in"] >= 3 and share >= params.min_group_share
        )
        if not admins and not by_members:
            continue
        evidence = [f"administered by {', '.join(admins)}"] if admins else []
        if r["members_in"]:
            evidence.append(
                f"{r['members_in']} of its {r['members_total']} members are in the network"
            )
        score = 1.0 if admins else share
        network.entities.append(Attached(r["entity"], r["kind"], r["name"], evidence, score))
    pages = [e.key for e in network.entities if e.kind == "page"]
    if control_run and len(pages) > 1:
        for r in QueryRunner(driver, database=database).run(
            "detect/network_overlaps", {"pages": pages, "run": control_run}
        ):
            network.overlaps.append(
                f"{r['a']} and {r['b']}: Jaccard {r['jaccard']:.3f} ({r['common']} followers)"
            )


@dataclass(frozen=True, slots=True)
class FusionRun:
    run_id: str
    networks: list[Network]
    signal_runs: dict[str, str]
    used_gds: bool


def detect_networks(
    driver: Driver,
    params: FusionParams | None = None,
    *,
    runs: Mapping[str, str] | None = None,
    use_gds: bool | None = None,
    database: str | None = None,
) -> FusionRun:
    """Fuse the named signal runs (default: the latest of each) and write the networks found."""
    p = params or FusionParams()
    signal_runs = dict(runs) if runs is not None else latest_runs(driver, database=database)
    if not signal_runs:
        raise ValueError("no signal run to fuse: run the detections first")
    edges = read_signal_edges(driver, signal_runs, database=database)
    gds = gds_available(driver, database=database) if use_gds is None else use_gds

    def via_gds(kept: Mapping[Pair, float]) -> list[list[str]]:
        return components_gds(driver, kept, threshold=p.min_edge, database=database)

    networks = find_networks(edges, p, components=via_gds if gds else None)
    for network in networks:
        attach_entities(
            driver, network, p, control_run=signal_runs.get("control"), database=database
        )
    run_params: dict[str, str | int | float | bool | None] = {
        f"{signal}_run": run for signal, run in sorted(signal_runs.items())
    }
    run_params.update({k: v for k, v in asdict(p).items() if k != "weights"})
    run_params.update({f"weight_{s}": w for s, w in p.weights.items()})
    run_params["communities"] = "gds.wcc" if gds else "union-find"
    run = start_run(driver, kind=KIND, algorithm=ALGORITHM, params=run_params, database=database)
    write_networks(driver, run.run_id, networks, database=database)
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "networks": len(networks),
            "accounts": sum(n.size for n in networks),
            "entities": sum(len(n.entities) for n in networks),
        },
        database=database,
    )
    return FusionRun(run.run_id, networks, signal_runs, gds)


def write_networks(
    driver: Driver, run_id: str, networks: Sequence[Network], *, database: str | None = None
) -> None:
    """The Network nodes and their IN_NETWORK members (batched)."""
    rows = []
    members: list[dict[str, Any]] = []
    for rank, n in enumerate(networks, start=1):
        key = f"{run_id}:{rank}"
        ordered = sorted(n.strengths.items(), key=lambda kv: -kv[1])
        rows.append(
            {
                "key": key,
                "rank": rank,
                "score": n.score,
                "size": n.size,
                "pages": sum(e.kind == "page" for e in n.entities),
                "groups": sum(e.kind == "group" for e in n.entities),
                "explanation": n.explanation(),
                "signals": [s for s, _ in ordered],
                "signal_strengths": [v for _, v in ordered],
                "significance": n.chance,
            }
        )
        members.extend(
            {
                "network": key,
                "member": m,
                "kind": "account",
                "score": n.member_scores[m],
                "evidence": n.member_evidence[m],
            }
            for m in n.members
        )
        members.extend(
            {
                "network": key,
                "member": e.key,
                "kind": e.kind,
                "score": e.score,
                "evidence": e.evidence,
            }
            for e in n.entities
        )
    QueryRunner(driver, database=database).write_batches(
        "detect/networks", rows, params={"run": run_id}
    )
    QueryRunner(driver, database=database).write_batches(
        "detect/in_network", members, params={"run": run_id}
    )
