"""The CLI's consoles and its one way of reporting a failed command: one line on stderr."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err = Console(stderr=True)


def print_error(message: str) -> None:
    """Print `error: message` on stderr as exactly one line, whatever the terminal width."""
    line = " ".join(message.split())  # a driver or file message may carry newlines
    # soft_wrap: rich inserts no line breaks (a long path must not wrap); escape: a message
    # such as "missing params ['key']" is text, not markup.
    err.print(f"[bold red]error:[/] {escape(line)}", soft_wrap=True, highlight=False)


def fail(message: str) -> typer.Exit:
    """Print the one-line error; the caller raises the returned exit (code 1)."""
    print_error(message)
    return typer.Exit(code=1)
