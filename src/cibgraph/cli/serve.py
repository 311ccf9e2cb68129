"""`cibgraph serve`: the GraphQL API over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from cibgraph.cli.main import app


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql, health at /healthz)."""
    import uvicorn

    uvicorn.run("cibgraph.api.app:create_app", factory=True, host=host, port=port)
