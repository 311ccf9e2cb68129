"""`cibgraph traverse`: bounded traversals from an entity, printed as JSON."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cibgraph import traversals
from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import fail

traverse_app = typer.Typer(help="Bounded traversals from an entity, printed as JSON.")
app.add_typer(traverse_app, name="traverse")

TypesOption = Annotated[
    list[str] | None, typer.Option("--types", "-t", help="Relationship type (repeat; default all).")
]


def _print_json(value: Any) -> None:
    import dataclasses

    def plain(v: Any) -> Any:
        is_instance = dataclasses.is_dataclass(v) and not isinstance(v, type)
        return dataclasses.asdict(v) if is_instance else v

    data = [plain(v) for v in value] if isinstance(value, list) else plain(value)
    typer.echo(json.dumps(data, default=str, ensure_ascii=False, indent=2))


@traverse_app.command("neighbourhood")
def traverse_neighbourhood(
    key: str,
    depth: Annotated[
        int, typer.Option("--depth", "-d", help=f"Hops, 1 to {traversals.MAX_DEPTH}.")
    ] = 1,
    types: TypesOption = None,
    direction: Annotated[str, typer.Option("--direction", help="out, in or both")] = "both",
    labels: Annotated[
        list[str] | None, typer.Option("--label", "-l", help="Pass only through this label.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help=f"Nodes, 1 to {traversals.MAX_NODE_LIMIT:,}.")
    ] = traversals.DEFAULT_NODE_LIMIT,
) -> None:
    """The nodes within --depth hops of KEY and the relationships between them."""
    try:
        graph = traversals.neighbourhood(
            connect(),
            key=key,
            depth=depth,
            rel_types=types,
            direction=direction,
            labels=labels,
            limit=limit,
        )
    except (ValueError, LookupError) as exc:
        raise fail(str(exc)) from None
    _print_json(graph)


@traverse_app.command("paths")
def traverse_paths(
    from_key: str,
    to_key: str,
    max_length: Annotated[
        int, typer.Option("--max-length", help=f"Hops, 1 to {traversals.MAX_PATH_LENGTH}.")
    ] = 4,
    types: TypesOption = None,
) -> None:
    """The shortest paths between two entities."""
    try:
        paths = traversals.shortest_paths(
            connect(), from_key=from_key, to_key=to_key, max_length=max_length, rel_types=types
        )
    except (ValueError, LookupError) as exc:
        raise fail(str(exc)) from None
    _print_json(paths)


@traverse_app.command("network-of")
def traverse_network_of(key: str) -> None:
    """The detected networks KEY belongs to, with their scores and explanations."""
    try:
        _print_json(traversals.network_of(connect(), key=key))
    except (ValueError, LookupError) as exc:
        raise fail(str(exc)) from None


@traverse_app.command("expand")
def traverse_expand(
    key: str,
    limit: Annotated[
        int, typer.Option("--limit", help=f"Members, 1 to {traversals.MAX_MEMBER_LIMIT:,}.")
    ] = traversals.DEFAULT_MEMBER_LIMIT,
) -> None:
    """Who else is in KEY's network(s), ranked by evidence."""
    try:
        _print_json(traversals.expand_network(connect(), seed_key=key, limit=limit))
    except (ValueError, LookupError) as exc:
        raise fail(str(exc)) from None
