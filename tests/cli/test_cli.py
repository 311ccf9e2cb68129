"""The `cibgraph` command line against the test instance."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.neo4j.registry import registry
from cibgraph.neo4j.server import LocalNeo4j

runner = CliRunner()


def test_status_names_the_running_instance(neo4j_server: LocalNeo4j) -> None:
    result = runner.invoke(app, ["neo4j", "status"])
    assert result.exit_code == 0, result.output
    assert f"instance {neo4j_server.settings.neo4j_instance}: running" in result.output
    assert f"bolt://127.0.0.1:{neo4j_server.settings.bolt_port}" in result.output


def test_start_when_running_is_a_noop(neo4j_server: LocalNeo4j) -> None:
    pid = neo4j_server.pid()
    result = runner.invoke(app, ["neo4j", "start"])
    assert result.exit_code == 0, result.output
    assert "already running" in result.output
    assert neo4j_server.pid() == pid


def test_query_list_and_run(db: Driver) -> None:
    listing = runner.invoke(app, ["query", "list"])
    assert listing.exit_code == 0
    assert "meta/label_counts" in listing.output
    missing = runner.invoke(app, ["query", "run", "meta/entity_by_key"])
    assert missing.exit_code == 1
    assert "missing params ['key']" in missing.output


def test_query_run_writes_json_lines(db: Driver) -> None:
    db.execute_query(
        "CREATE (:Account {key: 'twitter:1', handle: 'ünï\ncode', created_at: $at, tags: [1, 2]})",
        {"at": datetime(2019, 8, 19, 12, 30, tzinfo=UTC)},
    )
    result = runner.invoke(app, ["query", "run", "meta/entity_by_key", "-p", "key=twitter:1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # one compact object per record, however long or nested
    assert json.loads(lines[0]) == {
        "labels": ["Account"],
        "props": {
            "key": "twitter:1",
            "handle": "ünï\ncode",
            "created_at": "2019-08-19T12:30:00+00:00",
            "tags": [1, 2],
        },
        "sources": [],
    }
    assert lines[0].startswith('{"labels":["Account"],')  # compact: no spaces, no indent
    assert result.stderr == "1 rows\n"
    counts = runner.invoke(app, ["query", "run", "meta/label_counts"])
    assert [json.loads(line) for line in counts.stdout.splitlines()] == [
        {"label": "Account", "nodes": 1}
    ]


def test_query_list_puts_the_investigators_questions_first() -> None:
    listing = runner.invoke(app, ["query", "list"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    titles = [line.split(" (")[0] for line in listing.stdout.splitlines() if " (" in line[:20]]
    assert titles[0] == "investigate"
    assert set(titles) == {q.partition("/")[0] for q in registry()}
    names = [n for n in registry() if n.startswith("investigate/")]
    assert len(names) >= 7
    first = listing.stdout.index("investigate/")
    assert all(first <= listing.stdout.index(n) < listing.stdout.index("traverse/") for n in names)


def test_query_list_filters_by_area() -> None:
    listing = runner.invoke(app, ["query", "list", "--area", "investigate"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    listed = sorted(re.findall(r"\b(\w+/\w+)\b", listing.stdout))
    assert listed == sorted(n for n in registry() if n.startswith("investigate/"))
    unknown = runner.invoke(app, ["query", "list", "--area", "nope"])
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("error: no query area 'nope'; areas: investigate, ")
