"""`cibgraph neo4j`: install, start, stop and inspect the local Neo4j server."""

from __future__ import annotations

import typer

from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail
from cibgraph.neo4j.driver import get_driver
from cibgraph.neo4j.schema import apply_schema
from cibgraph.neo4j.server import LocalNeo4j, Neo4jServerError
from cibgraph.settings import get_settings

neo4j_app = typer.Typer(help="Install and run the project's local Neo4j 5.26 server.")
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("install")
def neo4j_install() -> None:
    """Resolve Neo4j, its Browser, APOC and GDS from Maven Central (cached after the first run)."""
    server = LocalNeo4j(get_settings())
    try:
        fresh = server.install()
    except Neo4jServerError as exc:
        raise fail(str(exc)) from None
    jars = (server.dist / "INSTALLED").read_text().split()
    word = "installed" if fresh else "already installed"
    console.print(f"Neo4j {word} in {server.dist} ({len(jars)} jars)")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local instance (a no-op when it runs) and apply the schema."""
    settings = get_settings()
    server = LocalNeo4j(settings)
    try:
        started = server.start()
    except Neo4jServerError as exc:
        raise fail(str(exc)) from None
    apply_schema(get_driver(), database=settings.neo4j_database)
    st = server.status()
    word = "started" if started else "already running"
    console.print(f"Neo4j {word} (pid {st.pid}): {st.bolt}, Browser at {st.http}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Shut the local instance down cleanly."""
    server = LocalNeo4j(get_settings())
    stopped = server.stop()
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local instance runs, and where."""
    st = LocalNeo4j(get_settings()).status()
    if not st.running:
        console.print(f"instance {st.instance}: not running (home {st.home})")
        raise typer.Exit(code=3)
    health = "answering" if st.answering else "not answering yet"
    console.print(
        f"instance {st.instance}: running, pid {st.pid}, {health}\n"
        f"  Bolt    {st.bolt}\n  Browser {st.http}\n  home    {st.home}"
    )
