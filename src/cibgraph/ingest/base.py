"""What a loader is, and `run_load`, which takes one file from parsing to writing and its report.

A loader is a `Loader` subclass with two methods: `parse` turns a file into `Accepted` rows (each
giving `Item`s to write) and `Reject`s, checking the header before yielding anything, and `write`
sends one batch of items to Neo4j in one transaction through named queries of `cypher/load/`.
`run_load` does the rest with the modules beside this one: it checks and hashes the file
(`files`), streams it in constant memory, writes rejects with their line and reason
(`rejects`), counts exact duplicate rows (`duplicates`), writes batches in the background
(`writing`), shows progress, and records a `Source` node with the counts (`report`).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from neo4j import Driver, ManagedTransaction

from cibgraph.ingest.duplicates import DuplicateCounter
from cibgraph.ingest.files import check_file, data_name, file_sha256, open_text, read_csv_rows
from cibgraph.ingest.rejects import RejectsFile
from cibgraph.ingest.report import LoadReport, ShareTally, record_source
from cibgraph.ingest.rows import Accepted, Item, LoadError, Parsed, Reject, Skip
from cibgraph.ingest.values import epoch_ms, parse_utc
from cibgraph.ingest.writing import BatchWriter, switch_interval
from cibgraph.neo4j.registry import NamedQuery, get_query
from cibgraph.neo4j.runner import prepare, run_in
from cibgraph.settings import get_settings
from cibgraph.sharelog import ShareLog

# Besides its own names, re-exported for loaders that import everything from here (new code
# imports files, values, rows and report directly).
__all__ = [
    "Accepted",
    "Item",
    "LoadError",
    "LoadReport",
    "Loader",
    "Parsed",
    "Progress",
    "Reject",
    "ShareTally",
    "Skip",
    "data_name",
    "epoch_ms",
    "file_sha256",
    "open_text",
    "parse_utc",
    "read_csv_rows",
    "run_load",
]


class Loader(ABC):
    """One kind of source file. Subclasses name their write queries per item kind.

    Item kinds listed in `node_kinds` are nodes keyed by `row["key"]` whose queries touch no
    relationship. `run_load` writes them before the rest of their batch, on two writers that
    split them by key (no node is ever written by both), while the batch before is still
    writing its relationships; on two cores this keeps Neo4j busy on both. That overlap is safe
    only because node queries never write a node an earlier batch of the same load wrote when
    the file also gives relationships: `load/endpoints` leaves nodes already stamped with this
    load's `$now` alone. Every other kind is written in file order by one writer.
    """

    name: ClassVar[str]
    # item kind → named queries (in `cypher/`) run in order, in one transaction per batch.
    queries: ClassVar[dict[str, tuple[str, ...]]]
    node_kinds: ClassVar[frozenset[str]] = frozenset()
    # Node kinds whose rows only make sure a node exists (written once per load): a row whose
    # key was sent recently in the same load is not sent again.
    endpoint_kinds: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def parse(self, path: Path) -> Iterator[Parsed]:
        """Yield one result per row; raise `LoadError` before yielding anything on a bad file."""

    def query(self, kind: str, name: str) -> NamedQuery:
        """The named query `name` for items of `kind`; loaders with label slots bind them here."""
        return get_query(name)

    def write(self, tx: ManagedTransaction, items: Sequence[Item], params: dict[str, Any]) -> None:
        """Write one batch: for each item kind in `queries` order, its queries over its rows.

        Rows repeated within a batch (the same account in many shares) are written once. A node
        row is compared with the first row of its key; a different row for the same node is
        written after it, as row-by-row writes would. Other rows are flat maps built by one
        function per kind, so their items in order identify them (nested maps and lists, such
        as a post's properties, by their frozen items).
        """
        by_kind: dict[str, dict[Any, dict[str, Any]]] = {}
        for item in items:
            row = item.row
            of_kind = by_kind.setdefault(item.kind, {})
            if item.kind in self.node_kinds:
                first = of_kind.setdefault(row["key"], row)
                if first is not row and first != row:
                    of_kind[(row["key"], len(of_kind))] = row
            else:
                try:
                    of_kind.setdefault(tuple(row.items()), row)
                except TypeError:  # a row holding a map or a list (a post's props)
                    of_kind.setdefault(_frozen(row), row)
        for kind, names in self.queries.items():
            unique = by_kind.get(kind)
            if not unique:
                continue
            rows = list(unique.values())
            for name in names:
                # Queries that MATCH nodes written earlier count the rows that got through: the
                # runner fails the batch when a row found no node, so no row ever vanishes.
                run_in(tx, prepare(self.query(kind, name), {"rows": rows, **params}))


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a row of nested maps and lists, equal when the rows are."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return (list, *(_frozen(v) for v in value))
    return value


Progress = Callable[[int], None]


class ItemSink(Protocol):
    """Where `run_load` sends its batches instead of Neo4j's transactions (cibgraph.ingest.bulk):
    `finish` runs once the whole file was read without error, before the Source is recorded."""

    def submit(self, items: list[Item]) -> None: ...
    def close(self) -> None: ...
    def finish(self) -> None: ...


def run_load(
    loader: Loader,
    path: Path,
    *,
    driver: Driver | None,
    rejects_dir: Path,
    batch_size: int = 10_000,
    dry_run: bool = False,
    database: str | None = None,
    progress: Progress | None = None,
    switch_seconds: float | None = None,
    sink: Callable[[dict[str, Any]], ItemSink] | None = None,
) -> LoadReport:
    """Load one file with `loader`; return what was read, loaded, rejected and duplicated.

    Items are written in batches, each one managed (retried) transaction of idempotent MERGEs,
    so a load interrupted midway ends with the same graph when simply run again.
    `switch_seconds` (`writing.LOAD_SWITCH_INTERVAL`) lowers Python's process-wide thread
    switch interval while the load runs, for processes that do nothing else. `sink` makes the
    writer from the load's parameters (source, now) instead of the transactional one.
    """
    if not dry_run and driver is None:
        raise ValueError("a driver is required unless dry_run")
    t0 = time.perf_counter()
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    # Read all of it once before anything is written: a bad byte or a broken container stops
    # the file here, with its line, not after the first batches were committed.
    checked = check_file(path)
    report = LoadReport(path=path, loader=loader.name, sha256=checked.sha256, dry_run=dry_run)
    now = datetime.now(UTC)
    params: dict[str, Any] = {"source": report.source_key, "now": now}
    rejects = RejectsFile(rejects_dir, path)
    db = database or get_settings().neo4j_database
    bulk = None if sink is None or dry_run else sink(params)
    writer: BatchWriter | ItemSink | None = bulk
    if bulk is None and not dry_run and driver is not None:
        writer = BatchWriter(driver, loader, params, db)
    # The load's share events also go to the share log, visible once the load succeeded.
    sharelog = None if writer is None else ShareLog.for_database(db).writer(report.source_key)
    batch: list[Item] = []

    def flush() -> None:
        if batch and writer is not None:
            writer.submit(list(batch))
            if sharelog is not None:
                sharelog.add(loader, batch)
        batch.clear()

    rows_in_batch = accepted = 0
    repeats = DuplicateCounter()
    share_repeats: dict[str, DuplicateCounter] = {}
    with switch_interval(None if writer is None else switch_seconds):
        try:
            for parsed in loader.parse(path):
                report.rows_read += 1
                if isinstance(parsed, Accepted):
                    accepted += 1
                    if parsed.identity is not None:
                        repeats.add(parsed.identity)
                    for object_type, identity in parsed.shares:
                        counter = share_repeats.get(object_type)
                        if counter is None:
                            counter = share_repeats[object_type] = DuplicateCounter()
                        counter.add(identity)
                    for object_type in parsed.empty:
                        report.shares.setdefault(object_type, ShareTally()).empty += 1
                    batch.extend(parsed.items)
                    rows_in_batch += 1
                    if rows_in_batch >= batch_size:
                        flush()
                        rows_in_batch = 0
                elif isinstance(parsed, Skip):
                    report.skipped += 1
                else:
                    rejects.add(parsed)
                if progress is not None and report.rows_read % 1000 == 0:
                    progress(report.rows_read)
            flush()
            report.duplicates = repeats.duplicates()
            for object_type, counter in share_repeats.items():
                tally = report.shares.setdefault(object_type, ShareTally())
                tally.events, tally.repeats = counter.rows, counter.duplicates()
        finally:
            repeats.close()
            for counter in share_repeats.values():
                counter.close()
            rejects.close()
            if writer is not None:
                writer.close()
    if bulk is not None:
        try:
            bulk.finish()
        except BaseException:
            if sharelog is not None:
                sharelog.abort()
            raise
    if sharelog is not None:
        sharelog.commit()
    report.rows_loaded = accepted - report.duplicates
    report.rows_rejected = rejects.count
    report.rejects_path = rejects.path if rejects.count else None
    report.seconds = time.perf_counter() - t0
    if progress is not None:
        progress(report.rows_read)
    if not dry_run:
        assert driver is not None
        record_source(driver, report, now, db)
    return report
