"""The `cibgraph` command line against the test instance."""

from __future__ import annotations

from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
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
