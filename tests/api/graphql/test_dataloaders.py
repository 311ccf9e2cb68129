"""No N+1: the Cypher queries a nested request sends do not grow with the objects it returns."""

from __future__ import annotations

from neo4j import Driver

from cibgraph.api.graphql.ids import encode_id
from cibgraph.settings import Settings
from tests.api.conftest import execute

NESTED = """query($n: Int!) {
  networks(first: $n) {
    edges { node {
      key
      members(first: 10) { edges { node { score entity {
        id key notes { text } tags { name }
        networks { network { key } }
        campaigns { key }
        ... on Account { handle }
      } } } }
      pages { entity { key } }
      groups { entity { key } }
      ips { ip { key accounts { total uses { account { handle } } } } accounts { handle } }
      evidence { signal source { key } target { key } }
      notes { text }
    } }
  }
}"""


def test_query_count_does_not_grow_with_results(seeded: Driver, settings: Settings) -> None:
    counts = set()
    for n in (1, 2, 1, 2, 1, 2):  # repeated: the count must not depend on the event loop's timing
        result, queries = execute(settings, NESTED, {"n": n})
        assert result.errors is None
        members = sum(len(e["node"]["members"]["edges"]) for e in result.data["networks"]["edges"])
        assert members == {1: 5, 2: 7}[n]
        counts.add(queries)
    # networks; network_members for members, pages and groups (one each: three argument sets);
    # annotations twice (the networks' notes, then the members' notes and tags together);
    # entity_networks; entity_campaigns; network_ips (its accounts come with it); ip_accounts;
    # network_evidence (its ends come with it). Never one per object.
    assert counts == {NESTED_QUERIES}


NESTED_QUERIES = 11

NETWORK = """query($id: ID!) {
  network(id: $id) {
    key score size explanation
    members(first: 2, kinds: [ACCOUNT]) {
      totalCount
      edges { cursor node { score evidence entity { id key ... on Account { handle } } } }
    }
  }
}"""


def test_a_network_and_a_page_of_its_members_are_one_statement(
    seeded: Driver, settings: Settings
) -> None:
    result, queries = execute(settings, NETWORK, {"id": encode_id("Network", "networks-1:1")})
    assert result.errors is None
    assert queries == 1
    network = result.data["network"]
    assert (network["key"], network["size"], network["members"]["totalCount"]) == (
        "networks-1:1",
        3,
        3,
    )
    assert [
        (e["node"]["entity"]["key"], e["node"]["entity"]["handle"], e["node"]["score"])
        for e in network["members"]["edges"]
    ] == [("twitter:1", "alice", 0.95), ("twitter:2", "bob", 0.9)]
    # Two aliased pages cannot share the statement: the network and each page, then.
    two = NETWORK.replace(
        "members(first: 2", "a: members(first: 1) { totalCount } members(first: 2"
    )
    result, queries = execute(settings, two, {"id": encode_id("Network", "networks-1:1")})
    assert result.errors is None
    assert (result.data["network"]["a"]["totalCount"], queries) == (5, 3)
    missing, queries = execute(settings, NETWORK, {"id": encode_id("Network", "nope")})
    assert (missing.errors, missing.data, queries) == (None, {"network": None}, 1)
