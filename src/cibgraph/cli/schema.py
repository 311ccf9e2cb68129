"""`cibgraph schema` and `cibgraph schema-export`: the Neo4j schema and the GraphQL SDL."""

from __future__ import annotations

from typing import Annotated

import typer

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail
from cibgraph.neo4j.schema import apply_schema
from cibgraph.settings import get_settings


@app.command("schema")
def schema() -> None:
    """Apply the constraints and indexes (idempotent)."""
    settings = get_settings()
    n = apply_schema(connect(), database=settings.neo4j_database)
    console.print(f"schema applied ({n} statements)")


@app.command("schema-export")
def schema_export(
    check: Annotated[
        bool,
        typer.Option("--check", help="Fail when schema.graphql is out of date; write nothing."),
    ] = False,
) -> None:
    """Write the GraphQL SDL to schema.graphql at the repository root."""
    from cibgraph.api.graphql.schema import SDL_PATH, export_sdl, sdl

    if check:
        current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.is_file() else ""
        if current != sdl():
            raise fail(f"{SDL_PATH} is out of date: run `cibgraph schema-export`")
        console.print(f"{SDL_PATH} is up to date")
        return
    changed = export_sdl()
    console.print(f"{SDL_PATH} {'written' if changed else 'already up to date'}")
