"""`cibgraph log` (the share log detection reads) and `cibgraph detect export` (a run's edges)."""

from __future__ import annotations

import csv
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO

import typer

from cibgraph.cli.detect import detect_app
from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail
from cibgraph.detection.coordination import (
    coordination_groups,
    read_edges,
    run_edges_file,
    run_params,
)
from cibgraph.neo4j.driver import get_driver
from cibgraph.sharelog import ShareLog

log_app = typer.Typer(help="The share log: every share event as Parquet, for detection.")
app.add_typer(log_app, name="log")


@log_app.command("rebuild")
def rebuild() -> None:
    """Rebuild the share log from the graph's share events (the graph is the record)."""
    log = ShareLog.for_database()
    started = time.perf_counter()
    events = log.rebuild(get_driver())
    console.print(
        f"{events:,} share events in {log.root} ({time.perf_counter() - started:.1f} s)",
        highlight=False,
    )


@log_app.command("status")
def status() -> None:
    """Where the share log is, what it holds, and whether it matches the graph (rebuilt if not)."""
    log = ShareLog.for_database()
    report = log.sync(get_driver())
    console.print(f"share log {log.root}", highlight=False)
    console.print(f"  share events  {report.events:,}", highlight=False)
    console.print(f"  sources       {len(log.sources()):,}", highlight=False)
    if report.dropped_sources or report.rebuilt:
        console.print(
            f"  synced        {len(report.dropped_sources)} sources dropped"
            + (", rebuilt from the graph" if report.rebuilt else ""),
            highlight=False,
        )


#: CooRTweet's edge columns, `from` and `to` being the accounts' own ids.
EXPORT_COLUMNS = (
    "from",
    "to",
    "weight",
    "avg_time_delta",
    "n_content_id",
    "n_content_id_y",
    "edge_symmetry_score",
    "weight_threshold",
)


#: The formats of a run's export: CooRTweet's network edge list, and its coordinated groups.
EXPORT_FORMATS = ("csv", "groups")
#: detect_groups' columns (with both shares' times, as CooRTweet's tables carry them), and the
#: object's type: a per-type run binds several types, whose ids may coincide.
GROUP_COLUMNS = (
    "object_id",
    "account_id",
    "account_id_y",
    "content_id",
    "content_id_y",
    "timestamp_share",
    "timestamp_share_y",
    "time_delta",
    "object_type",
)


@detect_app.command("export")
def export_run(
    run: str = typer.Argument(..., help="The coordination run's key."),
    output: Path | None = typer.Option(None, "--output", "-o", help="CSV file (default stdout)."),
    min_weight: int = typer.Option(1, "--min-weight", help="Only edges of at least this weight."),
    format: str = typer.Option(
        "csv",
        "--format",
        "-f",
        help="csv: CooRTweet's network columns (generate_coordinated_network's edge list); "
        "groups: the coordinated pairs of shares behind it (detect_groups' rows), recomputed "
        "with the run's parameters and scope over the share log as it is now.",
    ),
) -> None:
    """Every edge of a coordination run, from the share log, as CooRTweet's edge list (CSV):
    the edges lighter than the run's write weight too, which the graph does not hold."""
    if format not in EXPORT_FORMATS:
        raise fail(f"unknown format {format!r}; known: {', '.join(EXPORT_FORMATS)}")
    if format == "groups":
        _export_groups(run, output)
        return
    path = run_edges_file(run)
    if not path.is_file():
        raise fail(f"no edge file for run {run!r} in {path.parent} (written with each run)")
    target: AbstractContextManager[IO[str]] = (
        output.open("w", newline="", encoding="utf-8") if output else nullcontext(sys.stdout)
    )
    with target as fh:
        w = csv.writer(fh)
        w.writerow(EXPORT_COLUMNS)
        n = 0
        for e in read_edges(path):
            if e.weight >= min_weight:
                w.writerow((e.account.partition(":")[2], e.other.partition(":")[2], *e[2:]))
                n += 1
    if output is not None:
        console.print(f"{n:,} edges of {run} in {output}", highlight=False)


def _native(key: str, object_type: str | None = None) -> str:
    """An account's (or a post object's) own id: its key without the platform."""
    if object_type in (None, "Post", "Account"):
        return key.partition(":")[2]
    return key


def _seconds(ms: int) -> int | float:
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def _export_groups(run: str, output: Path | None) -> None:
    driver = get_driver()
    try:
        params = run_params(driver, run)
        if params is None:
            raise fail(f"no coordination run {run!r} in the graph")
        target: AbstractContextManager[IO[str]] = (
            output.open("w", newline="", encoding="utf-8") if output else nullcontext(sys.stdout)
        )
        n = 0
        with target as fh:
            w = csv.writer(fh)
            w.writerow(GROUP_COLUMNS)
            for otype, obj, a1, a2, c1, c2, t1, t2, d in coordination_groups(driver, params):
                w.writerow(
                    (_native(obj, otype), _native(a1), _native(a2), c1, c2, _seconds(t1),
                     _seconds(t2), _seconds(d), otype)
                )  # fmt: skip
                n += 1
    except ValueError as exc:
        raise fail(str(exc)) from None
    if output is not None:
        console.print(f"{n:,} coordinated pairs of {run} in {output}", highlight=False)
