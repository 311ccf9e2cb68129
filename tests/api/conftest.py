"""API fixtures: keys of each role, an HTTP client, a small investigation graph, a schema runner."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from neo4j import Driver

from cibgraph.api.app import create_app
from cibgraph.api.auth import Principal, Role, create_key
from cibgraph.api.graphql.context import Context
from cibgraph.api.graphql.db import Db
from cibgraph.api.graphql.schema import schema
from cibgraph.neo4j.driver import open_async_driver
from cibgraph.settings import Settings

SEED = """
CREATE (a1:Account {key: 'twitter:1', platform: 'twitter', platform_id: '1', handle: 'alice',
                    name: 'Alice Smith', description: 'news fan',
                    created_at: datetime('2019-08-01T10:00:00Z')}),
       (a2:Account {key: 'twitter:2', platform: 'twitter', platform_id: '2', handle: 'bob',
                    name: 'Bob Jones', created_at: datetime('2019-08-01T11:30:00Z')}),
       (a3:Account {key: 'twitter:3', platform: 'twitter', platform_id: '3', handle: 'carol',
                    name: 'Carol', created_at: datetime('2019-08-02T09:00:00Z')}),
       (a4:Account {key: 'twitter:4', platform: 'twitter', platform_id: '4', handle: 'dave'}),
       (a5:Account {key: 'twitter:5', platform: 'twitter', platform_id: '5', handle: 'erin'}),
       (ip1:IP {key: '203.0.113.7', version: 4}),
       (ip2:IP {key: '2001:db8::1', version: 6}),
       (a1)-[:USED_IP {access: 'unblocked', count: 3, first_seen: datetime('2019-08-01T00:00:00Z'),
                       last_seen: datetime('2019-08-03T00:00:00Z')}]->(ip1),
       (a2)-[:USED_IP {access: 'unblocked', count: 1, first_seen: datetime('2019-08-02T00:00:00Z'),
                       last_seen: datetime('2019-08-02T00:00:00Z')}]->(ip1),
       (a3)-[:USED_IP {access: 'vpn', count: 2, first_seen: datetime('2019-08-04T00:00:00Z'),
                       last_seen: datetime('2019-08-05T00:00:00Z')}]->(ip1),
       (a1)-[:USED_IP {access: 'vpn', count: 1, first_seen: datetime('2019-08-01T00:00:00Z'),
                       last_seen: datetime('2019-08-01T00:00:00Z')}]->(ip2),
       (a4)-[:USED_IP {access: 'vpn', count: 1, first_seen: datetime('2019-08-06T00:00:00Z'),
                       last_seen: datetime('2019-08-06T00:00:00Z')}]->(ip2),
       (p:Page {key: 'facebook:p1', platform: 'facebook', platform_id: 'p1', name: 'Daily Truth'}),
       (g:Group {key: 'facebook:g1', platform: 'facebook', platform_id: 'g1', name: 'HK Friends',
                 members: 40}),
       (a1)-[:ADMIN_OF {role: 'admin'}]->(p),
       (a2)-[:MEMBER_OF]->(g),
       (u:Url {key: 'https://example.org/a'}),
       (a1)-[:SHARED {content_id: '101', at: datetime('2019-08-01T12:00:00Z')}]->(u),
       (a2)-[:SHARED {content_id: '102', at: datetime('2019-08-01T12:00:30Z')}]->(u),
       (a3)-[:SHARED {content_id: '103', at: datetime('2019-08-01T15:00:00Z')}]->(u),
       (a1)-[:COORDINATED_WITH {run: 'c1', weight: 3}]->(a2),
       (a1)-[:SHARES_INFRA_WITH {run: 'i1', weight: 0.8}]->(a3),
       (a4)-[:COHORT_WITH {run: 'h1', weight: 0.6}]->(a5),
       (c:Campaign {key: 'china_082019_1', name: 'China 2019'}),
       (a1)-[:ATTRIBUTED_TO]->(c),
       (r:DetectionRun {key: 'networks-1', kind: 'networks', status: 'complete',
                        started_at: datetime('2024-01-01T00:00:00Z')}),
       (n1:Network {key: 'networks-1:1', run: 'networks-1', rank: 1, score: 0.9, size: 3,
                    pages: 1, groups: 1, explanation: '3 accounts, 1 pages and 1 groups',
                    signals: ['coordination', 'infrastructure'], signal_strengths: [0.8, 0.5]}),
       (n2:Network {key: 'networks-1:2', run: 'networks-1', rank: 2, score: 0.6, size: 2,
                    pages: 0, groups: 0, explanation: '2 accounts',
                    signals: ['cohorts'], signal_strengths: [0.6]}),
       (r)-[:PRODUCED]->(n1), (r)-[:PRODUCED]->(n2),
       (a1)-[:IN_NETWORK {run: 'networks-1', score: 0.95, evidence: ['coordinated: bob']}]->(n1),
       (a2)-[:IN_NETWORK {run: 'networks-1', score: 0.9, evidence: ['coordinated: alice']}]->(n1),
       (a3)-[:IN_NETWORK {run: 'networks-1', score: 0.7, evidence: ['same IP as alice']}]->(n1),
       (p)-[:IN_NETWORK {run: 'networks-1', score: 1.0, evidence: ['admin: alice']}]->(n1),
       (g)-[:IN_NETWORK {run: 'networks-1', score: 0.5, evidence: ['1 of 40 members']}]->(n1),
       (a4)-[:IN_NETWORK {run: 'networks-1', score: 0.8, evidence: ['cohort']}]->(n2),
       (a5)-[:IN_NETWORK {run: 'networks-1', score: 0.8, evidence: ['cohort']}]->(n2)
"""


@pytest.fixture()
def seeded(db: Driver, settings: Settings) -> Driver:
    db.execute_query(SEED, database_=settings.neo4j_database)
    db.execute_query("CALL db.awaitIndexes(60)", database_=settings.neo4j_database)
    return db


@pytest.fixture()
def keys(db: Driver) -> dict[str, str]:
    """One key per role, by role name."""
    return {role.value: create_key(db, name=f"{role.value}-1", role=role).token for role in Role}


@pytest.fixture()
def client(db: Driver, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


Gql = Callable[..., dict[str, Any]]


@pytest.fixture()
def gql(client: TestClient, keys: dict[str, str]) -> Gql:
    """POST a query as a role (default analyst); returns the JSON body (status must be 200)."""

    def run(query: str, variables: dict[str, Any] | None = None, role: str = "analyst") -> Any:
        # json.dumps escapes non-ASCII, so even a lone surrogate travels as JSON allows.
        resp = client.post(
            "/graphql",
            content=json.dumps({"query": query, "variables": variables or {}}),
            headers={"Authorization": f"Bearer {keys[role]}", "content-type": "application/json"},
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    return run


def execute(
    settings: Settings,
    query: str,
    variables: dict[str, Any] | None = None,
    role: Role = Role.ANALYST,
    timeout: float = 15.0,
) -> tuple[Any, int]:
    """Run a query through the schema (no HTTP); returns the result and the Cypher queries sent."""

    async def go() -> tuple[Any, int]:
        driver = open_async_driver(settings)
        try:
            db = Db(driver, database=settings.neo4j_database, timeout=timeout)
            ctx = Context(db=db, principal=Principal("k", "tester", role), request_id="test-rid")
            result = await schema.execute(query, variable_values=variables, context_value=ctx)
            return result, db.queries
        finally:
            await driver.close()

    return asyncio.run(go())


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn on a free port in a background thread; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def live_api(db: Driver, settings: Settings) -> Iterator[str]:
    """The API served by uvicorn on a free port in a background thread; yields its base URL."""
    with serve(create_app(settings)) as url:
        yield url
