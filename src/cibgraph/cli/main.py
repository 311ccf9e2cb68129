"""The root `cibgraph` typer app: global options; each command group registers itself on it."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

app = typer.Typer(help="cibgraph: find and explain coordinated inauthentic networks in Neo4j.")


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
