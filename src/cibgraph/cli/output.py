"""The CLI's consoles and its one way of reporting a failed command: one line on stderr."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

# soft_wrap: a message line (a path, a key, an error) is never broken to fit the terminal, so it
# can be copied and matched whole; tables still fit themselves to the width.
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def print_error(message: str) -> None:
    """Print `error: message` on stderr as exactly one line, whatever the terminal width."""
    line = " ".join(message.split())  # a driver or file message may carry newlines
    # escape: a message such as "missing params ['key']" is text, not markup.
    err.print(f"[bold red]error:[/] {escape(line)}", highlight=False)


def fail(message: str) -> typer.Exit:
    """Print the one-line error; the caller raises the returned exit (code 1)."""
    print_error(message)
    return typer.Exit(code=1)
