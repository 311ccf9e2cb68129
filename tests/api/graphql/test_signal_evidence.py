"""GraphQL for the text and interaction signals: start a run, read the pairs behind an edge."""

from __future__ import annotations

from datetime import UTC, datetime

from neo4j import Driver

from cibgraph.api.graphql.ids import encode_id
from cibgraph.detection.fusion import FusionParams, detect_networks
from tests.api.conftest import Gql
from tests.detection.hoursgraph import clock_posts
from tests.detection.test_copypaste import _crew
from tests.detection.test_repurposed import TIMELINES, write_timelines
from tests.detection.textgraph import key, write_posts

PAIRS = "query($a: ID!, $b: ID!) { signalEvidence(kind: %s, a: $a, b: $b, first: 2) { %s } }"


def test_copypaste_runs_and_lists_its_evidence(db: Driver, gql: Gql) -> None:
    write_posts(db, _crew())
    started = gql(
        "mutation { startDetection(kind: COPYPASTE, params: {timeWindow: 60, minChars: 5, "
        "nullPermutations: 0}) { kind status properties } }"
    )
    assert "errors" not in started, started
    props = started["data"]["startDetection"]["properties"]
    assert (props["time_window"], props["min_chars"], props["edges"]) == (60, 5, 15)
    ids = {"a": encode_id("Account", key("c0")), "b": encode_id("Account", key("c5"))}
    listed = gql(PAIRS % ("COPYPASTE", "aPost bPost aText delta similarity objectKey"), ids)
    assert "errors" not in listed, listed
    assert listed["data"]["signalEvidence"] == [
        {
            "aPost": key(f"{d}0"),
            "bPost": key(f"{d}5"),
            "aText": f"crew slogan number {d} for everyone",
            "delta": 50.0,
            "similarity": 1.0,
            "objectKey": None,
        }
        for d in range(2)
    ]
    # a signal that lists no pairs says so; one never run lists none
    bad = gql(PAIRS % ("COHORTS", "aPost"), ids)
    assert [e["message"] for e in bad["errors"]] == ["cohorts lists no pairs of posts"]
    assert gql(PAIRS % ("NEARDUP", "aPost"), ids) == {"data": {"signalEvidence": []}}


def test_hours_runs_and_its_edges_are_a_networks_evidence(db: Driver, gql: Gql) -> None:
    write_posts(db, clock_posts())
    started = gql(
        "mutation { startDetection(kind: HOURS, params: {minPosts: 20}) "
        "{ kind status properties } }"
    )
    assert "errors" not in started, started
    props = started["data"]["startDetection"]["properties"]
    assert (props["min_posts"], props["edges"], props["concentrated"]) == (20, 2, 5)
    params = FusionParams(min_size=2, min_member_strength=0.5, min_score=0.1, weights={"hours": 1})
    fused = detect_networks(db, params, runs={"hours": props["key"]}, use_gds=False)
    office = next(n for n in fused.networks if key("o1") in n.members)
    body = gql(
        "query($id: ID!) { network(id: $id) { explanation "
        "evidence { signal weight source { key } target { key } properties } } }",
        {"id": encode_id("Network", f"{fused.run_id}:{fused.networks.index(office) + 1}")},
    )
    assert "errors" not in body, body
    network = body["data"]["network"]
    assert "likely UTC+8" in network["explanation"]
    [evidence] = network["evidence"]
    assert (evidence["signal"], evidence["weight"]) == ("OFFICE_HOURS_WITH", 1.0)
    assert (evidence["source"]["key"], evidence["target"]["key"]) == (key("o1"), key("o2"))
    assert (evidence["properties"]["offset"], evidence["properties"]["a_share"]) == (8, 1.0)


def test_an_accounts_repurposed_finding_is_on_its_graphql_type(db: Driver, gql: Gql) -> None:
    write_timelines(db, TIMELINES)
    started = gql("mutation { startDetection(kind: REPURPOSED) { key status } }")
    assert "errors" not in started, started
    run = started["data"]["startDetection"]["key"]
    query = (
        "query($id: ID!) { node(id: $id) { ... on Account { key repurposedAt repurposedAspects "
        "repurposedChanges repurposedRun } } }"
    )
    found = gql(query, {"id": encode_id("Account", "twitter:r2")})["data"]["node"]
    at = datetime.fromtimestamp(TIMELINES["r2"][20][0] / 1000, tz=UTC)
    assert datetime.fromisoformat(found["repurposedAt"]) == at
    assert found["repurposedAspects"] == ["language", "client", "hours", "dormancy"]
    assert found["repurposedRun"] == run and found["repurposedChanges"]
    # a person who started posting in another language has no finding
    person = gql(query, {"id": encode_id("Account", "twitter:l1")})["data"]["node"]
    assert (person["repurposedAt"], person["repurposedAspects"]) == (None, None)
