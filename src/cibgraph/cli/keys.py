"""`cibgraph keys`: create, revoke and list API keys for the GraphQL API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail

keys_app = typer.Typer(help="API keys for the GraphQL API (roles: reader, analyst, admin).")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who holds the key (shown as the author of notes).")],
    role: Annotated[str, typer.Option(help="reader, analyst or admin.")] = "reader",
) -> None:
    """Make a key; it is printed once and only its salted hash is stored."""
    from cibgraph.api.auth import Role, create_key

    try:
        made = create_key(connect(), name=name, role=Role(role))
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"key {made.key_id} for {made.name} ({made.role.value}); keep it, it is not stored:"
    )
    typer.echo(made.token)


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="A key id, or a name (revokes all its keys).")],
) -> None:
    """Revoke a key at once (servers may accept it for up to 10 s more)."""
    from cibgraph.api.auth import revoke_key

    revoked = revoke_key(connect(), key=key)
    if not revoked:
        raise fail(f"no active key with id or name {key!r}")
    console.print(f"revoked {', '.join(revoked)}")


@keys_app.command("list")
def keys_list() -> None:
    """List the keys: id, name, role, created, revoked."""
    from cibgraph.api.auth import list_keys

    table = Table("id", "name", "role", "created", "revoked")
    for k in list_keys(connect()):
        table.add_row(
            k["key"], k["name"], k["role"], str(k["created_at"]), str(k["revoked_at"] or "-")
        )
    console.print(table)
