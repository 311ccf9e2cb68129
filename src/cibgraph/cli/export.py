"""`cibgraph export`: write a network, a case or a neighbourhood to a file."""

# No `from __future__ import annotations`: `_keyed_command` builds commands whose parameter
# annotations typer must evaluate with values from a closure.
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NamedTuple, TypeVar

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, err, fail

T = TypeVar("T")

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
NetworkAsOption = Annotated[
    str, typer.Option("--network-as", help="STIX: the network as a campaign or intrusion-set.")
]
ColourByOption = Annotated[
    str, typer.Option("--colour-by", "--color-by", help="GEXF node colour: label or network.")
]
SizeByOption = Annotated[
    str, typer.Option("--size-by", help="GEXF node size: degree or score (detection score).")
]


class _Options(NamedTuple):
    """How to write an export, as the options of every `export` command give it."""

    fmt: str
    out: Path
    tlp: str
    redact: bool
    salt: str | None
    min_followers: int
    network_as: str
    colour_by: str
    size_by: str


def _export(
    target: str,
    key: str,
    options: _Options,
    *,
    depth: int = 1,
    limit: int = 500,
    label: str | None = None,
) -> None:
    """Select and write one export through the service the API's export endpoint calls too."""
    from cibgraph.export import TLP, ColourBy, ExportFormat, NetworkAs, Redaction, SizeBy
    from cibgraph.export.select import SelectionNotFoundError
    from cibgraph.export.service import ExportRequest, ExportTarget, export_selection

    o, out = options, options.out
    try:
        if o.redact and not o.salt:
            raise ValueError("--redact needs --salt")
        request = ExportRequest(
            target=ExportTarget(target),
            key=key,
            format=_choice(ExportFormat, o.fmt, "--format"),
            tlp=_choice(TLP, o.tlp, "--tlp"),
            depth=depth,
            limit=limit,
            label=label,
            redaction=(
                Redaction(salt=o.salt or "", min_followers=o.min_followers) if o.redact else None
            ),
            network_as=_choice(NetworkAs, o.network_as, "--network-as"),
            colour_by=_choice(ColourBy, o.colour_by, "--colour-by"),
            size_by=_choice(SizeBy, o.size_by, "--size-by"),
        )
        done = _with_progress(lambda tick: export_selection(connect(), request, out, progress=tick))
    except (ValueError, SelectionNotFoundError) as exc:
        raise fail(str(exc)) from None
    console.print(
        f"wrote {out} ({request.format.value}): {done.nodes:,} nodes, {done.edges:,} edges "
        f"in {done.seconds:.1f} s"
    )


E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], value: str, flag: str) -> E:
    """`value` as one of `kind`'s members, or a ValueError naming the flag and the choices."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise ValueError(f"{flag} {value!r} is not one of: {choices}") from None


def _with_progress(run: Callable[[Callable[[str, int], None]], T]) -> T:
    """Run an export under a progress line on stderr (off a terminal, nothing is drawn)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("selecting", total=None)
        seen: dict[str, int] = {}

        def tick(what: str, count: int) -> None:
            seen[what] = count
            text = ", ".join(f"{v:,} {k}" for k, v in seen.items())
            bar.update(task, description=text.replace("selected", "nodes selected", 1))

        return run(tick)


def _keyed_command(name: str, key_help: str, doc: str) -> None:
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
        network_as: NetworkAsOption = "campaign",
        colour_by: ColourByOption = "label",
        size_by: SizeByOption = "degree",
    ) -> None:
        options = (fmt, out, tlp, redact, salt, min_followers, network_as, colour_by, size_by)
        _export(name, key, _Options(*options))

    command.__doc__ = doc
    command.__name__ = f"export_{name}"
    export_app.command(name)(command)


_keyed_command(
    "network",
    "The Network key.",
    "A detected network, its pages and groups, and the IPs and URLs that tie it.",
)
_keyed_command(
    "case",
    "The Case key.",
    "A case: what it is about, its notes, and the members of its networks.",
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
    network_as: NetworkAsOption = "campaign",
    colour_by: ColourByOption = "label",
    size_by: SizeByOption = "degree",
) -> None:
    """The nearest nodes within DEPTH hops of a seed, and the links between them."""
    options = (fmt, out, tlp, redact, salt, min_followers, network_as, colour_by, size_by)
    _export("neighbourhood", key, _Options(*options), depth=depth, limit=limit, label=label)
