"""The API shell: health check and GraphQL over HTTP against the test Neo4j."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.app import create_app
from graph.settings import Settings


@pytest.fixture()
def client(db: Driver, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_healthz_checks_neo4j(client: TestClient) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "neo4j": True}


def test_graphql_label_counts(client: TestClient, db: Driver, settings: Settings) -> None:
    db.execute_query(
        "CREATE (:Account {key:'a'}), (:Account {key:'b'}), (:Page {key:'p'})",
        database_=settings.neo4j_database,
    )
    resp = client.post("/graphql", json={"query": "{ labelCounts { label nodes } }"})
    assert resp.status_code == 200
    counts = {row["label"]: row["nodes"] for row in resp.json()["data"]["labelCounts"]}
    assert counts["Account"] == 2
    assert counts["Page"] == 1


def test_graphql_errors_are_masked(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ labelCounts { nosuchfield } }"})
    body = resp.json()
    assert "errors" in body
    assert "Traceback" not in resp.text
