"""The API shell: health check, GraphiQL, and GraphQL over HTTP against the test Neo4j."""

from __future__ import annotations

from fastapi.testclient import TestClient
from neo4j import Driver

from graph.settings import Settings
from tests.api.conftest import Gql


def test_healthz_checks_neo4j_without_a_key(client: TestClient) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "neo4j": True}
    assert len(resp.headers["x-request-id"]) == 16


def test_graphiql_page_is_served_without_a_key(client: TestClient) -> None:
    resp = client.get("/graphql", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert "graphiql" in resp.text.lower()


def test_graphql_label_counts(gql: Gql, db: Driver, settings: Settings) -> None:
    db.execute_query(
        "CREATE (:Account {key:'a'}), (:Account {key:'b'}), (:Page {key:'p'})",
        database_=settings.neo4j_database,
    )
    body = gql("{ labelCounts { label nodes } }", role="reader")
    counts = {row["label"]: row["nodes"] for row in body["data"]["labelCounts"]}
    assert counts == {"Account": 2, "Page": 1}  # the ApiKey nodes are not shown


def test_graphql_errors_are_masked(client: TestClient, keys: dict[str, str]) -> None:
    resp = client.post(
        "/graphql",
        json={"query": "{ labelCounts { nosuchfield } }"},
        headers={"X-API-Key": keys["reader"]},
    )
    body = resp.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Traceback" not in resp.text
