"""Every command that talks to Neo4j fails in one line naming the fix, never with a traceback.

Three real failures: no server on the port (an unused port; no Neo4j needed, so these run in the
fast lane), a wrong password and a missing database (both against the running test instance).
A query out of time and a bug are checked through the root group that handles them all.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from neo4j import Driver, Query
from typer.core import TyperGroup
from typer.testing import CliRunner

import cibgraph.cli.connection as connection
import cibgraph.neo4j.driver as driver_module
from cibgraph.cli import app
from cibgraph.cli.errors import MAX_LINE, CibgraphGroup
from cibgraph.ingest.demo import generate
from cibgraph.neo4j.server import LocalNeo4j
from cibgraph.settings import Settings, get_settings

runner = CliRunner()

# Every command that opens the driver, with arguments that get it as far as Neo4j.
NEO4J_COMMANDS: dict[str, list[str]] = {
    "schema": ["schema"],
    "query run": ["query", "run", "meta/label_counts"],
    "load share-events": ["load", "share-events", "{demo}/shares/posts.csv"],
    "load coortweet": ["load", "coortweet", "{demo}/shares/posts.csv"],
    "load qut": ["load", "qut", "{demo}/shares/posts.csv"],
    "load table": [
        "load",
        "table",
        "{demo}/shares/posts.csv",
        "--account",
        "a",
        "--object",
        "o",
        "--time",
        "t",
    ],
    "load twarc": ["load", "twarc", "{demo}/shares/posts.csv"],
    "load telegram": ["load", "telegram", "{demo}/shares/posts.csv"],
    "load crowdtangle": ["load", "crowdtangle", "{demo}/shares/posts.csv"],
    "load twitter-io": ["load", "twitter-io", "{tmp}/china_082019_1_users_csv_hashed.csv"],
    "load bundle": ["load", "bundle", "{demo}/bundle"],
    "demo load": ["demo", "load", "--out", "{tmp}/demo", "--scale", "0.01"],
    "demo remove": ["demo", "remove", "--out", "{demo}"],
    "detect coordination": [
        "detect",
        "coordination",
        "--time-window",
        "60",
        "--min-participation",
        "2",
    ],
    "detect infrastructure": ["detect", "infrastructure"],
    "detect control": ["detect", "control"],
    "detect cohorts": ["detect", "cohorts"],
    "detect copypaste": ["detect", "copypaste"],
    "detect neardup": ["detect", "neardup"],
    "detect coreply": ["detect", "coreply"],
    "detect comention": ["detect", "comention"],
    "detect hours": ["detect", "hours"],
    "detect repurposed": ["detect", "repurposed"],
    "detect networks": ["detect", "networks"],
    "log rebuild": ["log", "rebuild"],
    "log status": ["log", "status"],
    "traverse neighbourhood": ["traverse", "neighbourhood", "twitter:1"],
    "traverse paths": ["traverse", "paths", "twitter:1", "twitter:2"],
    "traverse network-of": ["traverse", "network-of", "twitter:1"],
    "traverse expand": ["traverse", "expand", "twitter:1"],
    "keys create": ["keys", "create", "someone"],
    "keys revoke": ["keys", "revoke", "someone"],
    "keys list": ["keys", "list"],
    "export network": ["export", "network", "n1", "-f", "json", "-o", "{tmp}/n.json"],
    "export case": ["export", "case", "c1", "-f", "json", "-o", "{tmp}/c.json"],
    "report network": ["report", "network", "n1", "--out", "{tmp}/r.html"],
    "serve": ["serve", "--port", "1", "--wait", "1"],  # fails before it binds the port
    "export neighbourhood": ["export", "neighbourhood", "twitter:1", "-f", "json", "-o", "{tmp}/x"],
}


# The commands that open no driver: the server's own (they say what they find in one line), the
# query listing, the demo generator, the GraphQL SDL, the Browser helpers and a run's edge
# export (read from the share log).
NO_DRIVER = {
    "neo4j install", "neo4j start", "neo4j stop", "neo4j status", "query list", "demo generate",
    "schema-export", "browser serve", "browser guide", "detect export",
}  # fmt: skip


def _leaf_commands(group: TyperGroup, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            yield from _leaf_commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_command_is_checked_here() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    assert set(_leaf_commands(root)) - NO_DRIVER == set(NEO4J_COMMANDS)


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny demo bundle: real files for the load commands to get as far as Neo4j with."""
    out = tmp_path_factory.mktemp("demo")
    generate(out=out, scale=0.01)
    return out


@pytest.fixture()
def connect_with(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Point the CLI at other connection settings for one test; the session's driver survives."""

    def use(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        monkeypatch.setattr(driver_module, "_driver", None)
        monkeypatch.setattr(connection, "_checked", None)

    yield use
    made = driver_module._driver
    if made is not None:
        made.close()
    monkeypatch.undo()
    get_settings.cache_clear()


def _args(command: str, demo: Path, tmp: Path) -> list[str]:
    (tmp / "china_082019_1_users_csv_hashed.csv").touch()
    return [a.format(demo=demo, tmp=tmp) for a in NEO4J_COMMANDS[command]]


def _one_error_line(output: str) -> str:
    lines = output.splitlines()
    assert len(lines) == 1, output
    (line,) = lines
    assert line.startswith("error: "), line
    assert len(line) <= MAX_LINE, line
    assert "Traceback" not in output
    return line


@pytest.mark.parametrize("command", NEO4J_COMMANDS)
def test_no_server_on_the_port(
    command: str, demo: Path, tmp_path: Path, connect_with: Callable[..., None]
) -> None:
    port = _unused_port()
    connect_with(NEO4J_URI=f"neo4j://127.0.0.1:{port}")
    result = runner.invoke(app, _args(command, demo, tmp_path))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    stderr = result.stderr
    if command == "serve":  # Neo4j may be starting beside it: it waits --wait seconds first
        waiting, stderr = stderr.split("\n", 1)
        assert (
            waiting == f"Neo4j at neo4j://127.0.0.1:{port} does not answer yet: waiting up to 1 s"
        )
    line = _one_error_line(stderr)
    assert line == (
        f"error: cannot reach Neo4j at neo4j://127.0.0.1:{port}: start it with "
        "`cibgraph neo4j start`, or set NEO4J_URI to a running server"
    )
    assert not (tmp_path / "demo").exists()  # `demo load` failed before generating anything


@pytest.fixture(scope="module")
def locked_out_user(driver: Driver) -> str:
    """A real user of the test instance whose password the tests get wrong.

    Not `neo4j`: after three failed logins Neo4j locks a user for seconds, and the other tests
    log in as `neo4j`.
    """
    driver.execute_query(
        "CREATE USER cli_wrong_password IF NOT EXISTS "
        "SET PLAINTEXT PASSWORD 'the-right-password' CHANGE NOT REQUIRED",
        database_="system",
    )
    return "cli_wrong_password"


@pytest.mark.parametrize("command", ["neo4j start", *NEO4J_COMMANDS])
def test_wrong_password(
    command: str,
    demo: Path,
    tmp_path: Path,
    settings: Settings,
    locked_out_user: str,
    connect_with: Callable[..., None],
) -> None:
    connect_with(NEO4J_USER=locked_out_user, NEO4J_PASSWORD="not-the-password")
    args = ["neo4j", "start"] if command == "neo4j start" else _args(command, demo, tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    line = _one_error_line(result.stderr)
    assert "NEO4J_PASSWORD" in line
    if command == "neo4j start":  # the server's own check, before the schema is applied
        assert "rejects the password" in line
    else:  # after three tries Neo4j rate-limits the user: the hint stays the same
        assert f"Neo4j at {settings.neo4j_uri} refused user {locked_out_user!r}" in line


@pytest.mark.parametrize("command", NEO4J_COMMANDS)
def test_missing_database(
    command: str,
    demo: Path,
    tmp_path: Path,
    neo4j_server: LocalNeo4j,
    settings: Settings,
    connect_with: Callable[..., None],
) -> None:
    connect_with(NEO4J_DATABASE="nosuchdatabase")
    result = runner.invoke(app, _args(command, demo, tmp_path))
    assert result.exit_code == 1, result.output
    line = _one_error_line(result.stderr)
    assert line == (
        f"error: Neo4j at {settings.neo4j_uri} has no database 'nosuchdatabase': "
        "set NEO4J_DATABASE to one it has (SHOW DATABASES lists them)"
    )


def _probe_app(work: Callable[[], object]) -> typer.Typer:
    """A root app like cibgraph's, whose one command runs `work`."""
    probe = typer.Typer(cls=CibgraphGroup, pretty_exceptions_enable=False)

    @probe.callback()
    def root(verbose: bool = typer.Option(False, "--verbose")) -> None:
        pass

    @probe.command()
    def work_command() -> None:
        work()

    @probe.command()
    def other() -> None:  # a second command keeps the root a group
        pass

    return probe


def test_a_query_out_of_time(driver: Driver, settings: Settings) -> None:
    slow = Query(
        "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(*)", timeout=0.2
    )
    probe = _probe_app(lambda: driver.execute_query(slow, database_=settings.neo4j_database))
    result = runner.invoke(probe, ["work-command"])
    assert result.exit_code == 1, result.output
    line = _one_error_line(result.stderr)
    assert line.startswith(f"error: a query ran out of time on Neo4j at {settings.neo4j_uri}")
    assert "a smaller --limit or --depth" in line


def test_a_bug_is_one_line_and_verbose_shows_it() -> None:
    def broken() -> None:
        raise RuntimeError("boom\nsecond line")

    result = runner.invoke(_probe_app(broken), ["work-command"])
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert line.startswith("error: unexpected error, a bug (`cibgraph --verbose …` shows where")
    assert line.endswith("RuntimeError: boom second line")
    verbose = runner.invoke(_probe_app(broken), ["--verbose", "work-command"])
    assert isinstance(verbose.exception, RuntimeError)


def test_usage_errors_stay_typers() -> None:
    result = runner.invoke(app, ["query", "run"])
    assert result.exit_code == 2
    assert "Usage: root query run" in result.output
    assert "Missing argument" in result.output
    assert "Traceback" not in result.output


def _cibgraph(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a child process with no terminal."""
    script = Path(sys.executable).with_name("cibgraph")
    return subprocess.run(
        [str(script), *args],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_server_through_the_console_script() -> None:
    port = _unused_port()
    done = _cibgraph("detect", "networks", NEO4J_URI=f"neo4j://127.0.0.1:{port}")
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    line = _one_error_line(done.stderr)
    assert f"cannot reach Neo4j at neo4j://127.0.0.1:{port}: start it with" in line


def test_a_long_path_on_a_narrow_terminal_stays_one_line(tmp_path: Path) -> None:
    deep = tmp_path / ("a-folder-with-a-long-name-" * 4) / ("and-another-" * 5)
    missing = deep / "nope.csv"
    args = ["load", "share-events", "--dry-run", str(missing)]
    expected = f"error: {missing}: no such file"
    assert len(expected) > 200  # longer than any terminal line in this test
    in_process = runner.invoke(app, args, env={"COLUMNS": "30"})
    assert in_process.exit_code == 1
    assert in_process.stderr.splitlines() == [expected]
    # A child process reads COLUMNS when it starts, as a user's shell would set it.
    done = _cibgraph(*args, COLUMNS="30")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [expected]
    # What a command reports on stdout keeps its path on one line as well.
    made = _cibgraph("demo", "generate", "--out", str(deep), "--scale", "0.01", COLUMNS="30")
    assert made.returncode == 0, made.stderr
    assert f"wrote {deep} (seed 20190819, scale 0.01) in " in made.stdout.splitlines()[-1]
