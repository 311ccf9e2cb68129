"""A hostile HTTP corpus: every request gets its status, no internals in the body, and no writes.

Auth, limits, encodings, forged ids and exports, each as a careless or a hostile client would
send them. After each request the graph (every node and relationship with its properties, the
API keys included) must be exactly as it was.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from cibgraph.api.graphql.ids import encode_id
from cibgraph.api.graphql.schema import MAX_HEAVY
from tests.api.conftest import client, keys, seeded  # noqa: F401 - the API's fixtures
from tests.api.graphql.test_limits import fragment_bomb

A1 = encode_id("Account", "twitter:1")
NET = encode_id("Network", "networks-1:1")
LEAKS = ("Traceback", "neo4j.", "Neo4j", "MATCH", "Cypher", 'File "', "/work/", "site-packages")
CYPHER_ID = base64.b64encode(b"Account:x'}) MATCH (n) DETACH DELETE n //").decode()
HOOD = f'neighbourhood(id: "{A1}") {{ nodes {{ key }} }}'


def _gid(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Probe:
    """One hostile request and what the API must answer."""

    name: str
    status: int
    code: str | None = None  # the GraphQL error code (or the body's, for a 400/413)
    method: str = "POST"
    path: str = "/graphql"
    role: str | None = "reader"  # whose key; None for no key
    query: str | None = None
    variables: dict[str, Any] | None = None
    raw: bytes | None = None  # sent as it is, instead of query/variables
    headers: dict[str, str] = field(default_factory=dict)


def gql(name: str, query: str, code: str, *, role: str | None = "reader", **kw: Any) -> Probe:
    return Probe(name, 200, code, query=query, role=role, **kw)


def raw(name: str, body: bytes, status: int = 400, code: str = "BAD_REQUEST", **kw: Any) -> Probe:
    return Probe(name, status, code, raw=body, **kw)


def export(name: str, path: str, status: int, role: str | None = "reader") -> Probe:
    return Probe(name, status, method="GET", path=path, role=role)


MUTATIONS = {
    "addNote": f'addNote(entity: "{A1}", text: "x") {{ key }}',
    "addTag": f'addTag(entity: "{A1}", tag: "x") {{ name }}',
    "removeTag": f'removeTag(entity: "{A1}", tag: "x")',
    "createCase": 'createCase(title: "x") { key }',
    "closeCase": f'closeCase(case: "{_gid("Case:c")}", resolution: "x") {{ key }}',
    "startDetection": "startDetection(kind: CONTROL) { key }",
    "exportUrl": f'exportUrl(id: "{NET}")',
}

PROBES = [
    # --- auth ---------------------------------------------------------------------------------
    Probe("no key", 401, query="{ viewer { name } }", role=None),
    Probe("a key of the right shape that was never made", 401, query="{ viewer { name } }",
          role=None, headers={"Authorization": "Bearer cib_0123456789abcdef_" + "A" * 43}),
    Probe("a basic-auth header", 401, query="{ viewer { name } }", role=None,
          headers={"Authorization": "Basic bmVvNGo6bmVvNGo="}),
    Probe("a bearer of 50 kB", 401, query="{ viewer { name } }", role=None,
          headers={"Authorization": "Bearer " + "x" * 50_000}),
    Probe("a key with Cypher in it", 401, query="{ viewer { name } }", role=None,
          headers={"X-API-Key": "cib_' OR 1=1 MATCH (n) DETACH DELETE n //"}),
    Probe("a GET query without a key", 401, method="GET", role=None,
          path="/graphql?query=%7Bviewer%7Bname%7D%7D"),
    *(gql(f"a reader calls {m}", f"mutation {{ {sel} }}", "FORBIDDEN")
      for m, sel in MUTATIONS.items()),
    Probe("an analyst's mutation sent as a GET", 400, method="GET", role="analyst",
          path="/graphql?query=" + quote('mutation { createCase(title: "x") { key } }')),
    # --- limits -------------------------------------------------------------------------------
    gql("a 2^30 fragment bomb", fragment_bomb(30), "GRAPHQL_VALIDATION_FAILED"),
    gql("an alias bomb", "{ " + " ".join(f"a{i}: viewer {{ name }}" for i in range(200)) + " }",
        "GRAPHQL_VALIDATION_FAILED"),
    gql("30 aliased neighbourhoods", "{ " + " ".join(f"h{i}: {HOOD}" for i in range(30)) + " }",
        "GRAPHQL_VALIDATION_FAILED"),
    gql(f"{MAX_HEAVY + 1} aliased neighbourhoods",
        "{ " + " ".join(f"h{i}: {HOOD}" for i in range(MAX_HEAVY + 1)) + " }",
        "GRAPHQL_VALIDATION_FAILED"),
    gql("nested pages of 100", "{ networks(first: 100) { edges { node { members(first: 100) "
        "{ edges { node { entity { key networks { network { key } } } } } } } } } }",
        "GRAPHQL_VALIDATION_FAILED"),
    gql("depth 40", "{ viewer " + "{ name " * 40 + "}" * 41, "GRAPHQL_VALIDATION_FAILED"),
    gql("a token flood", f'{{ node(id: "{A1}") {{ {" ".join(["key"] * 4000)} }} }}',
        "GRAPHQL_VALIDATION_FAILED"),
    gql("fragments in a cycle", "query { ...A } fragment A on Query { ...B } "
        "fragment B on Query { ...A }", "GRAPHQL_VALIDATION_FAILED"),
    gql("first beyond a page", "{ networks(first: 100000) { totalCount } }", "BAD_USER_INPUT"),
    gql("first beyond Int", "{ networks(first: 99999999999) { totalCount } }",
        "GRAPHQL_VALIDATION_FAILED"),
    gql("depth 9 neighbourhood", f'{{ neighbourhood(id: "{A1}", depth: 9) {{ truncated }} }}',
        "BAD_USER_INPUT"),
    gql("101 ids", "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "BAD_USER_INPUT",
        variables={"ids": [A1] * 101}),
    raw("a body over 100 kB", json.dumps({"query": "{ viewer { name } }", "x": "y" * 200_000})
        .encode(), 413, "PAYLOAD_TOO_LARGE"),
    raw("a Content-Length that lies", b"{}", 413, "PAYLOAD_TOO_LARGE",
        headers={"content-length": "99999999999"}),
    # --- encodings ----------------------------------------------------------------------------
    raw("UTF-16 with a BOM", '{"query": "{ viewer { name } }"}'.encode("utf-16")),
    raw("UTF-16 without a BOM", '{"query": "{ viewer { name } }"}'.encode("utf-16-le")),
    raw("UTF-32", '{"query": "{ viewer { name } }"}'.encode("utf-32")),
    raw("invalid UTF-8", b'{"query": "{ viewer { name } }", "v": "\xc3\x28"}'),
    raw("Latin-1 text", '{"query": "{ search(text: \\"caf\xe9\\") { score } }"}'.encode("latin-1")),
    raw("a JSON string", b'"{ viewer { name } }"'),
    raw("a JSON number", b"42"),
    raw("a batch", b'[{"query": "{ viewer { name } }"}]'),
    raw("variables 5,000 deep", b'{"query": "{ viewer { name } }", "variables": '
        + b'{"a":' * 5000 + b"1" + b"}" * 5001),
    raw("a query 5,000 deep", json.dumps({"query": "{ viewer " + "{ x " * 5000 + "}" * 5001})
        .encode()),
    raw("a JSON value 5,000 deep as the query", b'{"query": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
    raw("truncated JSON", b'{"query": "{ viewer'),
    raw("a query that is not a string", b'{"query": {"viewer": "name"}}'),
    raw("variables that are a list", b'{"query": "{ viewer { name } }", "variables": [1]}'),
    Probe("a GET query 3,000 deep", 400, "BAD_REQUEST", method="GET",
          path="/graphql?query=" + quote("{" * 3000 + "}" * 3000)),
    gql("a lone surrogate in a search", "query($t: String!) { search(text: $t) { score } }",
        "BAD_USER_INPUT", variables={"t": "\ud800"}),
    gql("a NUL in a search", "query($t: String!) { search(text: $t) { score } }", None,
        variables={"t": "a\x00b"}),
    gql("a timeline past year 9999 in UTC",
        'query($ids: [ID!]!) { timeline(ids: $ids, from: "9999-12-30T00:00:00Z", '
        'to: "9999-12-31T23:59:59-05:00") { start } }', "BAD_USER_INPUT", variables={"ids": [A1]}),
    # --- forged ids ---------------------------------------------------------------------------
    *(gql(f"a forged id ({label})", f'{{ node(id: "{gid}") {{ id }} }}', "BAD_USER_INPUT")
      for label, gid in [
          ("ApiKey", _gid("ApiKey:0123456789abcdef")),
          ("Source", _gid("Source:sha256:abc")),
          ("not base64", "!!!"),
          ("no label", _gid("twitter:1")),
      ]),
    gql("an id whose key is Cypher", f'{{ node(id: "{CYPHER_ID}") {{ id }} }}', None),
    gql("a network id that names an account", f'{{ network(id: "{A1}") {{ key }} }}',
        "BAD_USER_INPUT"),
    gql("a forged cursor", '{ networks(after: "b2Zmc2V0Oi0x") { totalCount } }', "BAD_USER_INPUT"),
    gql("a cursor far out", f'{{ networks(after: "{_gid("offset:99999999")}") {{ totalCount }} }}',
        "BAD_USER_INPUT"),
    # --- exports ------------------------------------------------------------------------------
    export("an export without a key", "/exports/network/networks-1:1", 401, role=None),
    export("a Source record as a seed", "/exports/neighbourhood/sha256:abc?format=json", 404),
    export("a key with Cypher", "/exports/case/" + quote("x'}) MATCH (n) DETACH DELETE n //",
           safe=""), 404),
    export("a path-traversal key", "/exports/network/..%2F..%2Fetc%2Fpasswd", 404),
    export("depth 9", "/exports/neighbourhood/twitter:1?depth=9", 422),
    export("format pdf", "/exports/network/networks-1:1?format=pdf", 422),
    export("a short redaction salt", "/exports/network/networks-1:1?redact_salt=abc", 422),
    export("an unknown target", "/exports/everything/x", 422),
    export("a key of 5,000 characters", "/exports/network/" + "k" * 5000, 400),
]  # fmt: skip


def _snapshot(driver: Driver) -> str:
    """A digest of every node and relationship with its labels, type and properties."""
    nodes = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY n.key"
    ).records
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p "
        "ORDER BY a, t, b"
    ).records
    text = json.dumps([[r.data() for r in nodes], [r.data() for r in rels]], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_corpus_is_large_enough() -> None:
    assert len(PROBES) >= 40
    assert len({p.name for p in PROBES}) == len(PROBES)


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_hostile_request(
    probe: Probe,
    seeded: Driver,  # noqa: F811 - the fixture imported above
    client: TestClient,  # noqa: F811
    keys: dict[str, str],  # noqa: F811
) -> None:
    seeded.execute_query("CREATE (:Source {key: 'sha256:abc', name: 'x.csv', path: '/tmp/x.csv'})")
    before = _snapshot(seeded)
    headers = dict(probe.headers)
    if probe.role is not None:
        headers.setdefault("Authorization", f"Bearer {keys[probe.role]}")
    if probe.raw is not None:
        headers.setdefault("content-type", "application/json")
        resp = client.request(probe.method, probe.path, content=probe.raw, headers=headers)
    elif probe.query is not None and probe.method == "POST":
        body = json.dumps({"query": probe.query, "variables": probe.variables or {}})
        headers["content-type"] = "application/json"
        resp = client.post(probe.path, content=body, headers=headers)
    else:
        resp = client.request(probe.method, probe.path, headers=headers)
    assert resp.status_code == probe.status, resp.text[:300]
    for word in LEAKS:
        assert word not in resp.text, word
    if probe.code is not None:
        errors = resp.json()["errors"]
        assert errors[0]["extensions"]["code"] == probe.code, errors
    elif probe.status == 200 and resp.headers["content-type"].startswith("application/json"):
        assert "errors" not in resp.json()
    assert _snapshot(seeded) == before
