"""A GraphQL HTTP request the parsers should never see is a 400 with a short reason."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from cibgraph.api.body import BadRequest, check_json_body, json_nesting, query_nesting

DEEP_VARIABLES = b'{"query": "{ viewer { name } }", "variables": ' + b'{"a":' * 5000 + b"1"
DEEP_VARIABLES += b"}" * 5001
BAD_BODIES = [
    (b'{"query": "{ viewer { name } }", "x": "\xff"}', "the body is not valid UTF-8 (byte 39)"),
    (
        '{"query": "{ viewer { name } }"}'.encode("utf-16"),
        "the body must be JSON in UTF-8 (this looks like UTF-16 or UTF-32)",
    ),
    (
        '{"query": "{ viewer { name } }"}'.encode("utf-16-le"),
        "the body must be JSON in UTF-8 (this looks like UTF-16 or UTF-32)",
    ),
    (
        b'"{ viewer { name } }"',
        'the body must be a JSON object such as {"query": "{ viewer { name } }"}',
    ),
    (b"[]", "batched requests are not supported: send one JSON object"),
    (DEEP_VARIABLES, "the JSON body nests deeper than 32 levels"),
    (
        json.dumps({"query": "{ viewer " + "{ x " * 5000 + "}" * 5001}).encode(),
        "the query nests deeper than 64 levels",
    ),
    (b'{"query": ' + b"[" * 5000 + b"]" * 5000 + b"}", "the JSON body nests deeper than 32 levels"),
    (b'{"query": 12}', "the body's query must be a string"),
    (
        b'{"query": "{ viewer { name } }", "variables": "x"}',
        "the body's variables must be an object or null",
    ),
    (b'{"query": ', "the body is not valid JSON: Expecting value: line 1 column 11 (char 10)"),
]


@pytest.mark.parametrize(("body", "reason"), BAD_BODIES)
def test_bad_bodies_are_400_with_a_reason(
    client: TestClient, keys: dict[str, str], body: bytes, reason: str
) -> None:
    resp = client.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {keys['reader']}", "content-type": "application/json"},
    )
    assert resp.status_code == 400
    assert resp.json() == {"errors": [{"message": reason, "extensions": {"code": "BAD_REQUEST"}}]}


def test_a_deep_get_query_is_400(client: TestClient, keys: dict[str, str]) -> None:
    resp = client.get(
        "/graphql",
        params={"query": "{" * 3000 + "}" * 3000},
        headers={"Authorization": f"Bearer {keys['reader']}"},
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["message"] == "the query nests deeper than 64 levels"


def test_nesting_scans_skip_strings_and_comments() -> None:
    assert not json_nesting('{"a": "[[[[[[[[[["}', 3)
    assert json_nesting('{"a": [[["\\"]"]]]}', 3)
    assert not query_nesting('{ a(x: "{{{{{{") # {{{{{{{\n b }', 2)
    assert not query_nesting('{ a(x: """ {{{{ \\""" {{{{ """) }', 2)
    assert query_nesting("{ a { b { c } } }", 2)
    assert check_json_body(b'{"query": "{ viewer { name } }", "variables": null}') == {
        "query": "{ viewer { name } }",
        "variables": None,
    }
    with pytest.raises(BadRequest):
        check_json_body(b"\xef\xbb\xbf" + b"\xc3\x28")
