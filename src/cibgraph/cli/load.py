"""`cibgraph load`: load source files into Neo4j with progress, a summary and an exit code."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, err, fail
from cibgraph.ingest.base import Loader, LoadError, LoadReport, run_load
from cibgraph.ingest.bulk import bulk_load
from cibgraph.ingest.bundle import BundleLoader, bundle_files
from cibgraph.ingest.coortweet import CooRTweetLoader
from cibgraph.ingest.crowdtangle import CrowdTangleLoader
from cibgraph.ingest.qut import QutLoader
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.ingest.table import TableLoader
from cibgraph.ingest.telegram import TelegramLoader
from cibgraph.ingest.twarc import TwarcLoader
from cibgraph.ingest.twitter_io import TwitterIOLoader
from cibgraph.ingest.writing import LOAD_SWITCH_INTERVAL

load_app = typer.Typer(help="Load source files into Neo4j (validated, idempotent, batched).")
app.add_typer(load_app, name="load")

EXIT_REJECTS = 2  # the load finished, but some rows went to a rejects file

DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]
RejectsDir = Annotated[
    Path, typer.Option("--rejects-dir", help="Where rejected rows are written, one CSV per file.")
]
# 10,000 rows per transaction loaded fastest: 2,500, 5,000 and 20,000 were 7-18% slower on
# 300k share events (bench/load_bench.py's workload, 2 cores).
BatchSize = Annotated[int, typer.Option("--batch-size", min=1, help="Rows per transaction.")]
Paths = Annotated[list[Path], typer.Argument(help="Files to load (plain, .gz or .zip).")]


def run_loads(
    loader: Loader,
    paths: list[Path],
    *,
    dry_run: bool,
    rejects_dir: Path,
    batch_size: int,
    bulk: bool = False,
) -> list[LoadReport]:
    """Load each file with a progress bar, print a summary table, and set the exit code."""
    if bulk and (dry_run or len(paths) != 1):
        raise fail("--bulk loads one file into an empty database, and writes it (no --dry-run)")
    driver = None if dry_run else connect()
    reports: list[LoadReport] = []
    for path in paths:
        with Progress(
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.completed:,} rows"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,  # off a terminal a bar is noise (and a blank line)
        ) as bar:
            task = bar.add_task(path.name, rate="", total=None)
            started = time.perf_counter()

            def tick(rows: int, task: TaskID = task, started: float = started) -> None:
                rate = rows / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=rows, rate=f"{rate:,.0f} rows/s")

            try:
                if bulk and driver is not None:  # one file: checked above
                    reports.append(
                        bulk_load(
                            loader, path, driver=driver, rejects_dir=rejects_dir, progress=tick
                        )
                    )
                    continue
                reports.append(
                    run_load(
                        loader,
                        path,
                        driver=driver,
                        rejects_dir=rejects_dir,
                        batch_size=batch_size,
                        dry_run=dry_run,
                        progress=tick,
                        switch_seconds=LOAD_SWITCH_INTERVAL,  # a process that only loads
                    )
                )
            except LoadError as exc:
                # the files loaded before this one keep their summary: print it, then the error
                if reports:
                    _print_summary(reports)
                later = len(paths) - len(reports) - 1
                note = f" ({later} later file(s) not loaded)" if later else ""
                raise fail(f"{exc}{note}") from None
    _print_summary(reports)
    if dry_run:
        console.print("dry run: nothing was written")
    if any(r.rows_rejected for r in reports):
        raise typer.Exit(code=EXIT_REJECTS)
    return reports


def _print_summary(reports: list[LoadReport]) -> None:
    """The table of what each file read, loaded, rejected; and the share events per kind."""
    table = Table("file", "read", "loaded", "rejected", "duplicates", "rows/s", "rejects")
    skipping = any(r.skipped for r in reports)
    if skipping:
        table.add_column("skipped")
    for r in reports:
        table.add_row(
            r.path.name,
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_rejected:,}",
            f"{r.duplicates:,}",
            f"{r.rows_per_second:,.0f}",
            str(r.rejects_path or "-"),
            *((f"{r.skipped:,}",) if skipping else ()),
        )
    console.print(table)
    if any(r.shares for r in reports):
        shares = Table("file", "share events of", "read", "repeats", "empty cells")
        for r in reports:
            for kind, tally in sorted(r.shares.items()):
                shares.add_row(
                    r.path.name, kind, f"{tally.events:,}", f"{tally.repeats:,}", f"{tally.empty:,}"
                )
        console.print(shares)


@load_app.command("share-events")
def load_share_events(
    paths: Paths,
    platform: Annotated[str, typer.Option(help="Platform of the accounts and posts.")] = "twitter",
    object_type: Annotated[
        ObjectType, typer.Option(help="What object_id names.", case_sensitive=False)
    ] = ObjectType.POST,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Into an empty local database with neo4j-admin import (Neo4j is stopped, "
            "imported into and restarted): posts, hashtags, media and domains.",
        ),
    ] = False,
) -> None:
    """Share events: object_id, account_id, content_id, timestamp_share (CooRTweet's shape)."""
    loader = ShareEventsLoader(platform=platform, object_type=object_type)
    run_loads(
        loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size, bulk=bulk
    )


@load_app.command("coortweet")
def load_coortweet(
    paths: Paths,
    platform: Annotated[str, typer.Option(help="Platform of the accounts and posts.")] = "twitter",
    object_type: Annotated[
        ObjectType,
        typer.Option(help="What object_id names (four-column layout only).", case_sensitive=False),
    ] = ObjectType.POST,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """CooRTweet files: account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp
    (each object column its own object type), or object_id, account_id, content_id,
    timestamp_share."""
    try:
        loader = CooRTweetLoader(platform=platform, object_type=object_type)
    except ValueError as exc:
        raise fail(str(exc)) from None
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("qut")
def load_qut(
    paths: Paths,
    platform: Annotated[str, typer.Option(help="Platform of the accounts and posts.")] = "twitter",
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """coordination-network-toolkit CSV: message_id, user_id, username, repost_id, reply_id,
    message, timestamp, urls (reposts, replies, links and hashtags as share events)."""
    try:
        loader = QutLoader(platform=platform)
    except ValueError as exc:
        raise fail(str(exc)) from None
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("table")
def load_table(
    paths: Paths,
    account: Annotated[str, typer.Option("--account", help="Column of the sharing account's id.")],
    object_column: Annotated[str, typer.Option("--object", help="Column of the shared object.")],
    time: Annotated[str, typer.Option("--time", help="Column of the share's time.")],
    object_type: Annotated[
        ObjectType, typer.Option(help="What the object column holds.", case_sensitive=False)
    ] = ObjectType.URL,
    time_format: Annotated[
        str | None,
        typer.Option(
            help="epoch, epoch_ms, iso or a strptime pattern like '%Y-%m-%d %H:%M:%S' "
            "(default: epoch seconds or ISO 8601)."
        ),
    ] = None,
    content: Annotated[
        str | None, typer.Option(help="Column of the sharing post's id (default: a digest).")
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="Column of the post's text (needs --content).")
    ] = None,
    platform: Annotated[str, typer.Option(help="Platform of the accounts and posts.")] = "twitter",
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Any CSV of share events, by naming its account, object and time columns."""
    try:
        loader = TableLoader(
            account=account,
            object_column=object_column,
            object_type=object_type,
            time=time,
            time_format=time_format,
            content=content,
            text=text,
            platform=platform,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("twarc")
def load_twarc(
    paths: Paths,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Twitter API v2 JSON lines (twarc2): response pages or flattened tweets, one per line."""
    run_loads(TwarcLoader(), paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("telegram")
def load_telegram(
    paths: Paths,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Telegram Desktop JSON exports (result.json): messages, forwards, links, hashtags."""
    run_loads(
        TelegramLoader(), paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size
    )


@load_app.command("crowdtangle")
def load_crowdtangle(
    paths: Paths,
    platform: Annotated[
        str | None,
        typer.Option(help="Platform (default: facebook; instagram for an Account export)."),
    ] = None,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """CrowdTangle CSV exports (Facebook pages or groups, Instagram accounts) and Meta Content
    Library CSV exports (id, creation_time, surface.*, link_attachment.link)."""
    try:
        loader = CrowdTangleLoader(platform=platform)
    except ValueError as exc:
        raise fail(str(exc)) from None
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("twitter-io")
def load_twitter_io(
    paths: Paths,
    campaign: Annotated[
        str | None,
        typer.Option(help="Campaign label for every file (default: the file-name prefix)."),
    ] = None,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Twitter/X information-operation archives: users and tweets files (told by their header)."""
    try:
        loader = TwitterIOLoader(campaign=campaign)
        for path in paths:  # every file must name its campaign before any is loaded
            loader.campaign_for(path)
    except LoadError as exc:
        raise fail(str(exc)) from None
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("bundle")
def load_bundle(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Bundle folders, or files named <kind>.csv|.jsonl[.gz]."),
    ],
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Our investigation bundle (docs/bundle.md): entities first, then the links between them."""
    try:
        files = bundle_files(paths)
    except LoadError as exc:
        raise fail(str(exc)) from None
    run_loads(
        BundleLoader(), files, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size
    )
