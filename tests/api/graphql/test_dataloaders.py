"""No N+1: the Cypher queries a nested request sends do not grow with the objects it returns."""

from __future__ import annotations

from neo4j import Driver

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
    one, queries_one = execute(settings, NESTED, {"n": 1})
    two, queries_two = execute(settings, NESTED, {"n": 2})
    assert one.errors is None and two.errors is None
    members_one = sum(len(e["node"]["members"]["edges"]) for e in one.data["networks"]["edges"])
    members_two = sum(len(e["node"]["members"]["edges"]) for e in two.data["networks"]["edges"])
    assert (members_one, members_two) == (5, 7)
    # One query per loader and argument set, plus the top-level one: 11 kinds. DataLoaders
    # dispatch per event-loop tick, so a loader reached at two depths (annotations: the network's
    # notes and its members' notes) may send one more query; never one per object.
    assert queries_one <= MAX_QUERIES
    assert queries_two <= MAX_QUERIES


MAX_QUERIES = 14
