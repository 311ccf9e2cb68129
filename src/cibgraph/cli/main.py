"""The root `cibgraph` typer app: global options; each command group registers itself on it."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cibgraph.cli.errors import CibgraphGroup

# Errors are one line from CibgraphGroup; a traceback is for `--verbose` only, and plain then.
app = typer.Typer(
    help="cibgraph: find and explain coordinated inauthentic networks in Neo4j.",
    cls=CibgraphGroup,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    # The driver logs each failed connection and retry (at ERROR); the command's one-line
    # error says what happened, so its log reaches the terminal only with --verbose.
    logging.getLogger("neo4j").setLevel(logging.WARNING if verbose else logging.CRITICAL)
