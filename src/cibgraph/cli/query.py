"""`cibgraph query`: list and run the named Cypher queries."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from cibgraph.cli.main import app
from cibgraph.cli.output import console, err, fail
from cibgraph.neo4j.driver import get_driver
from cibgraph.neo4j.registry import QueryMode, get_query, registry

query_app = typer.Typer(help="The named Cypher queries of cypher/.")
app.add_typer(query_app, name="query")


@query_app.command("list")
def query_list() -> None:
    """List the named queries with what each answers."""
    table = Table("name", "mode", "params", "answers")
    for q in registry().values():
        params = ", ".join(f"{k}: {v}" for k, v in q.params.items())
        table.add_row(q.name, q.mode.value, params, q.answers)
    console.print(table)


@query_app.command("run")
def query_run(
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=JSON value (or a plain string)")
    ] = None,
) -> None:
    """Run a named query and print its rows as JSON lines."""
    try:
        q = get_query(name)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    params: dict[str, Any] = {}
    for item in param or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise fail(f"--param {item!r} is not name=value")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    try:
        records = q.run(get_driver(), params)
    except ValueError as exc:
        raise fail(str(exc)) from None
    for r in records:
        console.print_json(json.dumps(r.data(), default=str))
    if q.mode is QueryMode.READ:
        err.print(f"{len(records)} rows")
