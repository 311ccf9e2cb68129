"""The `cibgraph` command line: the local Neo4j, the schema, the query library, the API."""

from __future__ import annotations

# Importing each command group registers it on the root app, in the order `--help` lists them.
# isort: off
from cibgraph.cli import (  # noqa: F401
    schema,
    serve,
    neo4j,
    query,
    load,
    demo,
    detect,
    log,
    traverse,
    keys,
    export,
    report,
    browser,
)

# isort: on
from cibgraph.cli.main import app

__all__ = ["app"]
