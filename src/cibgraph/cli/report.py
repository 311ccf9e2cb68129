"""`cibgraph report`: a self-contained HTML report of a network, to attach to a takedown memo."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail

report_app = typer.Typer(help="Visual reports: one HTML file that opens offline.")
app.add_typer(report_app, name="report")


@report_app.command("network")
def report_network(
    key: Annotated[str, typer.Argument(help="The Network key.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")],
    tlp: Annotated[str, typer.Option("--tlp", help="Marking: clear, green, amber, red.")] = "amber",
) -> None:
    """The network's picture, activity timeline, account creation, evidence, pages and groups,
    and provenance, in one HTML file with no outside resources."""
    from cibgraph.export import TLP
    from cibgraph.export.select import SelectionNotFoundError
    from cibgraph.report import build_network_report, write_html

    started = time.perf_counter()
    try:
        marking = TLP(tlp)
        report = build_network_report(connect(), network=key)
    except (ValueError, SelectionNotFoundError) as exc:
        raise fail(str(exc)) from None
    size = write_html(report, out, tlp=marking.value)
    console.print(
        f"wrote {out}: {len(report.accounts):,} accounts, {len(report.entities):,} pages and "
        f"groups, {len(report.ties):,} links ({size / 1024:,.0f} KiB) in "
        f"{time.perf_counter() - started:.1f} s",
        soft_wrap=True,
    )
