"""The machinery every loader shares: file opening, header checks, rejects, batching and provenance.

A loader is a `Loader` subclass with two methods: `parse` turns a file into `Accepted` rows (each
giving `Item`s to write) and `Reject`s, checking the header before yielding anything, and `write`
sends one batch of items to Neo4j in one transaction through named queries of `cypher/load/`.
`run_load` does the rest: it hashes the file, streams it in constant memory, writes rejects with
their line and reason, counts exact duplicate rows, shows progress, and records a `Source` node
with the counts.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import heapq
import io
import logging
import queue
import sys
import tempfile
import threading
import time
import zipfile
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, TextIO

from neo4j import Driver, ManagedTransaction

from cibgraph.neo4j.registry import NamedQuery, get_query
from cibgraph.neo4j.runner import QueryRunner, RowsLostError, prepare, run_in
from cibgraph.settings import get_settings

logger = logging.getLogger(__name__)

csv.field_size_limit(sys.maxsize)


class LoadError(ValueError):
    """A file that cannot be loaded at all (wrong header, unreadable archive): nothing written."""


@dataclass(frozen=True)
class Reject:
    """A row that could not be loaded, with where it is and why."""

    line: int
    field: str
    reason: str
    raw: str = ""


@dataclass(frozen=True)
class Item:
    """One thing to write, ready for a write query: `kind` selects the queries it goes to."""

    kind: str
    row: dict[str, Any]


@dataclass(frozen=True)
class Accepted:
    """A valid row of the file and the items it gives (an account, a share, a post ...).

    `identity` is the row's raw text when exact repeats of the row are to be counted as
    duplicates (`DuplicateCounter`); None for rows that are never compared.
    """

    line: int
    items: tuple[Item, ...]
    identity: str | None = None
    # Share events the row gives, as (object type, share identity), and the object types whose
    # cell was empty: `run_load` tallies them per type (`LoadReport.shares`).
    shares: tuple[tuple[str, str], ...] = ()
    empty: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skip:
    """A valid row that gives nothing to load (a post with no object in any column)."""

    line: int
    reason: str


Parsed = Accepted | Reject | Skip


@dataclass
class ShareTally:
    """Share events of one object type in a load: read, repeating an earlier one, empty cells.

    A repeat is a share of the same object by the same account in the same post at the same
    time as an earlier one (CooRTweet's `unique()` before detection); writing it is a no-op.
    """

    events: int = 0
    repeats: int = 0
    empty: int = 0


@dataclass
class LoadReport:
    """What a load did: the summary printed by the CLI and stored on the `Source` node."""

    path: Path
    loader: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    skipped: int = 0
    shares: dict[str, ShareTally] = field(default_factory=dict)
    rejects_path: Path | None = None
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def source_key(self) -> str:
        return f"sha256:{self.sha256}"

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


class RejectsFile:
    """A CSV of rejected rows (`file, line, field, reason, raw`), created on the first reject."""

    COLUMNS = ("file", "line", "field", "reason", "raw")

    def __init__(self, directory: Path, source: Path) -> None:
        self.path = directory / f"{source.name}.rejects.csv"
        self.source = source
        self.count = 0
        self._fh: TextIO | None = None
        self._writer: Any = None
        directory.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)  # a rerun reports its own rejects only

    def add(self, reject: Reject) -> None:
        if self._fh is None:
            self._fh = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(self.COLUMNS)
        self._writer.writerow(
            (str(self.source), reject.line, reject.field, reject.reason, reject.raw[:2000])
        )
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


class DuplicateCounter:
    """Counts the exact repeats among a file's rows in bounded memory.

    Each row is reduced to a 16-byte BLAKE2b digest; digests are sorted in runs of `run_rows`
    and spilled to temporary files, which `duplicates` merges. Memory stays at one run however
    long the file (a set of digests grew by ~70 MB per million rows, and a capped on-disk index
    slowed to ~6 µs a row once it outgrew its cache). At 16 bytes, two different rows sharing
    a digest is beyond any real file (~1e-23 for 1e8 rows).

    Repeats are only counted, never held back: writing one again is a no-op, as every write
    is an idempotent MERGE.
    """

    RECORD = 16

    def __init__(self, run_rows: int = 100_000) -> None:
        self._run_rows = run_rows
        self._buffer: list[bytes] = []
        self._runs: list[IO[bytes]] = []
        self.rows = 0

    def add(self, row: str) -> None:
        self._buffer.append(hashlib.blake2b(row.encode(), digest_size=self.RECORD).digest())
        self.rows += 1
        if len(self._buffer) >= self._run_rows:
            self._spill()

    def _spill(self) -> None:
        self._buffer.sort()
        run = tempfile.TemporaryFile()  # noqa: SIM115 - kept open until close()
        run.write(b"".join(self._buffer))
        run.seek(0)
        self._runs.append(run)
        self._buffer.clear()

    def _read(self, run: IO[bytes]) -> Iterator[bytes]:
        size = self.RECORD
        while block := run.read(size * 4_096):
            for i in range(0, len(block), size):
                yield block[i : i + size]

    def duplicates(self) -> int:
        """How many rows added so far repeat an earlier one."""
        self._spill()
        distinct, previous = 0, None
        for digest in heapq.merge(*(self._read(run) for run in self._runs)):
            if digest != previous:
                distinct += 1
                previous = digest
        for run in self._runs:
            run.seek(0)
        return self.rows - distinct

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs.clear()

    def __enter__(self) -> DuplicateCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """Open a plain, `.gz` or `.zip` (single data member) text file for streaming CSV reads."""
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".gz":
        try:
            with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
                yield fh
        except (gzip.BadGzipFile, EOFError) as exc:
            raise LoadError(f"{path}: not a readable gzip file ({exc})") from None
    elif suffix == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise LoadError(f"{path}: not a readable zip file ({exc})") from None
        with zf:
            members = [
                i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")
            ]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members) or "none"
                raise LoadError(f"{path}: expected one file inside the zip, found: {names}")
            with zf.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield fh


def data_name(path: Path) -> str:
    """The file's name without compression and format suffixes (`a_users.csv.gz` → `a_users`)."""
    name = path.name
    for suffix in (".gz", ".zip", ".csv", ".jsonl", ".json", ".tsv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def read_csv_rows(
    fh: TextIO, path: Path, *, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str] | Reject]]:
    """Yield `(line, row)` for each record, or `(line, Reject)` for a record of the wrong width.

    The header is checked before anything is yielded: a missing required column, or a column
    that is neither required nor optional, raises `LoadError` naming the expected columns.
    `line` is the physical line where the record starts (records may span lines).
    """
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError(
            f"{path}: the file is empty; expected columns: {', '.join(required)}"
        ) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: cannot read the header as UTF-8 CSV ({exc})") from None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    if missing or unknown or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unexpected {', '.join(unknown)}")
        if len(set(header)) != len(header):
            problems.append("repeated column names")
        raise LoadError(
            f"{path}: wrong header ({'; '.join(problems)}); expected columns: "
            f"{', '.join(required)}" + (f" (optional: {', '.join(optional)})" if optional else "")
        )
    width = len(header)
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, Reject(line, "", f"unreadable CSV record: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not record:
            continue  # a blank line
        if len(record) != width:
            raw = ",".join(record)
            yield start, Reject(start, "", f"{len(record)} fields, expected {width}", raw)
            continue
        yield start, dict(zip(header, record, strict=True))


def parse_utc(text: str) -> datetime:
    """Parse an ISO date/time or epoch seconds as an aware UTC datetime (naive means UTC)."""
    t = text.strip()
    if not t:
        raise ValueError("empty timestamp")
    if t.lstrip("-").replace(".", "", 1).isdigit():
        return datetime.fromtimestamp(float(t), tz=UTC)
    dt = datetime.fromisoformat(t)  # Python 3.11 reads a trailing Z as UTC
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt if dt.tzinfo is UTC else dt.astimezone(UTC)


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the epoch: how loaders send times (`datetime({epochMillis: ...})`).

    The driver packs an integer more than ten times faster than a datetime, which dominated
    load time when rows carried datetimes.
    """
    return int(dt.timestamp() * 1000)


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
        function per kind, so their items in order identify them.
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
                of_kind.setdefault(tuple(row.items()), row)
        for kind, names in self.queries.items():
            unique = by_kind.get(kind)
            if not unique:
                continue
            rows = list(unique.values())
            for name in names:
                # Queries that MATCH nodes written earlier count the rows that got through: the
                # runner fails the batch when a row found no node, so no row ever vanishes.
                run_in(tx, prepare(self.query(kind, name), {"rows": rows, **params}))


Progress = Callable[[int], None]


class _Writer:
    """One background thread writing its queue's batches in order, one transaction each."""

    def __init__(self, owner: _BatchWriter, name: str) -> None:
        self.queue: queue.Queue[tuple[list[Item], list[threading.Event], threading.Event] | None]
        self.queue = queue.Queue(maxsize=2)
        self._owner = owner
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        owner = self._owner
        with QueryRunner(owner.driver, database=owner.database).session() as session:
            while (job := self.queue.get()) is not None:
                items, after, done = job
                for event in after:  # the batch's nodes, written by the node writers
                    event.wait()
                if items and owner.error is None:
                    try:
                        session.execute_write(owner.loader.write, items, owner.params)
                    except RowsLostError as exc:
                        owner.error = LoadError(str(exc))
                    except BaseException as exc:  # handed to the caller's thread
                        owner.error = exc
                done.set()


class _BatchWriter:
    """Writes batches in the background while the caller parses the next one.

    A batch's node items (`Loader.node_kinds`) go to two node writers, split by key; the rest
    goes to the link writer, which starts on a batch once its nodes are committed. So batch
    i+1's nodes are written while batch i's relationships are, and parsing overlaps both. An
    endpoint (`Loader.endpoint_kinds`) whose key went out lately is not sent again. Each writer
    writes its share of each batch in order, one managed (retried) transaction each; the first
    error stops the load and is raised by `submit` or `close`.
    """

    NODE_WRITERS = 2
    RECENT_KEYS = 100_000  # endpoint keys remembered, so memory stays bounded
    # A writer whose answer came back waits for the parsing thread to hand over the GIL; at
    # 1 ms instead of Python's 5 ms, loads ran 12-13% faster (bench/load_bench.py).
    SWITCH_INTERVAL = 0.001

    def __init__(
        self, driver: Driver, loader: Loader, params: dict[str, Any], database: str
    ) -> None:
        self.driver, self.loader, self.params, self.database = driver, loader, params, database
        self.error: BaseException | None = None
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, self.SWITCH_INTERVAL))
        self._nodes = (
            [_Writer(self, f"cibgraph-nodes-{i}") for i in range(self.NODE_WRITERS)]
            if loader.node_kinds
            else []
        )
        self._links = _Writer(self, "cibgraph-links")
        self._recent: OrderedDict[str, None] = OrderedDict()

    def _sent_recently(self, key: str) -> bool:
        """Whether an endpoint with `key` went to a node writer lately; remembers it now."""
        recent = self._recent
        if key in recent:
            recent.move_to_end(key)
            return True
        recent[key] = None
        if len(recent) > self.RECENT_KEYS:
            recent.popitem(last=False)
        return False

    def submit(self, batch: list[Item]) -> None:
        if self.error is not None:
            raise self.error
        parts: list[list[Item]] = [[] for _ in self._nodes]
        links: list[Item] = []
        node_kinds, endpoint_kinds = self.loader.node_kinds, self.loader.endpoint_kinds
        for item in batch:
            if item.kind in node_kinds:
                key = item.row["key"]
                # An endpoint sent with an earlier batch is committed before this batch's
                # relationships are written: they wait for every node writer's job of this
                # batch, and each node writer works through its jobs in order.
                if item.kind in endpoint_kinds and self._sent_recently(f"{item.kind}\x1f{key}"):
                    continue
                parts[hash(key) % len(parts)].append(item)
            else:
                links.append(item)
        # Every node writer gets a job, empty or not, so that the batch's relationships wait
        # for every node any batch so far sent, skipped endpoints included.
        written: list[threading.Event] = []
        for writer, part in zip(self._nodes, parts, strict=True):
            written.append(threading.Event())
            writer.queue.put((part, [], written[-1]))
        if links:
            self._links.queue.put((links, written, threading.Event()))

    def close(self) -> None:
        for writer in (*self._nodes, self._links):
            writer.queue.put(None)
        for writer in (*self._nodes, self._links):
            writer.thread.join()
        sys.setswitchinterval(self._switch_interval)
        if self.error is not None:
            raise self.error


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
) -> LoadReport:
    """Load one file with `loader`; return what was read, loaded, rejected and duplicated.

    Items are written in batches, each one managed (retried) transaction of idempotent MERGEs,
    so a load interrupted midway ends with the same graph when simply run again.
    """
    if not dry_run and driver is None:
        raise ValueError("a driver is required unless dry_run")
    t0 = time.perf_counter()
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    report = LoadReport(path=path, loader=loader.name, sha256=file_sha256(path), dry_run=dry_run)
    now = datetime.now(UTC)
    params: dict[str, Any] = {"source": report.source_key, "now": now}
    rejects = RejectsFile(rejects_dir, path)
    db = database or get_settings().neo4j_database
    writer = None if dry_run or driver is None else _BatchWriter(driver, loader, params, db)
    batch: list[Item] = []

    def flush() -> None:
        if batch and writer is not None:
            writer.submit(list(batch))
        batch.clear()

    rows_in_batch = accepted = 0
    repeats = DuplicateCounter()
    share_repeats: dict[str, DuplicateCounter] = {}
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
    report.rows_loaded = accepted - report.duplicates
    report.rows_rejected = rejects.count
    report.rejects_path = rejects.path if rejects.count else None
    report.seconds = time.perf_counter() - t0
    if progress is not None:
        progress(report.rows_read)
    if not dry_run:
        assert driver is not None
        _record_source(driver, report, now, db)
    return report


def _record_source(driver: Driver, report: LoadReport, now: datetime, database: str) -> None:
    QueryRunner(driver, database=database).write(
        "load/source",
        {
            "key": report.source_key,
            "props": {
                "name": report.path.name,
                "path": str(report.path),
                "sha256": report.sha256,
                "loader": report.loader,
                "loaded_at": now,
                "rows_read": report.rows_read,
                "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected,
                "duplicates": report.duplicates,
                "rows_skipped": report.skipped,
                # Per object type: share events read, and how many repeated an earlier one.
                "share_types": sorted(report.shares),
                "share_events": [report.shares[t].events for t in sorted(report.shares)],
                "share_repeats": [report.shares[t].repeats for t in sorted(report.shares)],
            },
        },
    )
