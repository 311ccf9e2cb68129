"""Limits measured without expanding fragments: bombs are refused fast, the server stays up."""

from __future__ import annotations

import asyncio
import time

import httpx
from graphql import parse
from neo4j import Driver

from cibgraph.api.app import create_app
from cibgraph.api.graphql.ids import encode_id
from cibgraph.api.graphql.limits import _Measurer, check_limits
from cibgraph.api.graphql.schema import LIMITS, MAX_HEAVY, schema
from cibgraph.settings import Settings
from tests.api.conftest import Gql, serve

A1 = encode_id("Account", "twitter:1")
HOOD = f'neighbourhood(id: "{A1}") {{ nodes {{ key }} }}'


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the one before twice: 2^levels copies of one field once expanded."""
    fragments = ["fragment F0 on Query { viewer { name } }"]
    fragments += [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f"query Bomb {{ ...F{levels} }}\n" + "\n".join(fragments)


def _messages(body: dict) -> list[str]:
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    return [e["message"] for e in body["errors"]]


def test_a_fragment_measures_once_however_often_it_is_spread() -> None:
    measures = _Measurer(schema._schema, parse(fragment_bomb(30)), {}).run()
    assert [(name, m.depth, m.cost) for name, m in measures] == [("Bomb", 1, 2 * 2**30)]
    started = time.perf_counter()
    errors = check_limits(schema._schema, parse(fragment_bomb(30)), {}, LIMITS)
    assert time.perf_counter() - started < 0.2
    assert [e.message for e in errors] == [
        "'Bomb' costs 2,147,483,648, over the limit of 50,000: ask for smaller pages "
        "(first, limit) or fewer nested fields"
    ]


def test_a_2_to_the_30_fragment_bomb_is_refused_fast_while_healthz_answers(
    live_api: str, keys: dict[str, str]
) -> None:
    """Five bombs one after another against a real server, /healthz polled all the while."""
    bomb = {"query": fragment_bomb(30)}
    headers = {"Authorization": f"Bearer {keys['reader']}"}

    async def go() -> tuple[list[float], list[float]]:
        async with httpx.AsyncClient(base_url=live_api, timeout=60) as client:
            bombs: list[float] = []
            health: list[float] = []
            done = asyncio.Event()

            async def send_bombs() -> None:
                for _ in range(5):
                    started = time.perf_counter()
                    resp = await client.post("/graphql", json=bomb, headers=headers)
                    bombs.append(time.perf_counter() - started)
                    assert resp.status_code == 200
                    assert "costs 2,147,483,648" in _messages(resp.json())[0]
                done.set()

            async def poll_health() -> None:
                while not done.is_set():
                    started = time.perf_counter()
                    resp = await client.get("/healthz")
                    health.append(time.perf_counter() - started)
                    assert resp.status_code == 200
                    await asyncio.sleep(0.01)

            await asyncio.gather(send_bombs(), poll_health())
            return bombs, health

    bombs, health = asyncio.run(go())
    assert len(bombs) == 5 and len(health) >= 1
    assert max(bombs) < 1.0, bombs  # ~20 ms each on an idle machine
    assert max(health) < 1.0, health


def test_heavy_fields_are_budgeted_per_request_through_aliases_and_fragments(
    seeded: Driver, gql: Gql
) -> None:
    allowed = " ".join(f"h{i}: {HOOD}" for i in range(MAX_HEAVY))
    body = gql(f"{{ {allowed} }}", role="reader")
    assert body.get("errors") is None and len(body["data"]) == MAX_HEAVY
    thirty = " ".join(f"h{i}: {HOOD}" for i in range(30))
    assert _messages(gql(f"{{ {thirty} }}", role="reader")) == [
        "'anonymous' asks for 30 traversals (neighbourhood, shortestPaths, coordinationEvidence, "
        f"timeline, startDetection); at most {MAX_HEAVY} per request"
    ]
    doubled = (
        f"query Twice {{ ...T3 }} fragment T0 on Query {{ {HOOD} }} "
        "fragment T1 on Query { ...T0 ...T0 } fragment T2 on Query { ...T1 ...T1 } "
        "fragment T3 on Query { ...T2 ...T2 }"
    )
    assert "'Twice' asks for 8 traversals" in _messages(gql(doubled, role="reader"))[0]


def test_nested_pages_multiply_into_the_cost(seeded: Driver, gql: Gql) -> None:
    page = "members(first: 100) { edges { node { entity { key networks { network { key } } } } } }"
    body = gql(f"{{ networks(first: 100) {{ edges {{ node {{ {page} }} }} }} }}")
    assert "'anonymous' costs 70,301, over the limit of 50,000" in _messages(body)[0]
    small = gql(f"{{ networks(first: 2) {{ edges {{ node {{ {page} }} }} }} }}")
    assert small.get("errors") is None


def test_fragment_cycles_are_refused_not_followed(seeded: Driver, gql: Gql) -> None:
    body = gql(
        "query { ...A } fragment A on Query { ...B viewer { name } } fragment B on Query { ...A }"
    )
    assert _messages(body) == ["fragments spread each other in a cycle: A, B"]


def test_heavy_traversals_past_the_gate_get_a_fast_503(
    db: Driver, settings: Settings, keys: dict[str, str]
) -> None:
    # 50,000 share events on one account: each timeline over them takes Neo4j a while.
    db.execute_query(
        "CREATE (a:Account {key: 't:1'}), (u:Url {key: 'u'}) WITH a, u "
        "UNWIND range(1, 50000) AS i "
        "CREATE (a)-[:SHARED {at: datetime('2019-01-01T00:00:00Z') + duration({seconds: 7 * i})}]"
        "->(u)"
    )
    body = {
        "query": 'query($ids: [ID!]!) { timeline(ids: $ids, from: "2019-01-01T00:00:00Z", '
        'to: "2019-06-01T00:00:00Z", bucket: HOUR) { shares } }',
        "variables": {"ids": [encode_id("Account", "t:1")]},
    }
    headers = {"Authorization": f"Bearer {keys['reader']}"}

    async def go(url: str) -> list[tuple[httpx.Response, float]]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:

            async def one() -> tuple[httpx.Response, float]:
                started = time.perf_counter()
                resp = await client.post("/graphql", json=body, headers=headers)
                return resp, time.perf_counter() - started

            return list(await asyncio.gather(*(one() for _ in range(6))))

    # Waiting in the queue: every one is served in turn.
    with serve(create_app(settings, heavy_concurrency=1, heavy_wait=60, heavy_queue=8)) as url:
        queued = asyncio.run(go(url))
    assert [r.status_code for r, _ in queued] == [200] * 6
    # A full queue refuses at once, however long the wait it allows.
    with serve(create_app(settings, heavy_concurrency=1, heavy_wait=60, heavy_queue=1)) as url:
        full = asyncio.run(go(url))
    assert sorted(r.status_code for r, _ in full).count(503) >= 3
    assert max(s for r, s in full if r.status_code == 503) < 5.0
    app = create_app(settings, heavy_concurrency=1, heavy_wait=0.05)
    with serve(app) as url:
        results = asyncio.run(go(url))
    served = [r for r, _ in results if r.status_code == 200]
    refused = [(r, s) for r, s in results if r.status_code == 503]
    assert len(served) + len(refused) == 6 and served and refused
    for r in served:
        assert sum(b["shares"] for b in r.json()["data"]["timeline"]) == 50_000
    for r, _seconds in refused:
        assert r.headers["retry-after"] == "2"
        (err,) = r.json()["errors"]
        assert err["extensions"]["code"] == "OVERLOADED"
        assert err["message"] == "the server is running 1 traversals already: retry in 2 s"
