"""`cibgraph query`: list and run the named Cypher queries."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Annotated, Any

import typer
from rich.table import Table

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, err, fail
from cibgraph.neo4j.registry import NamedQuery, QueryMode, get_query, registry
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.values import to_json

query_app = typer.Typer(help="The named Cypher queries of cypher/.")
app.add_typer(query_app, name="query")

# What each area of cypher/ is for; the investigator's questions are listed first.
AREAS = {
    "investigate": "questions an investigator asks: start here",
    "traverse": "bounded walks from an entity",
    "detect": "what the detections read and write",
    "export": "what an export selects",
    "meta": "the database itself",
    "api": "the GraphQL API's reads and writes",
    "load": "the loaders' batched writes",
}


def areas() -> dict[str, list[NamedQuery]]:
    """The queries by area (the first part of their name), in `AREAS` order, then the rest."""
    found: dict[str, list[NamedQuery]] = defaultdict(list)
    for q in registry().values():
        found[q.name.partition("/")[0]].append(q)
    order = [a for a in AREAS if a in found] + sorted(set(found) - set(AREAS))
    return {a: found[a] for a in order}


@query_app.command("list")
def query_list(
    area: Annotated[
        str | None, typer.Option("--area", "-a", help="Only this area, e.g. investigate.")
    ] = None,
) -> None:
    """List the named queries with what each answers, the investigator's questions first."""
    by_area = areas()
    if area is not None:
        if area not in by_area:
            raise fail(f"no query area {area!r}; areas: {', '.join(by_area)}")
        by_area = {area: by_area[area]}
    for name, queries in by_area.items():
        about = AREAS.get(name, "")
        table = Table(
            "name",
            "mode",
            "params",
            "answers",
            title=f"{name} ({len(queries)}){': ' + about if about else ''}",
            title_justify="left",
        )
        table.columns[0].no_wrap = True  # a name is what one copies into `query run`
        for q in queries:
            params = ", ".join(f"{k}: {v}" for k, v in q.params.items())
            table.add_row(q.name, q.mode.value, params, q.answers)
        console.print(table)


@query_app.command("run")
def query_run(
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=JSON value (or a plain string)")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.001, help="Seconds before Neo4j stops it.")
    ] = None,
) -> None:
    """Run a named query and print its rows as JSON lines (one compact object per row)."""
    try:
        q = get_query(name)
    except KeyError:
        raise fail(f"no query named {name!r}: `cibgraph query list` shows them") from None
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
        records = QueryRunner(connect(), timeout=timeout).records(q, params)
    except ValueError as exc:
        raise fail(str(exc)) from None
    for r in records:
        # Plain echo, not rich: a row is one line however wide, and nothing is highlighted.
        row = to_json(dict(r))
        typer.echo(json.dumps(row, default=str, ensure_ascii=False, separators=(",", ":")))
    if q.mode is QueryMode.READ:
        err.print(f"{len(records)} rows")
