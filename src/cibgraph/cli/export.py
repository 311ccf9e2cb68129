"""`cibgraph export`: write a network, a case or a neighbourhood to a file."""

# No `from __future__ import annotations`: `_keyed_command` builds commands whose parameter
# annotations typer must evaluate with values from a closure.
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from neo4j import Driver

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail

export_app = typer.Typer(help="Export a network, a case or a neighbourhood to a file.")
app.add_typer(export_app, name="export")

ExportFormatOption = Annotated[
    str, typer.Option("--format", "-f", help="csv, json, graphml, gexf, cypher, stix or coortweet.")
]
ExportOut = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]
TlpOption = Annotated[str, typer.Option("--tlp", help="STIX marking: clear, green, amber, red.")]
RedactOption = Annotated[
    bool, typer.Option("--redact", help="Hash ids, handles and names of small accounts.")
]
SaltOption = Annotated[str | None, typer.Option("--salt", help="Salt for --redact (8+ chars).")]
MinFollowers = Annotated[
    int, typer.Option("--min-followers", min=0, help="Accounts under this are redacted.")
]


def _export(
    select: Any, fmt: str, out: Path, tlp: str, redact: bool, salt: str | None, min_followers: int
) -> None:
    from cibgraph.export import TLP, ExportFormat, Redaction, write_export
    from cibgraph.export.select import SelectionNotFoundError

    try:
        fmt_ = ExportFormat(fmt)
        tlp_ = TLP(tlp)
        if redact and not salt:
            raise ValueError("--redact needs --salt")
        redaction = Redaction(salt=salt or "", min_followers=min_followers) if redact else None
        subgraph = select(connect(), redaction)
    except (ValueError, SelectionNotFoundError) as exc:
        raise fail(str(exc)) from None
    started = time.perf_counter()
    nodes, edges = write_export(subgraph, fmt_, out, tlp=tlp_)
    seconds = time.perf_counter() - started
    console.print(
        f"wrote {out} ({fmt_.value}): {nodes:,} nodes, {edges:,} edges in {seconds:.1f} s"
    )


def _keyed_command(
    name: str, key_help: str, doc: str, select: Callable[[Driver, str, Any], Any]
) -> None:
    """Register `export NAME KEY` for a selection that one key names (a network, a case)."""

    # Annotations are evaluated here, not postponed: typer reads `key_help` from this closure.
    def command(
        key: Annotated[str, typer.Argument(help=key_help)],
        fmt: ExportFormatOption,
        out: ExportOut,
        tlp: TlpOption = "amber",
        redact: RedactOption = False,
        salt: SaltOption = None,
        min_followers: MinFollowers = 5_000,
    ) -> None:
        _export(lambda d, r: select(d, key, r), fmt, out, tlp, redact, salt, min_followers)

    command.__doc__ = doc
    command.__name__ = f"export_{name}"
    export_app.command(name)(command)


def _network(driver: Driver, key: str, redaction: Any) -> Any:
    from cibgraph.export import select_network

    return select_network(driver, network=key, redaction=redaction)


def _case(driver: Driver, key: str, redaction: Any) -> Any:
    from cibgraph.export import select_case

    return select_case(driver, case=key, redaction=redaction)


_keyed_command(
    "network",
    "The Network key.",
    "A detected network, its pages and groups, and the IPs and URLs that tie it.",
    _network,
)
_keyed_command(
    "case",
    "The Case key.",
    "A case: what it is about, its notes, and the members of its networks.",
    _case,
)


@export_app.command("neighbourhood")
def export_neighbourhood(
    key: Annotated[str, typer.Argument(help="The seed's key.")],
    fmt: ExportFormatOption,
    out: ExportOut,
    depth: Annotated[int, typer.Option(min=1, max=3)] = 1,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    label: Annotated[str | None, typer.Option(help="The seed's label, if keys clash.")] = None,
    tlp: TlpOption = "amber",
    redact: RedactOption = False,
    salt: SaltOption = None,
    min_followers: MinFollowers = 5_000,
) -> None:
    """The nearest nodes within DEPTH hops of a seed, and the links between them."""
    from cibgraph.export import select_neighbourhood

    _export(
        lambda d, r: select_neighbourhood(
            d, key=key, label=label, depth=depth, limit=limit, redaction=r
        ),
        fmt, out, tlp, redact, salt, min_followers,
    )  # fmt: skip
