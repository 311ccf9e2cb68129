"""What a network report shows, gathered from the network's export selection, fusion and activity.

The report reads the same selection as `cibgraph export network` (`select_network`: the
Network, its accounts, pages and groups, with provenance that names files by name and sha256
only) for the members, their scores and evidence and the admin and membership links; the links
between members come from the signal runs the network was fused from, read as fusion reads them
(`read_signal_edges`: each with its strength in [0, 1] and its evidence sentence); one query
counts the members' posts and shares per day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from neo4j import Driver

from cibgraph.detection.fusion import read_signal_edges
from cibgraph.detection.registry import get_signal, kinds
from cibgraph.export.common import when
from cibgraph.export.model import ExportNode, Provenance
from cibgraph.export.select import select_network
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.settings import get_settings

#: The relationship types that tie accounts to pages and groups, drawn in the picture.
CONTROL_TYPES = ("ADMIN_OF", "MEMBER_OF")
ENTITY_LABELS = ("Page", "Group")
EXAMPLES = 3  # evidence lines shown per signal


@dataclass(slots=True)
class Member:
    """An account, page or group IN_NETWORK of the network."""

    id: str  # export id, <Label>:<key>
    label: str
    key: str
    name: str  # handle, name or key: what a reader recognises
    score: float
    evidence: list[str]
    props: dict[str, Any]
    signal: str | None = None  # the signal of its strongest tie (see _dominant_signals)


@dataclass(frozen=True, slots=True)
class Tie:
    """A link between two members: a detection's edge (with its signal) or admin/membership."""

    a: str
    b: str
    type: str
    signal: str | None  # the detection's kind; None for ADMIN_OF / MEMBER_OF
    weight: float  # the link's strength in [0, 1], as fusion reads it (1 for control links)
    evidence: str


@dataclass(slots=True)
class SignalSummary:
    """One signal within the network: its strength, links and members covered, examples."""

    kind: str
    strength: float | None
    links: int = 0
    members: set[str] = field(default_factory=set)
    examples: list[tuple[float, str]] = field(default_factory=list)


@dataclass(slots=True)
class Activity:
    day: date
    posts: int
    shares: int
    accounts: int


@dataclass(slots=True)
class NetworkReport:
    """Everything the HTML report draws and lists."""

    key: str
    network: dict[str, Any]
    members: dict[str, Member]
    ties: list[Tie]
    signals: dict[str, SignalSummary]
    activity: list[Activity]
    provenance: Provenance
    ties_by_type: Counter[str] = field(default_factory=Counter)

    @property
    def accounts(self) -> list[Member]:
        return [m for m in self.members.values() if m.label == "Account"]

    @property
    def entities(self) -> list[Member]:
        """Pages and groups, pages first, each by name."""
        return sorted(
            (m for m in self.members.values() if m.label in ENTITY_LABELS),
            key=lambda m: (m.label != "Page", m.name.lower()),
        )

    def created(self) -> list[datetime]:
        """Creation times of the member accounts that have one."""
        return sorted(t for m in self.accounts if (t := when(m.props.get("created_at"))))


def _strengths(props: dict[str, Any]) -> dict[str, float]:
    signals, values = props.get("signals"), props.get("signal_strengths")
    if not isinstance(signals, list) or not isinstance(values, list):
        return {}
    return {str(k): float(v) for k, v in zip(signals, values, strict=False)}


def build_network_report(
    driver: Driver,
    *,
    network: str,
    database: str | None = None,
) -> NetworkReport:
    """Read one network for its report (raises SelectionNotFoundError for an unknown key)."""
    db = database or get_settings().neo4j_database
    sub = select_network(driver, network=network, database=db)
    prov = sub.provenance
    signal_runs = {
        str(r["kind"]): str(r["key"]) for r in prov.runs if str(r.get("kind")) in kinds()
    }
    nodes: dict[str, ExportNode] = {}
    network_props: dict[str, Any] = {}
    for node in sub.nodes():
        if node.label == "Network":
            network_props = node.props
        elif node.label in ("Account", *ENTITY_LABELS):
            nodes[node.id] = node
    members: dict[str, Member] = {}
    ties: list[Tie] = []
    by_type: Counter[str] = Counter()
    for edge in sub.edges():
        if edge.type == "IN_NETWORK" and (member := nodes.get(edge.start)) is not None:
            p = member.props
            score = edge.props.get("score")
            members[edge.start] = Member(
                id=edge.start,
                label=member.label,
                key=member.key,
                name=str(p.get("handle") or p.get("name") or member.key),
                score=float(score) if isinstance(score, int | float) else 0.0,
                evidence=[str(e) for e in edge.props.get("evidence") or []],
                props=p,
            )
        elif edge.type in CONTROL_TYPES:
            ties.append(Tie(edge.start, edge.end, edge.type, None, 1.0, edge.evidence))
    # Only links whose two ends are both members (a page's admin may be outside the network).
    ties = [t for t in ties if t.a in members and t.b in members]
    by_type.update(t.type for t in ties)
    strengths = _strengths(network_props)
    signals = {k: SignalSummary(kind=k, strength=v) for k, v in strengths.items()}
    for kind, edges in read_signal_edges(driver, signal_runs, database=db).items():
        signal = get_signal(kind)
        summary = signals.setdefault(kind, SignalSummary(kind=kind, strength=None))
        for e in edges:
            a, b = f"Account:{e.a}", f"Account:{e.b}"
            if a not in members or b not in members or e.strength <= 0:
                continue
            ties.append(Tie(a, b, signal.rel_type.value, kind, e.strength, e.text))
            by_type[signal.rel_type.value] += 1
            summary.links += 1
            summary.members.update((a, b))
            summary.examples.append((e.strength, e.text))
            if len(summary.examples) > 4 * EXAMPLES:
                summary.examples.sort(key=lambda x: -x[0])
                del summary.examples[EXAMPLES:]
    for summary in signals.values():
        summary.examples.sort(key=lambda x: -x[0])
        del summary.examples[EXAMPLES:]
    _dominant_signals(members, ties, strengths)
    rows = QueryRunner(driver, database=db).records("report/activity", {"network": network})
    activity = [
        Activity(day=r["day"].to_native(), posts=r["posts"], shares=r["shares"],
                 accounts=r["accounts"])
        for r in rows
    ]  # fmt: skip
    return NetworkReport(
        key=prov.target,
        network=network_props,
        members=members,
        ties=ties,
        signals=dict(sorted(signals.items(), key=lambda kv: -(kv[1].strength or 0.0))),
        activity=activity,
        provenance=prov,
        ties_by_type=by_type,
    )


def _dominant_signals(
    members: dict[str, Member], ties: list[Tie], strengths: dict[str, float]
) -> None:
    """Each member's signal: the one of its strongest tie to another member, a tie's strength
    weighed by its signal's strength in the network (a certain cohort tie of a weak signal
    counts for less than a near-certain tie of the signal that holds the network together)."""
    best: dict[str, tuple[float, float, str]] = {}
    for t in ties:
        if t.signal is None:
            continue
        weight = strengths.get(t.signal, 1.0)
        rank = (t.weight * weight, weight, t.signal)
        for end in (t.a, t.b):
            if end not in best or rank > best[end]:
                best[end] = rank
    for member_id, (_, _, signal) in best.items():
        members[member_id].signal = signal
