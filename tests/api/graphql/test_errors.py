"""Hostile input gets a GraphQL (or HTTP 4xx) error, never a 500, never internals."""

from __future__ import annotations

import asyncio
import base64
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from cibgraph.api.graphql.db import Db
from cibgraph.api.graphql.errors import QueryTimeout
from cibgraph.api.graphql.ids import encode_id
from cibgraph.neo4j.driver import open_async_driver
from cibgraph.neo4j.registry import NamedQuery, QueryMode
from cibgraph.settings import Settings
from tests.api.conftest import Gql

A1 = encode_id("Account", "twitter:1")
LEAKS = ("Traceback", "neo4j", "Neo4j", "MATCH", "Cypher", "cypher", 'File "')


def _clean(text: str) -> None:
    for word in LEAKS:
        assert word not in text, word


def _error(body: dict, code: str) -> str:
    assert body.get("data") is None or all(v is None for v in (body["data"] or {}).values())
    err = body["errors"][0]
    assert err["extensions"]["code"] == code, err
    return str(err["message"])


def test_huge_first_is_refused(seeded: Driver, gql: Gql) -> None:
    body = gql("{ networks(first: 100000) { totalCount } }")
    assert _error(body, "BAD_USER_INPUT") == "first must be between 0 and 100, not 100000"
    body = gql("{ networks(first: 99999999999) { totalCount } }")  # beyond GraphQL's Int
    _error(body, "GRAPHQL_VALIDATION_FAILED")


def test_deep_nesting_is_refused(seeded: Driver, gql: Gql) -> None:
    inner = "key"
    for _ in range(8):
        inner = "networks { network { members { edges { node { entity { " + inner + " } } } } } }"
    body = gql(f'{{ node(id: "{A1}") {{ ... on Account {{ {inner} }} }} }}')
    assert "exceeds maximum operation depth" in _error(body, "GRAPHQL_VALIDATION_FAILED")


def test_alias_bomb_is_refused(seeded: Driver, gql: Gql) -> None:
    aliases = " ".join(f"a{i}: labelCounts {{ nodes }}" for i in range(200))
    body = gql(f"{{ {aliases} }}")
    _error(body, "GRAPHQL_VALIDATION_FAILED")


def test_token_flood_is_refused(seeded: Driver, gql: Gql) -> None:
    fields = " ".join(["key"] * 4000)
    body = gql(f'{{ node(id: "{A1}") {{ {fields} }} }}')
    assert "token" in _error(body, "GRAPHQL_VALIDATION_FAILED").lower()


@pytest.mark.parametrize(
    "bad_id",
    [
        "not base64!",
        "",
        base64.b64encode(b"NoColon").decode(),
        base64.b64encode(b"ApiKey:abc").decode(),  # a label the API never exposes
        base64.b64encode(b"Source:sha256:1").decode(),
        base64.b64encode(b"Account:").decode(),
        base64.b64encode(b"\xff\xfe:x").decode(),
        "x" * 5000,
    ],
)
def test_malformed_and_foreign_ids(seeded: Driver, gql: Gql, bad_id: str) -> None:
    body = gql("query($id: ID!) { node(id: $id) { id } }", {"id": bad_id})
    assert _error(body, "BAD_USER_INPUT") == "invalid id: not a cibgraph node id"


def test_an_id_of_the_wrong_type(seeded: Driver, gql: Gql) -> None:
    body = gql("query($id: ID!) { network(id: $id) { key } }", {"id": A1})
    assert _error(body, "BAD_USER_INPUT") == "invalid id: expected an id of Network, got Account"


@pytest.mark.parametrize(
    "text",
    [
        "'",
        '"',
        "`",
        "}) DETACH DELETE n //",
        "alice' OR 1=1 //",
        "*:*",
        "\\",
        "AND OR NOT",
        "[a TO z]",
    ],
)
def test_strings_built_to_break_cypher(seeded: Driver, gql: Gql, db: Driver, text: str) -> None:
    before = db.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    body = gql(
        """query($t: String!, $id: ID!) {
          search(text: $t) { node { key } }
          accountsByHandle(handle: $t) { key }
          entity(type: DOMAIN, key: $t) { key }
          node(id: $id) { key }
        }""",
        {"t": text, "id": base64.b64encode(f"Account:{text}".encode()).decode()},
    )
    assert "errors" not in body, body
    assert body["data"]["accountsByHandle"] == []
    assert body["data"]["node"] is None
    assert db.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"] == before
    body = gql(
        "mutation($t: String!, $id: ID!) { addNote(entity: $id, text: $t) { text } }",
        {"t": text, "id": A1},
    )
    assert body["data"]["addNote"]["text"] == text.strip()


def test_oversized_body_is_413(client: TestClient, keys: dict[str, str]) -> None:
    query = "{ labelCounts { nodes } }" + " " * 200_000
    resp = client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {keys['reader']}"}
    )
    assert resp.status_code == 413
    assert resp.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_internal_errors_are_masked_with_a_request_id(
    seeded: Driver,
    client: TestClient,
    keys: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cibgraph.api.graphql import context

    async def broken(self: context.Db, name: str, params: dict) -> list[dict]:
        raise RuntimeError("Neo4j said: MATCH (secret) failed")

    monkeypatch.setattr(context.Db, "read", broken)
    with caplog.at_level(logging.ERROR, logger="cibgraph.api.graphql.errors"):
        resp = client.post(
            "/graphql",
            json={"query": "{ labelCounts { nodes } }"},
            headers={"Authorization": f"Bearer {keys['reader']}"},
        )
    assert resp.status_code == 200
    _clean(resp.text)
    rid = resp.headers["x-request-id"]
    err = resp.json()["errors"][0]
    assert err["message"] == f"Internal error (request id {rid})"
    assert err["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": rid}
    assert any(rid in r.getMessage() and "MATCH (secret)" in r.getMessage() for r in caplog.records)


def test_no_response_leaks_internals(
    seeded: Driver, client: TestClient, keys: dict[str, str]
) -> None:
    for query in (
        '{ neighbourhood(id: "x") { truncated } }',
        f'{{ neighbourhood(id: "{A1}", depth: 9) {{ truncated }} }}',
        '{ timeline(ids: [], from: "2019-01-01T00:00:00Z", to: "2019-01-02T00:00:00Z") '
        "{ shares } }",
        "{ nosuch }",
        "{",
    ):
        resp = client.post("/graphql", json={"query": query}, headers={"X-API-Key": keys["reader"]})
        assert resp.status_code in (200, 400), resp.text
        assert resp.json()["errors"]
        _clean(resp.text)


def test_a_database_timeout_has_its_own_code_and_says_what_to_narrow(
    db: Driver, settings: Settings
) -> None:
    """Neo4j ends a transaction past its timeout at its monitor's next check (every 2 s), so the
    query here runs far longer than that: its timeout always fires."""
    slow = NamedQuery(
        name="test/slow",
        answers="the sum of the first $n squares, slowly",
        params={"n": "int"},
        mode=QueryMode.READ,
        text="UNWIND range(1, $n) AS x RETURN sum(x * x) AS s",
        path=Path("test/slow.cypher"),
    )

    async def go() -> Exception:
        driver = open_async_driver(settings)
        try:
            runner = Db(driver, database=settings.neo4j_database, timeout=0.5)
            with pytest.raises(QueryTimeout) as caught:
                await runner.read(slow, {"n": 10_000_000_000})
            assert await runner.read(slow, {"n": 3}) == [{"s": 14}]
            return caught.value
        finally:
            await driver.close()

    err = asyncio.run(go())
    assert err.code == "TIMEOUT"
    assert err.message == (
        "the query ran past the 0.5 s limit: narrow it "
        "(fewer results (first), fewer ids or a smaller depth)"
    )


@pytest.mark.parametrize(
    ("query", "variables", "where"),
    [
        ("query($t: String!) { search(text: $t) { score } }", {"t": "a\ud800b"}, "variables.t"),
        (
            "query($p: String!) { accountsByHandle(handle: $p) { key } }",
            {"p": "\udfff"},
            "variables.p",
        ),
        (
            "query($in: NetworkFilter) { networks(filter: $in) { totalCount } }",
            {"in": {"run": "r\ud800"}},
            "variables.in.run",
        ),
    ],
)
def test_a_lone_surrogate_is_bad_user_input(
    seeded: Driver, gql: Gql, query: str, variables: dict, where: str
) -> None:
    body = gql(query, variables)
    assert _error(body, "BAD_USER_INPUT") == (
        f"{where} holds a lone surrogate, which is not Unicode text"
    )


def test_a_lone_surrogate_in_the_query_text_is_a_syntax_error(seeded: Driver, gql: Gql) -> None:
    body = gql('{ search(text: "x\ud800") { score } }')
    assert _error(body, "GRAPHQL_VALIDATION_FAILED").startswith("Syntax Error")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01T00:00:00+05:00", "0001-01-20T00:00:00Z"),  # before year 1 in UTC
        ("9999-12-30T00:00:00Z", "9999-12-31T23:59:59-05:00"),  # after year 9999 in UTC
    ],
)
def test_timelines_at_the_ends_of_the_calendar(
    seeded: Driver, gql: Gql, start: str, end: str
) -> None:
    query = (
        "query($ids: [ID!]!, $f: DateTime!, $t: DateTime!) "
        "{ timeline(ids: $ids, from: $f, to: $t, bucket: DAY) { start creations } }"
    )
    body = gql(query, {"ids": [A1], "f": start, "t": end})
    assert (
        _error(body, "BAD_USER_INPUT")
        == "from and to must lie between 0001-01-01 and 9999-12-31 in UTC"
    )
    seeded.execute_query(
        "MATCH (a:Account {key: 'twitter:1'}) SET a.created_at = datetime('0001-01-01T05:00:00Z')"
    )
    body = gql(query, {"ids": [A1], "f": "0001-01-01T00:00:00Z", "t": "0001-01-03T00:00:00Z"})
    assert body["data"]["timeline"] == [{"start": "0001-01-01T00:00:00+00:00", "creations": 1}]
