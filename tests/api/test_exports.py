"""The export endpoint and the exportUrl mutation, over HTTP with API keys."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import networkx as nx
from fastapi.testclient import TestClient
from neo4j import Driver

from cibgraph.api.app import create_app
from cibgraph.settings import Settings
from tests.api.conftest import SEED, Gql


def _gid(label: str, key: str) -> str:
    return base64.b64encode(f"{label}:{key}".encode()).decode()


def test_export_needs_a_key(client: TestClient, seeded: Driver) -> None:
    resp = client.get("/exports/network/networks-1:1?format=graphml")
    assert resp.status_code == 401
    wrong = client.get(
        "/exports/network/networks-1:1", headers={"Authorization": "Bearer cib_nope_nope"}
    )
    assert wrong.status_code == 401


def test_network_export_streams_a_graphml_networkx_reads(
    client: TestClient, seeded: Driver, keys: dict[str, str]
) -> None:
    resp = client.get(
        "/exports/network/networks-1:1?format=graphml",
        headers={"Authorization": f"Bearer {keys['reader']}"},
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/graphml+xml")
    assert 'filename="cibgraph-network.graphml"' in resp.headers["content-disposition"]
    graph = nx.read_graphml(io.BytesIO(resp.content))
    nodes = set(graph.nodes)
    assert {"Network:networks-1:1", "Account:twitter:1", "Account:twitter:2"} <= nodes
    assert graph.number_of_edges() >= 2  # at least the members' IN_NETWORK links


def test_missing_selection_is_404_and_bad_params_422(
    client: TestClient, seeded: Driver, keys: dict[str, str]
) -> None:
    auth = {"Authorization": f"Bearer {keys['reader']}"}
    missing = client.get("/exports/network/no-such-network?format=json", headers=auth)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no Network has this key"}  # the key is not echoed
    bad = client.get("/exports/neighbourhood/twitter:1?format=json&depth=9", headers=auth)
    assert bad.status_code == 422
    unknown = client.get("/exports/network/networks-1:1?format=pdf", headers=auth)
    assert unknown.status_code == 422
    assert "Traceback" not in unknown.text


def test_export_options_over_http(client: TestClient, seeded: Driver, keys: dict[str, str]) -> None:
    auth = {"Authorization": f"Bearer {keys['reader']}"}
    url = "/exports/network/networks-1:1?format=stix&network_as=intrusion-set"
    bundle = client.get(url, headers=auth).json()
    assert {"intrusion-set"} <= {o["type"] for o in bundle["objects"]}
    gexf = client.get(
        "/exports/network/networks-1:1?format=gexf&colour_by=network&size_by=score", headers=auth
    )
    assert gexf.status_code == 200 and b"<viz:size" in gexf.content
    bad = client.get("/exports/network/networks-1:1?format=gexf&size_by=mass", headers=auth)
    assert bad.status_code == 422 and "Traceback" not in bad.text


def test_export_url_mutation_gives_a_working_url(
    client: TestClient, gql: Gql, seeded: Driver, keys: dict[str, str]
) -> None:
    query = "mutation($id: ID!) { exportUrl(id: $id, format: STIX, tlp: GREEN) }"
    refused = gql(query, {"id": _gid("Network", "networks-1:1")}, role="reader")
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = gql(query, {"id": _gid("Network", "networks-1:1")})
    url = body["data"]["exportUrl"]
    assert url == "/exports/network/networks-1%3A1?format=stix&tlp=green"
    resp = client.get(url, headers={"Authorization": f"Bearer {keys['reader']}"})
    assert resp.status_code == 200, resp.text
    bundle = resp.json()
    assert bundle["type"] == "bundle"
    assert any(o["type"] == "campaign" for o in bundle["objects"])

    hood = gql(
        "mutation($id: ID!) { exportUrl(id: $id, depth: 2, limit: 50) }",
        {"id": _gid("Account", "twitter:1")},
    )
    assert hood["data"]["exportUrl"] == (
        "/exports/neighbourhood/twitter%3A1?format=json&tlp=amber&depth=2&limit=50"
    )


def test_an_export_has_a_time_limit(db: Driver, settings: Settings, keys: dict[str, str]) -> None:
    db.execute_query(SEED)
    auth = {"Authorization": f"Bearer {keys['reader']}"}
    with TestClient(create_app(settings, export_timeout=0.000001)) as slow:
        resp = slow.get("/exports/network/networks-1:1?format=json", headers=auth)
    assert resp.status_code == 504
    assert resp.json() == {
        "detail": "the export ran past 1e-06 s: export a smaller selection "
        "(a lower depth or limit, or a smaller network or case)"
    }


def test_a_source_record_is_no_export_seed_and_keys_are_not_echoed(
    client: TestClient, seeded: Driver, keys: dict[str, str]
) -> None:
    seeded.execute_query(
        "CREATE (:Source {key: 'sha256:abc', name: 'x.csv', path: '/home/a/x.csv'})"
    )
    auth = {"Authorization": f"Bearer {keys['reader']}"}
    resp = client.get("/exports/neighbourhood/sha256:abc?format=json", headers=auth)
    assert (resp.status_code, resp.json()) == (404, {"detail": "no single node has this key"})
    hostile = "x'}) MATCH (n) DETACH DELETE n //"
    resp = client.get(f"/exports/case/{quote(hostile, safe='')}?format=json", headers=auth)
    assert (resp.status_code, resp.json()) == (404, {"detail": "no Case has this key"})
    assert seeded.execute_query("MATCH (n:Account) RETURN count(n) AS n").records[0]["n"] == 5
