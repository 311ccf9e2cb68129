"""`python -m cibgraph.cli` runs the command line."""

from cibgraph.cli import app

app()
