"""The CLI's consoles and its one way of reporting a failed command."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    # soft_wrap: an error stays one line whatever the terminal width (a path may be long).
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code=1)
