"""The API and the CLI share one set of traversal bounds (cibgraph.traversals' request models)."""

from __future__ import annotations

from neo4j import Driver
from typer.testing import CliRunner

from cibgraph import traversals
from cibgraph.api.graphql.ids import encode_id
from cibgraph.cli import app
from tests.api.conftest import Gql

A1 = encode_id("Account", "twitter:1")
QUERY = "query($id: ID!, $limit: Int!) { neighbourhood(id: $id, limit: $limit) { truncated } }"


def test_the_neighbourhood_limit_is_the_same_in_the_api_and_the_cli(
    seeded: Driver, gql: Gql
) -> None:
    top = traversals.MAX_NODE_LIMIT
    assert top == 2_000
    body = gql(QUERY, {"id": A1, "limit": top})
    assert body["data"]["neighbourhood"]["truncated"] is False
    body = gql(QUERY, {"id": A1, "limit": top + 1})
    message = body["errors"][0]["message"]
    assert message == f"limit must be between 1 and {top}, not {top + 1}"
    out = CliRunner().invoke(app, ["traverse", "neighbourhood", "twitter:1", "--limit", "2001"])
    assert (out.exit_code, out.output) == (1, f"error: {message}\n")
    out = CliRunner().invoke(app, ["traverse", "neighbourhood", "twitter:1", "--limit", "2000"])
    assert out.exit_code == 0, out.output


def test_depth_and_path_length_bounds_are_shared(seeded: Driver, gql: Gql) -> None:
    body = gql("query($id: ID!) { neighbourhood(id: $id, depth: 4) { truncated } }", {"id": A1})
    assert body["errors"][0]["message"] == "depth must be between 1 and 3, not 4"
    a2 = encode_id("Account", "twitter:2")
    body = gql(
        "query($a: ID!, $b: ID!) "
        "{ shortestPaths(from: $a, to: $b, maxLength: 7) { nodes { key } } }",
        {"a": A1, "b": a2},
    )
    assert body["errors"][0]["message"] == "maxLength must be between 1 and 6, not 7"
