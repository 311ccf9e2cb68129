"""`cibgraph serve`: the GraphQL API over HTTP."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer
from neo4j.exceptions import ServiceUnavailable

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import err
from cibgraph.neo4j.schema import apply_schema
from cibgraph.settings import get_settings


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    wait: Annotated[
        float, typer.Option("--wait", min=0.0, help="Seconds to wait for Neo4j to answer.")
    ] = 60.0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="API worker processes (default: API_WORKERS, or one per core less one "
            "for a local Neo4j).",
        ),
    ] = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log a line per request (uvicorn's access log; without it a worker served "
            "~4% more look-ups a second).",
        ),
    ] = True,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql, health at /healthz).

    Each worker process has its own driver (its share of API_CONNECTIONS Bolt connections)
    and its own limit on heavy traversals; API keys live in Neo4j, so any worker checks any key.
    """
    # Neo4j is checked before the server starts, so a wrong password, a missing database or a
    # server that never comes up is one line here rather than a traceback from the app's start.
    deadline = time.monotonic() + wait
    try:
        connect()
    except ServiceUnavailable:  # it may be starting (docker compose starts both at once)
        err.print(
            f"Neo4j at {get_settings().neo4j_uri} does not answer yet: waiting up to {wait:g} s"
        )
        while True:
            time.sleep(0.5)
            try:
                connect()  # fails at once; the driver's own retries would take 30 s a try
                break
            except ServiceUnavailable:
                if time.monotonic() >= deadline:
                    raise
    settings = get_settings()
    n = workers or settings.workers()
    # The workers read their number (and so their pool's share) from the environment.
    os.environ["API_WORKERS"] = str(n)
    get_settings.cache_clear()
    if n > 1:  # once here, so that the workers' own start-up finds the schema in place
        apply_schema(connect(), database=settings.neo4j_database)
    import uvicorn

    uvicorn.run(
        "cibgraph.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=n if n > 1 else None,
        http="cibgraph.api.protocol:NoDelayHTTPProtocol",
        access_log=access_log,
    )
