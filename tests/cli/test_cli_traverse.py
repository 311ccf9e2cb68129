"""`cibgraph traverse ...`: the traversals as JSON on the command line."""

from __future__ import annotations

import json

from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.settings import Settings

runner = CliRunner()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_traverse_commands(db: Driver, settings: Settings) -> None:
    db.execute_query(
        "CREATE (a:Account {key: 'tw:a'})-[:USED_IP]->(:IP {key: '203.0.113.7'})"
        "<-[:USED_IP]-(b:Account {key: 'tw:b'}),"
        " (n:Network {key: 'net:1', run: 'r', score: 0.5, size: 2}),"
        " (a)-[:IN_NETWORK {score: 0.9}]->(n), (b)-[:IN_NETWORK {score: 0.7}]->(n)",
        database_=settings.neo4j_database,
    )
    result = runner.invoke(
        app, ["traverse", "neighbourhood", "tw:a", "--depth", "2", "--types", "USED_IP"]
    )
    assert result.exit_code == 0, result.output
    graph = json.loads(result.output)
    assert {n["key"]: n["depth"] for n in graph["nodes"]} == {
        "tw:a": 0,
        "203.0.113.7": 1,
        "tw:b": 2,
    }
    assert graph["truncated"] is False
    paths = json.loads(_ok(["traverse", "paths", "tw:a", "tw:b"]))
    assert [[n["key"] for n in p["nodes"]] for p in paths] == [
        ["tw:a", "203.0.113.7", "tw:b"],
        ["tw:a", "net:1", "tw:b"],
    ]
    ip_only = _ok(["traverse", "paths", "tw:a", "tw:b", "-t", "USED_IP"])
    assert [[n["key"] for n in p["nodes"]] for p in json.loads(ip_only)] == [
        ["tw:a", "203.0.113.7", "tw:b"]
    ]
    nets = json.loads(_ok(["traverse", "network-of", "tw:b"]))
    assert [(m["network"], m["member_score"]) for m in nets] == [("net:1", 0.7)]
    members = json.loads(_ok(["traverse", "expand", "tw:a"]))
    assert [(m["key"], m["score"]) for m in members] == [("tw:b", 0.7)]


def test_traverse_rejects_bad_input(db: Driver) -> None:
    deep = runner.invoke(app, ["traverse", "neighbourhood", "tw:a", "--depth", "4"])
    assert deep.exit_code == 1
    assert "depth must be between 1 and 3" in deep.output
    unknown = runner.invoke(app, ["traverse", "neighbourhood", "tw:a", "--types", "KNOWS"])
    assert unknown.exit_code == 1
    assert "unknown relationship type 'KNOWS'" in unknown.output
    missing = runner.invoke(app, ["traverse", "network-of", "tw:nobody"])
    assert missing.exit_code == 1
    assert "no node has key 'tw:nobody'" in missing.output
