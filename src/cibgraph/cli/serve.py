"""`cibgraph serve`: the GraphQL API over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer
from neo4j.exceptions import ServiceUnavailable

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import err
from cibgraph.neo4j.driver import get_driver, wait_for_database
from cibgraph.settings import get_settings


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    wait: Annotated[
        float, typer.Option("--wait", min=0.0, help="Seconds to wait for Neo4j to answer.")
    ] = 60.0,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql, health at /healthz)."""
    # Neo4j is checked before the server starts, so a wrong password, a missing database or a
    # server that never comes up is one line here rather than a traceback from the app's start.
    try:
        connect()
    except ServiceUnavailable:  # it may be starting (docker compose starts both at once)
        s = get_settings()
        err.print(f"Neo4j at {s.neo4j_uri} does not answer yet: waiting up to {wait:g} s")
        wait_for_database(get_driver(), database=s.neo4j_database, timeout=wait)
    import uvicorn

    uvicorn.run("cibgraph.api.app:create_app", factory=True, host=host, port=port)
