"""The write side through HTTP: notes, tags, cases and detection runs, and who may use them."""

from __future__ import annotations

from neo4j import Driver

from cibgraph.api.graphql.ids import encode_id
from tests.api.conftest import Gql

A1, A2, A3 = (encode_id("Account", f"twitter:{i}") for i in (1, 2, 3))


def test_reader_may_not_write(seeded: Driver, gql: Gql) -> None:
    body = gql('mutation { createCase(title: "x") { key } }', role="reader")
    assert body["data"] is None
    err = body["errors"][0]
    assert err["extensions"]["code"] == "FORBIDDEN"
    assert err["message"] == (
        "forbidden: this key's role (reader) may only read; mutations need an analyst or admin key"
    )


def test_notes_and_tags_keep_author_and_time(seeded: Driver, gql: Gql) -> None:
    body = gql(
        """mutation($id: ID!) {
          addNote(entity: $id, text: "runs the Daily Truth page") { text author kind createdAt }
          t1: addTag(entity: $id, tag: "State-Linked") { name author }
          t2: addTag(entity: $id, tag: "state-linked") { name }
        }""",
        {"id": A1},
    )
    d = body["data"]
    assert d["addNote"]["text"] == "runs the Daily Truth page"
    assert d["addNote"]["author"] == "analyst-1"
    assert d["addNote"]["kind"] == "note"
    assert d["addNote"]["createdAt"].startswith("20")
    assert d["t1"] == {"name": "state-linked", "author": "analyst-1"}
    body = gql(
        "query($id: ID!) { node(id: $id) { ... on Account { notes { text } tags { name } } } }",
        {"id": A1},
        role="reader",
    )
    assert body["data"]["node"] == {
        "notes": [{"text": "runs the Daily Truth page"}],
        "tags": [{"name": "state-linked"}],
    }
    body = gql(
        'mutation($id: ID!) { a: removeTag(entity: $id, tag: "state-linked") '
        'b: removeTag(entity: $id, tag: "state-linked") }',
        {"id": A1},
    )
    assert body["data"] == {"a": True, "b": False}


def test_case_lifecycle(seeded: Driver, gql: Gql) -> None:
    case = gql('mutation { createCase(title: "HK network", description: "pages") { id status } }')[
        "data"
    ]["createCase"]
    assert case["status"] == "open"
    body = gql(
        """mutation($c: ID!, $ids: [ID!]!) {
          addToCase(case: $c, entities: $ids, reason: "same IP 203.0.113.7") {
            entities { entity { key } reason addedBy }
          }
          addNote(entity: $c, text: "three accounts behind one unblocked IP") { author }
        }""",
        {"c": case["id"], "ids": [A1, A2, A3]},
    )
    assert body["data"]["addToCase"]["entities"] == [
        {"entity": {"key": f"twitter:{i}"}, "reason": "same IP 203.0.113.7", "addedBy": "analyst-1"}
        for i in (1, 2, 3)
    ]
    body = gql(
        """mutation($c: ID!, $ids: [ID!]!) {
          removeFromCase(case: $c, entities: $ids, reason: "shared a VPN only") {
            entities { entity { key } }
            all: entities(includeRemoved: true) { entity { key } removedReason }
          }
        }""",
        {"c": case["id"], "ids": [A3]},
    )
    r = body["data"]["removeFromCase"]
    assert [e["entity"]["key"] for e in r["entities"]] == ["twitter:1", "twitter:2"]
    assert r["all"][2] == {"entity": {"key": "twitter:3"}, "removedReason": "shared a VPN only"}
    body = gql(
        'mutation($c: ID!) { closeCase(case: $c, resolution: "reported") { status closedBy } }',
        {"c": case["id"]},
        role="admin",
    )
    assert body["data"]["closeCase"] == {"status": "closed", "closedBy": "admin-1"}
    body = gql(
        'mutation($c: ID!, $ids: [ID!]!) { addToCase(case: $c, entities: $ids, reason: "x") '
        "{ key } }",
        {"c": case["id"], "ids": [A1]},
    )
    assert body["errors"][0]["message"] == "this case is closed"
    body = gql('{ cases(status: "closed") { totalCount edges { node { title notes { text } } } } }')
    assert body["data"]["cases"] == {
        "totalCount": 1,
        "edges": [
            {
                "node": {
                    "title": "HK network",
                    "notes": [{"text": "three accounts behind one unblocked IP"}],
                }
            }
        ],
    }


def test_add_to_case_rejects_unknown_entities(seeded: Driver, gql: Gql) -> None:
    case = gql('mutation { createCase(title: "c") { id } }')["data"]["createCase"]["id"]
    body = gql(
        'mutation($c: ID!, $ids: [ID!]!) { addToCase(case: $c, entities: $ids, reason: "r") '
        "{ key } }",
        {"c": case, "ids": [A1, encode_id("Account", "twitter:999")]},
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == "1 of the ids name no node (first: Account)"


def test_start_detection_records_a_run(seeded: Driver, gql: Gql) -> None:
    body = gql(
        """mutation {
          startDetection(kind: COORDINATION, params: {timeWindow: 60, minParticipation: 1}) {
            id kind status requestedBy properties
          }
        }"""
    )
    run = body["data"]["startDetection"]
    assert run["requestedBy"] == "analyst-1"
    assert run["kind"] == "coordination"
    assert run["status"] == "complete"
    assert run["properties"]["time_window"] == 60
    assert run["properties"]["edges"] == 1  # alice and bob, 30 s apart
    body = gql(
        "query($id: ID!) { node(id: $id) { ... on DetectionRun { status requestedBy } } }",
        {"id": run["id"]},
    )
    assert body["data"]["node"] == {"status": "complete", "requestedBy": "analyst-1"}
    body = gql("mutation { startDetection(kind: COORDINATION) { id } }")
    assert body["errors"][0]["message"] == "coordination needs timeWindow and minParticipation"
