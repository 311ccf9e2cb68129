"""Traversals: exact neighbourhoods, filters and truncation, shortest paths, network expansion."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import Driver

from cibgraph.neo4j.registry import CYPHER_DIR
from cibgraph.neo4j.schema import INTERNAL_LABELS, NodeLabel
from cibgraph.settings import Settings
from cibgraph.traversals import (
    AmbiguousKeyError,
    Direction,
    EntityNotFoundError,
    Graph,
    NetworkMember,
    SignalLink,
    expand_network,
    label_filter,
    neighbourhood,
    network_of,
    relationship_filter,
    shortest_paths,
)

# a -FOLLOWS-> b, a -FOLLOWS-> c, b -FOLLOWS-> c, e -FOLLOWS-> a, a -ADMIN_OF-> p,
# c -USED_IP-> ip, d -USED_IP-> ip, d -MENTIONED-> b, ip -IN_SUBNET-> subnet.
GRAPH = """
CREATE (a:Account {key: 'tw:a', handle: 'alice', created_at: datetime('2017-08-30T10:00:00Z')}),
       (b:Account {key: 'tw:b'}), (c:Account {key: 'tw:c'}), (d:Account {key: 'tw:d'}),
       (e:Account {key: 'tw:e'}), (p:Page {key: 'fb:p'}),
       (ip:IP {key: '203.0.113.7'}), (s:Subnet {key: '203.0.113.0/24'}),
       (a)-[:FOLLOWS]->(b), (a)-[:FOLLOWS]->(c), (b)-[:FOLLOWS]->(c), (e)-[:FOLLOWS]->(a),
       (a)-[:ADMIN_OF {role: 'admin'}]->(p),
       (c)-[:USED_IP {count: 3}]->(ip), (d)-[:USED_IP {count: 1}]->(ip),
       (d)-[:MENTIONED {count: 2}]->(b), (ip)-[:IN_SUBNET]->(s)
"""


class NoDriver:
    """A driver that fails the test if any query is sent."""

    def execute_query(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a query was sent")

    def session(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a session was opened")


def _setup(driver: Driver, settings: Settings, cypher: str) -> None:
    driver.execute_query(cypher, database_=settings.neo4j_database)


@pytest.fixture()
def graph(db: Driver, settings: Settings) -> Driver:
    _setup(db, settings, GRAPH)
    return db


def _nodes(g: Graph) -> dict[str, int | None]:
    return {n.key: n.depth for n in g.nodes}


def _edges(g: Graph) -> set[tuple[str, str, str]]:
    return {(e.start, e.type, e.end) for e in g.edges}


F, U, M = "FOLLOWS", "USED_IP", "MENTIONED"
DEPTH1 = {"tw:a": 0, "tw:b": 1, "tw:c": 1, "tw:e": 1, "fb:p": 1}
DEPTH1_EDGES = {
    ("tw:a", F, "tw:b"),
    ("tw:a", F, "tw:c"),
    ("tw:b", F, "tw:c"),
    ("tw:e", F, "tw:a"),
    ("tw:a", "ADMIN_OF", "fb:p"),
}


def test_depth_one(graph: Driver) -> None:
    g = neighbourhood(graph, key="tw:a", depth=1)
    assert _nodes(g) == DEPTH1
    assert _edges(g) == DEPTH1_EDGES
    assert (g.truncated, g.edges_truncated) == (False, False)
    assert g.nodes[0].key == "tw:a"
    assert g.nodes[0].labels == ("Account",)
    assert g.nodes[0].props["created_at"] == datetime(2017, 8, 30, 10, tzinfo=UTC)
    admin = next(e for e in g.edges if e.type == "ADMIN_OF")
    assert admin.props == {"role": "admin"}
    assert len({e.id for e in g.edges}) == 5


def test_depth_two(graph: Driver) -> None:
    g = neighbourhood(graph, key="tw:a", depth=2)
    assert _nodes(g) == {**DEPTH1, "203.0.113.7": 2, "tw:d": 2}
    assert _edges(g) == DEPTH1_EDGES | {
        ("tw:c", U, "203.0.113.7"),
        ("tw:d", U, "203.0.113.7"),
        ("tw:d", M, "tw:b"),
    }
    assert g.truncated is False


def test_depth_three_reaches_the_subnet(graph: Driver) -> None:
    g = neighbourhood(graph, key="tw:a", depth=3)
    assert len(g.nodes) == 8
    assert _nodes(g)["203.0.113.0/24"] == 3


def test_direction_out_and_in(graph: Driver) -> None:
    out = neighbourhood(graph, key="tw:a", depth=1, direction=Direction.OUT)
    assert _nodes(out) == {"tw:a": 0, "tw:b": 1, "tw:c": 1, "fb:p": 1}
    assert _edges(out) == DEPTH1_EDGES - {("tw:e", F, "tw:a")}
    inward = neighbourhood(graph, key="tw:a", depth=2, direction="in")
    assert _nodes(inward) == {"tw:a": 0, "tw:e": 1}
    assert _edges(inward) == {("tw:e", F, "tw:a")}


def test_type_filter(graph: Driver) -> None:
    g = neighbourhood(graph, key="tw:a", depth=2, rel_types=["FOLLOWS"])
    assert _nodes(g) == {"tw:a": 0, "tw:b": 1, "tw:c": 1, "tw:e": 1}
    assert _edges(g) == DEPTH1_EDGES - {("tw:a", "ADMIN_OF", "fb:p")}
    g = neighbourhood(graph, key="tw:a", depth=2, rel_types=["FOLLOWS", "USED_IP"], direction="out")
    assert _nodes(g) == {"tw:a": 0, "tw:b": 1, "tw:c": 1, "203.0.113.7": 2}
    assert _edges(g) == {
        ("tw:a", F, "tw:b"),
        ("tw:a", F, "tw:c"),
        ("tw:b", F, "tw:c"),
        ("tw:c", U, "203.0.113.7"),
    }


def test_label_filter_passes_only_through_those_labels(graph: Driver) -> None:
    g = neighbourhood(graph, key="tw:a", depth=3, labels=[NodeLabel.ACCOUNT])
    assert _nodes(g) == {"tw:a": 0, "tw:b": 1, "tw:c": 1, "tw:e": 1, "tw:d": 2}
    assert _edges(g) == DEPTH1_EDGES - {("tw:a", "ADMIN_OF", "fb:p")} | {("tw:d", M, "tw:b")}
    # The start node is always included, whatever its label.
    g = neighbourhood(graph, key="203.0.113.7", depth=1, labels=["Account"])
    assert _nodes(g) == {"203.0.113.7": 0, "tw:c": 1, "tw:d": 1}


def test_truncation_exactly_at_the_limit(graph: Driver) -> None:
    # Seven nodes lie within two hops of tw:a (itself included).
    full = neighbourhood(graph, key="tw:a", depth=2, limit=7)
    assert (len(full.nodes), full.truncated) == (7, False)
    cut = neighbourhood(graph, key="tw:a", depth=2, limit=6)
    assert (len(cut.nodes), cut.truncated) == (6, True)
    # Breadth-first: the nearest nodes are the ones kept.
    assert set(DEPTH1) < set(_nodes(cut))
    five = neighbourhood(graph, key="tw:a", depth=2, limit=5)
    assert (_nodes(five), five.truncated) == (DEPTH1, True)
    assert _edges(five) == DEPTH1_EDGES
    one = neighbourhood(graph, key="tw:a", depth=2, limit=1)
    assert (_nodes(one), one.edges, one.truncated) == ({"tw:a": 0}, [], True)
    leaf = neighbourhood(graph, key="fb:p", depth=1, limit=2)
    assert (_nodes(leaf), leaf.truncated) == ({"fb:p": 0, "tw:a": 1}, False)


def test_edge_limit(graph: Driver) -> None:
    g = neighbourhood(graph, key="tw:a", depth=1, edge_limit=2)
    assert (len(g.edges), g.edges_truncated, g.truncated) == (2, True, False)
    assert _edges(g) < DEPTH1_EDGES
    g = neighbourhood(graph, key="tw:a", depth=1, edge_limit=5)
    assert (len(g.edges), g.edges_truncated) == (5, False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 4}, "depth must be between 1 and 3"),
        ({"depth": 0}, "depth must be between 1 and 3"),
        ({"depth": True}, "depth must be an integer"),
        ({"rel_types": ["FOLLOWS", "KNOWS"]}, "unknown relationship type 'KNOWS'"),
        ({"rel_types": ["FOLLOWS>|USED_IP"]}, "unknown relationship type"),
        ({"rel_types": []}, "at least one relationship type"),
        ({"labels": ["Person"]}, "unknown label 'Person'"),
        ({"labels": ["+Account"]}, "unknown label"),
        ({"label": "Person"}, "unknown label"),
        ({"direction": "up"}, "direction must be out, in or both"),
        ({"limit": 0}, "limit must be between 1 and 2000"),
        ({"limit": 2001}, "limit must be between 1 and 2000"),
        ({"edge_limit": 10_001}, "edge_limit must be between 0 and 10000"),
        ({"key": ""}, "key must be a non-empty string"),
    ],
)
def test_bad_arguments_are_rejected_before_any_query(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"key": "tw:a", **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        neighbourhood(NoDriver(), **args)  # type: ignore[arg-type]


def test_filters_are_built_from_the_enums_only() -> None:
    from cibgraph.neo4j.schema import RelType

    types = [RelType.USED_IP, RelType.SHARED]
    assert relationship_filter(types, Direction.OUT) == "USED_IP>|SHARED>"
    assert relationship_filter(types, Direction.IN) == "<USED_IP|<SHARED"
    assert relationship_filter(types, Direction.BOTH) == "USED_IP|SHARED"
    assert label_filter([NodeLabel.ACCOUNT, NodeLabel.IP]) == "+Account|+IP"
    assert label_filter([]) == ""


def test_unknown_and_hostile_keys(graph: Driver, settings: Settings) -> None:
    with pytest.raises(EntityNotFoundError, match="no node has key 'tw:zz'"):
        neighbourhood(graph, key="tw:zz")
    hostile = "tw:a'}) DETACH DELETE n //"
    with pytest.raises(EntityNotFoundError):
        neighbourhood(graph, key=hostile)
    with pytest.raises(EntityNotFoundError, match="with label Page"):
        neighbourhood(graph, key="tw:a", label="Page")
    count = graph.execute_query(
        "MATCH (n) RETURN count(n) AS n", database_=settings.neo4j_database
    ).records[0]["n"]
    assert count == 8


def test_a_key_shared_by_two_labels_needs_a_label(graph: Driver, settings: Settings) -> None:
    _setup(graph, settings, "CREATE (:Post {key: 'tw:a'})")
    with pytest.raises(
        AmbiguousKeyError, match=re.escape("'tw:a' names several nodes (Account, Post)")
    ):
        neighbourhood(graph, key="tw:a")
    g = neighbourhood(graph, key="tw:a", label="Account", depth=1)
    assert _nodes(g) == DEPTH1
    g = neighbourhood(graph, key="tw:a", label=NodeLabel.POST, depth=1)
    assert (_nodes(g), g.edges, g.truncated) == ({"tw:a": 0}, [], False)


def test_key_look_ups_search_every_label() -> None:
    """A label added to NodeLabel must be added to every any-label key look-up too."""
    expected = {label.value for label in NodeLabel if label not in INTERNAL_LABELS}
    lookups = 0
    for path in [
        *(CYPHER_DIR / "traverse").glob("*.cypher"),
        CYPHER_DIR / "investigate/entity_sources.cypher",
    ]:
        for match in re.finditer(r"\((\w+):([\w|]+) \{key: \$\w+\}\)", path.read_text()):
            if match.group(2).count("|") > 3:
                assert set(match.group(2).split("|")) == expected, path
                lookups += 1
    assert lookups == 7


# --- shortest paths ----------------------------------------------------------------------------


def _route(path: Any) -> list[str]:
    return [n.key for n in path.nodes]


def test_shortest_path_is_exact(graph: Driver) -> None:
    paths = shortest_paths(graph, from_key="tw:a", to_key="tw:d", max_length=6)
    assert [_route(p) for p in paths] == [["tw:a", "tw:b", "tw:d"]]
    assert [(e.start, e.type, e.end) for e in paths[0].edges] == [
        ("tw:a", F, "tw:b"),
        ("tw:d", M, "tw:b"),
    ]
    assert paths[0].edges[1].props == {"count": 2}


def test_shortest_paths_respect_types_and_length(graph: Driver) -> None:
    paths = shortest_paths(graph, from_key="tw:a", to_key="tw:d", rel_types=["FOLLOWS", "USED_IP"])
    assert [_route(p) for p in paths] == [["tw:a", "tw:c", "203.0.113.7", "tw:d"]]
    assert (
        shortest_paths(graph, from_key="tw:a", to_key="tw:d", max_length=2, rel_types=[F, U]) == []
    )
    assert shortest_paths(graph, from_key="tw:a", to_key="tw:d", rel_types=["ADMIN_OF"]) == []


def test_all_shortest_paths_up_to_a_count(graph: Driver, settings: Settings) -> None:
    _setup(
        graph, settings, "MATCH (c {key: 'tw:c'}), (d {key: 'tw:d'}) CREATE (c)-[:MENTIONED]->(d)"
    )
    paths = shortest_paths(graph, from_key="tw:a", to_key="tw:d")
    assert [_route(p) for p in paths] == [["tw:a", "tw:b", "tw:d"], ["tw:a", "tw:c", "tw:d"]]
    one = shortest_paths(graph, from_key="tw:a", to_key="tw:d", max_paths=1)
    assert len(one) == 1
    assert _route(one[0]) in (["tw:a", "tw:b", "tw:d"], ["tw:a", "tw:c", "tw:d"])


def test_shortest_paths_reject_bad_arguments() -> None:
    nd: Any = NoDriver()
    with pytest.raises(ValueError, match="max_length must be between 1 and 6"):
        shortest_paths(nd, from_key="tw:a", to_key="tw:d", max_length=7)
    with pytest.raises(ValueError, match="unknown relationship type 'LIKES'"):
        shortest_paths(nd, from_key="tw:a", to_key="tw:d", rel_types=["LIKES"])
    with pytest.raises(ValueError, match="the same entity"):
        shortest_paths(nd, from_key="tw:a", to_key="tw:a")
    with pytest.raises(ValueError, match="max_paths must be between 1 and 100"):
        shortest_paths(nd, from_key="tw:a", to_key="tw:d", max_paths=101)


def test_shortest_paths_name_a_missing_end(graph: Driver) -> None:
    with pytest.raises(EntityNotFoundError, match="'tw:nope'"):
        shortest_paths(graph, from_key="tw:a", to_key="tw:nope")
    with pytest.raises(EntityNotFoundError, match="'tw:nope'"):
        shortest_paths(graph, from_key="tw:nope", to_key="tw:a")


# --- networks ----------------------------------------------------------------------------------

NETWORKS = """
CREATE (a:Account {key: 'tw:a'}), (b:Account {key: 'tw:b'}), (c:Account {key: 'tw:c'}),
       (d:Account {key: 'tw:d'}), (x:Account {key: 'tw:x'}), (p:Page {key: 'fb:p'}),
       (:DetectionRun {key: 'fusion-1', started_at: datetime('2024-01-01T00:00:00Z')}),
       (:DetectionRun {key: 'fusion-2', started_at: datetime('2024-02-01T00:00:00Z')}),
       (n1:Network {key: 'net:1', run: 'fusion-1', score: 0.9, size: 4,
                    explanation: 'coordinated sharing and shared IPs',
                    signals: ['COORDINATED_WITH', 'SHARES_INFRA_WITH']}),
       (n2:Network {key: 'net:2', run: 'fusion-2', score: 0.4, size: 2,
                    explanation: 'shared IPs', signals: ['SHARES_INFRA_WITH']}),
       (a)-[:IN_NETWORK {run: 'fusion-1', score: 0.9, evidence: 'seed'}]->(n1),
       (b)-[:IN_NETWORK {run: 'fusion-1', score: 0.8, evidence: 'b ev'}]->(n1),
       (c)-[:IN_NETWORK {run: 'fusion-1', score: 0.8, evidence: 'c ev'}]->(n1),
       (p)-[:IN_NETWORK {run: 'fusion-1', score: 0.5, evidence: 'p ev'}]->(n1),
       (a)-[:IN_NETWORK {run: 'fusion-2', score: 0.6, evidence: 'a ev2'}]->(n2),
       (d)-[:IN_NETWORK {run: 'fusion-2', score: 0.7, evidence: 'd ev'}]->(n2),
       (a)-[:COORDINATED_WITH {run: 'coord-1', weight: 5}]->(b),
       (b)-[:COORDINATED_WITH {run: 'coord-1', weight: 3}]->(c),
       (c)-[:SHARES_INFRA_WITH {run: 'infra-1', weight: 2.0}]->(a),
       (a)-[:SHARES_INFRA_WITH {run: 'infra-2', weight: 1.0}]->(c),
       (c)-[:SHARES_INFRA_WITH {run: 'infra-1', weight: 0.5}]->(x),
       (a)-[:SHARES_INFRA_WITH {run: 'infra-1', weight: 0.25}]->(d)
"""


@pytest.fixture()
def networks(db: Driver, settings: Settings) -> Driver:
    _setup(db, settings, NETWORKS)
    return db


def test_network_of(networks: Driver) -> None:
    got = network_of(networks, key="tw:a")
    # Newest run first, even though its network scores lower.
    assert [(m.network, m.run, m.score, m.size, m.member_score) for m in got] == [
        ("net:2", "fusion-2", 0.4, 2, 0.6),
        ("net:1", "fusion-1", 0.9, 4, 0.9),
    ]
    assert got[1].explanation == "coordinated sharing and shared IPs"
    assert got[1].signals == ["COORDINATED_WITH", "SHARES_INFRA_WITH"]
    assert got[1].member_evidence == "seed"
    assert [m.network for m in network_of(networks, key="tw:a", run="fusion-1")] == ["net:1"]
    assert network_of(networks, key="tw:x") == []
    with pytest.raises(EntityNotFoundError):
        network_of(networks, key="tw:zz")


def test_expand_network_ranks_members_by_evidence(networks: Driver) -> None:
    got = expand_network(networks, seed_key="tw:a")
    assert [(m.network, m.key) for m in got] == [
        ("net:1", "tw:b"),  # score 0.8, weight 5 to the seed
        ("net:1", "tw:c"),  # score 0.8, weight 2 to the seed (the larger of two infra runs)
        ("net:1", "fb:p"),  # score 0.5, no detection edge
        ("net:2", "tw:d"),  # the weaker network
    ]
    b, c, p, d = got
    assert b == NetworkMember(
        network="net:1",
        run="fusion-1",
        network_score=0.9,
        key="tw:b",
        labels=("Account",),
        props={"key": "tw:b"},
        score=0.8,
        evidence="b ev",
        to_seed=[SignalLink("COORDINATED_WITH", 5)],
        seed_weight=5.0,
        to_members=[SignalLink("COORDINATED_WITH", 3, members=1)],
        members_weight=3.0,
    )
    # tw:x is outside the network: its edge to tw:c is not evidence of membership.
    assert (c.to_seed, c.seed_weight) == ([SignalLink("SHARES_INFRA_WITH", 2.0)], 2.0)
    assert (c.to_members, c.members_weight) == ([SignalLink("COORDINATED_WITH", 3)], 3.0)
    assert (p.to_seed, p.seed_weight, p.to_members, p.members_weight) == ([], 0.0, [], 0.0)
    assert (d.to_seed, d.score, d.evidence) == (
        [SignalLink("SHARES_INFRA_WITH", 0.25)],
        0.7,
        "d ev",
    )


def test_expand_network_limit_and_run(networks: Driver) -> None:
    assert [m.key for m in expand_network(networks, seed_key="tw:a", limit=2)] == ["tw:b", "tw:c"]
    assert [m.key for m in expand_network(networks, seed_key="tw:a", run="fusion-2")] == ["tw:d"]
    assert [m.key for m in expand_network(networks, seed_key="tw:b")] == ["tw:a", "tw:c", "fb:p"]
    assert expand_network(networks, seed_key="tw:x") == []
    with pytest.raises(EntityNotFoundError):
        expand_network(networks, seed_key="tw:zz")
    with pytest.raises(ValueError, match="limit must be between 1 and 5000"):
        expand_network(NoDriver(), seed_key="tw:a", limit=0)  # type: ignore[arg-type]


def test_expand_network_gives_a_cohort_only_member_its_evidence(networks: Driver) -> None:
    """tw:e is tied to the seed by nothing but a creation-cohort edge (COHORT_WITH)."""
    networks.execute_query(
        "MATCH (a:Account {key: 'tw:a'}), (n:Network {key: 'net:1'}) "
        "CREATE (e:Account {key: 'tw:e'}), "
        "(e)-[:IN_NETWORK {run: 'fusion-1', score: 0.85, evidence: 'e ev'}]->(n), "
        "(a)-[:COHORT_WITH {run: 'cohorts-1', weight: 0.8, burst_size: 12}]->(e)"
    )
    got = expand_network(networks, seed_key="tw:a", run="fusion-1")
    e = next(m for m in got if m.key == "tw:e")
    assert (e.to_seed, e.seed_weight, e.evidence) == (
        [SignalLink("COHORT_WITH", 0.8)],
        0.8,
        "e ev",
    )
    assert (e.to_members, e.members_weight) == ([], 0.0)
    # ranked by its membership score, between tw:b/tw:c (0.8) ... and above them (0.85)
    assert [m.key for m in got] == ["tw:e", "tw:b", "tw:c", "fb:p"]
