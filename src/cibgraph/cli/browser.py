"""`cibgraph browser`: the cibgraph style and guide for Neo4j Browser."""

from __future__ import annotations

from typing import Annotated

import typer

from cibgraph.cli.main import app
from cibgraph.cli.output import console
from cibgraph.neo4j.server import LocalNeo4j
from cibgraph.settings import get_settings

browser_app = typer.Typer(
    help="Neo4j Browser: the cibgraph style and guide.", invoke_without_command=True
)
app.add_typer(browser_app, name="browser")


@browser_app.callback()
def browser_main(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port of `cibgraph browser serve`.")] = 7480,
) -> None:
    """Print the commands that open the cibgraph style and guide in Neo4j Browser."""
    if ctx.invoked_subcommand is not None:
        return
    from cibgraph.api.browser import browser_commands

    st = LocalNeo4j(get_settings()).status()
    console.print(f"1. run `cibgraph browser serve --port {port}` (serves docs/browser/)")
    console.print(f"2. open {st.http} and connect ({st.bolt})")
    console.print("3. paste into the editor:")
    for command in browser_commands(f"http://localhost:{port}"):
        typer.echo(f"   {command}")


@browser_app.command("serve")
def browser_serve(
    port: Annotated[int, typer.Option(help="Loopback port.")] = 7480,
) -> None:
    """Serve docs/browser/ (style and guide) on 127.0.0.1 for Neo4j Browser's :style and :play."""
    from cibgraph.api.browser import browser_commands, make_server

    server = make_server("127.0.0.1", port)
    console.print(f"serving docs/browser/ on http://127.0.0.1:{port} (Ctrl-C stops); paste:")
    for command in browser_commands(f"http://localhost:{port}"):
        typer.echo(f"   {command}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@browser_app.command("guide")
def browser_guide() -> None:
    """Regenerate docs/browser/guide.html from the named queries of cypher/."""
    from cibgraph.api.browser import GUIDE, write_guide

    console.print(f"{GUIDE} {'written' if write_guide() else 'already up to date'}")
