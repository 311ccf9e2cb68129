"""Bounded traversals for the API and the investigation UIs: neighbourhoods, paths, networks.

Every query is a named file under `cypher/traverse/`. Relationship types and labels reach those
queries only as values built from the `RelType` and `NodeLabel` allow-lists: each argument is
checked here, before any query is sent, and an unknown type, label or out-of-range bound raises
`ValueError`. Reads use READ routing and a transaction timeout.

An entity is named by its `key`. Keys are unique per label, and a few key spaces could meet
(`<platform>:<id>` for accounts, pages, groups and posts), so each function also takes an
optional `label`; a key that names several nodes without one raises `AmbiguousKeyError`, a key
that names none raises `EntityNotFoundError`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from neo4j import Driver

from cibgraph.detection.registry import detection_types
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import NodeLabel, RelType

logger = logging.getLogger(__name__)

MAX_DEPTH = 3
DEFAULT_NODE_LIMIT = 200
MAX_NODE_LIMIT = 2_000
DEFAULT_EDGE_LIMIT = 2_000
MAX_EDGE_LIMIT = 10_000
MAX_PATH_LENGTH = 6  # the literal bound in cypher/traverse/shortest_paths.cypher
DEFAULT_MAX_PATHS = 25
MAX_PATHS = 100
DEFAULT_MEMBER_LIMIT = 100
MAX_MEMBER_LIMIT = 5_000
DEFAULT_TIMEOUT = 30.0  # seconds per query; a traversal must never hold the database

#: The relationship types written by detections, in the order they are reported (the registry's).
DETECTION_TYPES: tuple[RelType, ...] = detection_types()


class Direction(StrEnum):
    """Which way relationships are followed from the start node."""

    OUT = "out"
    IN = "in"
    BOTH = "both"


class EntityNotFoundError(LookupError):
    """No node has the key (with the label, when one was given)."""


class AmbiguousKeyError(ValueError):
    """Several nodes of different labels share the key: name the label."""


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    labels: tuple[str, ...]
    props: dict[str, Any]
    depth: int | None = None  # hops from the start (neighbourhoods only)


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    type: str
    start: str  # the start node's key
    end: str  # the end node's key
    props: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Graph:
    """A drawable subgraph: nodes, the edges between them, and whether either list was cut."""

    nodes: list[Node]
    edges: list[Edge]
    truncated: bool  # more nodes were reachable than the limit
    edges_truncated: bool = False  # more edges joined the nodes than the edge limit


@dataclass(frozen=True, slots=True)
class Path:
    nodes: list[Node]
    edges: list[Edge]


@dataclass(frozen=True, slots=True)
class NetworkMembership:
    """One network an entity belongs to, with the fusion's score and explanation."""

    network: str
    run: str | None
    score: float | None
    size: int | None
    explanation: Any
    signals: Any
    member_score: float | None
    member_evidence: Any


@dataclass(frozen=True, slots=True)
class SignalLink:
    """Detection edges of one signal type from a member to the seed or to other members."""

    signal: str
    weight: float
    members: int = 1  # how many distinct nodes the edges reach (1 for the seed)


@dataclass(frozen=True, slots=True)
class NetworkMember:
    """Another member of a seed's network, with the evidence that puts it there."""

    network: str
    run: str | None
    network_score: float | None
    key: str
    labels: tuple[str, ...]
    props: dict[str, Any]
    score: float | None  # its IN_NETWORK score
    evidence: Any  # its IN_NETWORK evidence, as the fusion wrote it
    to_seed: list[SignalLink]
    seed_weight: float
    to_members: list[SignalLink]
    members_weight: float


# --- argument checks (all before any query) -------------------------------------------------


def _bounded_int(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _rel_types(rel_types: Iterable[RelType | str] | None) -> list[RelType]:
    if rel_types is None:
        return list(RelType)
    if isinstance(rel_types, str):
        rel_types = [rel_types]
    chosen: list[RelType] = []
    for t in rel_types:
        try:
            rt = RelType(t)
        except ValueError:
            raise ValueError(f"unknown relationship type {t!r}") from None
        if rt not in chosen:
            chosen.append(rt)
    if not chosen:
        raise ValueError("rel_types must name at least one relationship type")
    return chosen


def _labels(labels: Iterable[NodeLabel | str] | None) -> list[NodeLabel]:
    if labels is None:
        return []
    if isinstance(labels, str):
        labels = [labels]
    chosen: list[NodeLabel] = []
    for label in labels:
        chosen.append(_label(label))
    if not chosen:
        raise ValueError("labels, when given, must name at least one label")
    return list(dict.fromkeys(chosen))


def _label(label: NodeLabel | str) -> NodeLabel:
    try:
        return NodeLabel(label)
    except ValueError:
        raise ValueError(f"unknown label {label!r}") from None


def _optional_label(label: NodeLabel | str | None) -> str | None:
    return None if label is None else _label(label).value


def _key(name: str, key: str) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError(f"{name} must be a non-empty string")
    return key


def _direction(direction: Direction | str) -> Direction:
    try:
        return Direction(direction)
    except ValueError:
        raise ValueError(f"direction must be out, in or both, not {direction!r}") from None


def relationship_filter(types: Sequence[RelType], direction: Direction) -> str:
    """The APOC relationship filter for `types` followed in `direction` ('A>|B>', '<A|<B', 'A|B').

    Built only from enum values: this string is passed as a parameter, never as query text.
    """
    if direction is Direction.OUT:
        return "|".join(f"{t.value}>" for t in types)
    if direction is Direction.IN:
        return "|".join(f"<{t.value}" for t in types)
    return "|".join(t.value for t in types)


def label_filter(labels: Sequence[NodeLabel]) -> str:
    """The APOC label whitelist ('+Account|+IP'), or '' for none. Built only from enum values."""
    return "|".join(f"+{label.value}" for label in labels)


# --- requests: checked once, for every front end -------------------------------------------


@dataclass(frozen=True, slots=True)
class NeighbourhoodRequest:
    """A neighbourhood request whose every argument has been checked (the bounds above), and
    the parameters of `traverse/neighbourhood` it makes. The CLI, the API and `neighbourhood`
    all build one with `check`."""

    key: str
    start_label: str | None
    depth: int
    types: tuple[RelType, ...]
    direction: Direction
    labels: tuple[NodeLabel, ...]
    limit: int
    edge_limit: int

    @classmethod
    def check(
        cls,
        *,
        key: str,
        depth: int = 1,
        rel_types: Iterable[RelType | str] | None = None,
        direction: Direction | str = Direction.BOTH,
        labels: Iterable[NodeLabel | str] | None = None,
        limit: int = DEFAULT_NODE_LIMIT,
        edge_limit: int = DEFAULT_EDGE_LIMIT,
        label: NodeLabel | str | None = None,
    ) -> NeighbourhoodRequest:
        """The request, or ValueError saying which argument is wrong (before any query)."""
        return cls(
            key=_key("key", key),
            start_label=_optional_label(label),
            depth=_bounded_int("depth", depth, 1, MAX_DEPTH),
            limit=_bounded_int("limit", limit, 1, MAX_NODE_LIMIT),
            edge_limit=_bounded_int("edge_limit", edge_limit, 0, MAX_EDGE_LIMIT),
            types=tuple(_rel_types(rel_types)),
            direction=_direction(direction),
            labels=tuple(_labels(labels)),
        )

    def params(
        self, *, node_props: Sequence[str] | None = None, edge_props: bool = True
    ) -> dict[str, Any]:
        """The query's parameters; `node_props` names the node properties to return (None for
        all; `key` is always returned) and `edge_props` whether to return relationships'."""
        return {
            "key": self.key,
            "label": self.start_label,
            "depth": self.depth,
            "limit": self.limit,
            "edge_limit": self.edge_limit,
            "types": [t.value for t in self.types],
            "rel_filter": relationship_filter(self.types, self.direction),
            "label_filter": label_filter(self.labels),
            "node_props": None if node_props is None else sorted({"key", *node_props}),
            "edge_props": edge_props,
        }


@dataclass(frozen=True, slots=True)
class PathsRequest:
    """A checked shortest-paths request and the parameters of `traverse/shortest_paths`."""

    from_key: str
    to_key: str
    from_label: str | None
    to_label: str | None
    max_length: int
    max_paths: int
    types: tuple[RelType, ...]

    @classmethod
    def check(
        cls,
        *,
        from_key: str,
        to_key: str,
        max_length: int = 4,
        rel_types: Iterable[RelType | str] | None = None,
        max_paths: int = DEFAULT_MAX_PATHS,
        from_label: NodeLabel | str | None = None,
        to_label: NodeLabel | str | None = None,
    ) -> PathsRequest:
        """The request, or ValueError saying which argument is wrong (before any query)."""
        request = cls(
            from_key=_key("from_key", from_key),
            to_key=_key("to_key", to_key),
            from_label=_optional_label(from_label),
            to_label=_optional_label(to_label),
            max_length=_bounded_int("max_length", max_length, 1, MAX_PATH_LENGTH),
            max_paths=_bounded_int("max_paths", max_paths, 1, MAX_PATHS),
            types=tuple(_rel_types(rel_types)),
        )
        if from_key == to_key and request.from_label == request.to_label:
            raise ValueError("from_key and to_key name the same entity")
        return request

    def params(self) -> dict[str, Any]:
        return {
            "from_key": self.from_key,
            "to_key": self.to_key,
            "from_label": self.from_label,
            "to_label": self.to_label,
            "max_length": self.max_length,
            "max_paths": self.max_paths,
            "types": [t.value for t in self.types],
        }


# --- running the named queries ---------------------------------------------------------------


def _read(
    driver: Driver,
    name: str,
    params: Mapping[str, Any],
    *,
    database: str | None,
    timeout: float,
) -> list[dict[str, Any]]:
    """Run a named read query through the runner: a retried READ transaction under a timeout,
    parameters checked against the header, values made plain (temporal ones as datetimes)."""
    return QueryRunner(driver, database=database, timeout=timeout).read(name, params)


def _node(row: Mapping[str, Any]) -> Node:
    return Node(
        key=row["key"],
        labels=tuple(row["labels"]),
        props=dict(row["props"]),
        depth=row.get("depth"),
    )


def _edge(row: Mapping[str, Any]) -> Edge:
    return Edge(
        id=row["id"],
        type=row["type"],
        start=row["start"],
        end=row["end"],
        props=dict(row["props"]),
    )


def entities_by_key(
    driver: Driver, *, key: str, database: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> list[tuple[str, ...]]:
    """The label sets of every node with this key (usually one)."""
    rows = _read(
        driver,
        "traverse/entities_by_key",
        {"key": _key("key", key)},
        database=database,
        timeout=timeout,
    )
    return [tuple(r["labels"]) for r in rows]


def _explain_missing(
    driver: Driver, *, key: str, label: str | None, database: str | None, timeout: float
) -> None:
    """Raise the error that says why `key` resolved to no single node; return if it does."""
    found = entities_by_key(driver, key=key, database=database, timeout=timeout)
    if label is not None:
        found = [labels for labels in found if label in labels]
    if not found:
        suffix = f" with label {label}" if label else ""
        raise EntityNotFoundError(f"no node has key {key!r}{suffix}")
    if len(found) > 1:
        names = ", ".join(":".join(labels) for labels in found)
        raise AmbiguousKeyError(f"key {key!r} names several nodes ({names}); give a label")


# --- the traversals ---------------------------------------------------------------------------


def neighbourhood(
    driver: Driver,
    *,
    key: str,
    depth: int = 1,
    rel_types: Iterable[RelType | str] | None = None,
    direction: Direction | str = Direction.BOTH,
    labels: Iterable[NodeLabel | str] | None = None,
    limit: int = DEFAULT_NODE_LIMIT,
    edge_limit: int = DEFAULT_EDGE_LIMIT,
    label: NodeLabel | str | None = None,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Graph:
    """The nodes within `depth` hops of an entity, and the relationships between them.

    The walk follows only `rel_types` (default: every type) in `direction`, and passes only
    through nodes with one of `labels` (default: any; the start node is always included). It is
    breadth-first, so when more than `limit` nodes are reachable the nearest `limit` ones are
    kept (the start node counts) and `truncated` is true. `edges` are every relationship of the
    allowed types, either way round, between two returned nodes (at most `edge_limit`).
    """
    request = NeighbourhoodRequest.check(
        key=key,
        depth=depth,
        rel_types=rel_types,
        direction=direction,
        labels=labels,
        limit=limit,
        edge_limit=edge_limit,
        label=label,
    )
    start_label = request.start_label
    params = request.params()
    rows = _read(driver, "traverse/neighbourhood", params, database=database, timeout=timeout)
    row = rows[0] if rows else {"nodes": []}
    if not row["nodes"]:
        _explain_missing(driver, key=key, label=start_label, database=database, timeout=timeout)
        raise EntityNotFoundError(f"no node has key {key!r}")  # resolved, yet no start node
    return Graph(
        nodes=[_node(n) for n in row["nodes"]],
        edges=[_edge(e) for e in row["edges"]],
        truncated=row["truncated"],
        edges_truncated=row["edges_truncated"],
    )


def shortest_paths(
    driver: Driver,
    *,
    from_key: str,
    to_key: str,
    max_length: int = 4,
    rel_types: Iterable[RelType | str] | None = None,
    max_paths: int = DEFAULT_MAX_PATHS,
    from_label: NodeLabel | str | None = None,
    to_label: NodeLabel | str | None = None,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Path]:
    """Every shortest path (up to `max_paths` of them) of at most `max_length` hops between two
    entities, following `rel_types` in either direction. An empty list means no such path.

    Paths come back sorted by the keys along them, so the answer is stable.
    """
    request = PathsRequest.check(
        from_key=from_key,
        to_key=to_key,
        max_length=max_length,
        rel_types=rel_types,
        max_paths=max_paths,
        from_label=from_label,
        to_label=to_label,
    )
    ends = ((request.from_key, request.from_label), (request.to_key, request.to_label))
    params = request.params()
    rows = _read(driver, "traverse/shortest_paths", params, database=database, timeout=timeout)
    if not rows:
        # No path, or an end that does not resolve to one node: say which.
        for k, lab in ends:
            _explain_missing(driver, key=k, label=lab, database=database, timeout=timeout)
    paths = [
        Path(nodes=[_node(n) for n in r["nodes"]], edges=[_edge(e) for e in r["edges"]])
        for r in rows
    ]
    return sorted(paths, key=lambda p: ([n.key for n in p.nodes], [e.type for e in p.edges]))


def network_of(
    driver: Driver,
    *,
    key: str,
    run: str | None = None,
    label: NodeLabel | str | None = None,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[NetworkMembership]:
    """The networks an entity belongs to (of fusion run `run`, or of every run), newest run
    first, then strongest. An entity in no network gives an empty list."""
    start_label = _optional_label(label)
    params = {"key": _key("key", key), "label": start_label, "run": run}
    rows = _read(driver, "traverse/network_of", params, database=database, timeout=timeout)
    if not rows:
        _explain_missing(driver, key=key, label=start_label, database=database, timeout=timeout)
    return [
        NetworkMembership(
            network=r["network"],
            run=r["run"],
            score=r["score"],
            size=r["size"],
            explanation=r["explanation"],
            signals=r["signals"],
            member_score=r["member_score"],
            member_evidence=r["member_evidence"],
        )
        for r in rows
    ]


def expand_network(
    driver: Driver,
    *,
    seed_key: str,
    limit: int = DEFAULT_MEMBER_LIMIT,
    run: str | None = None,
    seed_label: NodeLabel | str | None = None,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[NetworkMember]:
    """Who else is in the seed's network(s)? The other members, strongest network first and,
    within a network, ranked by evidence: IN_NETWORK score, then the weight of the detection
    edges to the seed, then the weight of those to the other members, then key.

    Weights are summed over signal types, taking per pair and type the largest weight any
    detection run wrote (a detection run again must not double an edge).
    """
    start_label = _optional_label(seed_label)
    params: dict[str, Any] = {
        "key": _key("seed_key", seed_key),
        "label": start_label,
        "run": run,
        "types": [t.value for t in DETECTION_TYPES],
        "limit": _bounded_int("limit", limit, 1, MAX_MEMBER_LIMIT),
    }
    rows = _read(driver, "traverse/expand_network", params, database=database, timeout=timeout)
    if not rows:
        _explain_missing(
            driver, key=seed_key, label=start_label, database=database, timeout=timeout
        )
    return [
        NetworkMember(
            network=r["network"],
            run=r["run"],
            network_score=r["network_score"],
            key=r["key"],
            labels=tuple(r["labels"]),
            props=dict(r["props"]),
            score=r["score"],
            evidence=r["evidence"],
            to_seed=sorted(
                (SignalLink(signal=s["signal"], weight=s["weight"]) for s in r["to_seed"]),
                key=_signal_order,
            ),
            seed_weight=float(r["seed_weight"]),
            to_members=sorted(
                (
                    SignalLink(signal=s["signal"], weight=s["weight"], members=s["members"])
                    for s in r["to_members"]
                ),
                key=_signal_order,
            ),
            members_weight=float(r["members_weight"]),
        )
        for r in rows
    ]


def _signal_order(link: SignalLink) -> int:
    return [t.value for t in DETECTION_TYPES].index(link.signal)
