"""The share log: every share event in the graph, also kept as partitioned Parquet for detection.

Detection reads share events here, never back through Neo4j. The log lives in the instance's
folder (`<cibgraph_home>/instances/<instance>/sharelog/<database>/`) and is derived from the
graph, which stays the system of record:

    events/month=YYYY-MM/<source key, URL-quoted>.parquet    one file per loaded file and month

Each row is one share event as a loader wrote it: `account`, `actor_type` (Account, Page,
Group), `object` (the object's key), `object_type` (its label), `content_id`, `at_ms` (epoch
ms), `via` (retweet, reply ... or null) and `source` (the Source key). A load writes its rows to
a temporary folder and moves each month's file into place only once the graph write succeeded,
replacing that source's earlier files: a reload adds nothing, and an interrupted load leaves no
partial file. `ShareLog.sync` keeps the log honest: files of sources the graph no longer holds
are dropped, and when the log's distinct events are not the graph's SHARED edges (shares
written some other way, a load cut short) the log is rebuilt from the graph.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import uuid
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from neo4j import Driver

from cibgraph.neo4j.runner import QueryRunner
from cibgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)

SCHEMA = pa.schema(
    [
        ("account", pa.string()),
        ("actor_type", pa.string()),
        ("object", pa.string()),
        ("object_type", pa.string()),
        ("content_id", pa.string()),
        ("at_ms", pa.int64()),
        ("via", pa.string()),
        ("source", pa.string()),
    ]
)
COLUMNS = tuple(SCHEMA.names)
#: The source of shares rebuilt from the graph that no Source names (written by other means).
GRAPH_SOURCE = "graph"
BUFFER_ROWS = 50_000  # rows held before they are appended to the load's temporary file

ShareRow = tuple[str, str, str, str, str, int, str | None]  # COLUMNS without source


def share_rows(loader: Any, items: Iterable[Any]) -> Iterator[ShareRow]:
    """The share events among a loader's items, by the item kinds the loaders use:

    `share:<Label>` (format loaders: actor_key, object_key, content_id, at_ms, via; the actor's
    label is the loader's `actor_label`), `share` (share-events files: account_key, object_key,
    content_id, at_ms; the object's label is the loader's `object_type`) and `tweet`
    (information-operation archives: the tweet's hashtags, URLs, the post it retweets, replies
    to or quotes, and the accounts it mentions).
    """
    for item in items:
        kind, row = item.kind, item.row
        if kind.startswith("share:"):
            actor = str(getattr(loader, "actor_label", "Account"))
            yield (
                row["actor_key"],
                actor,
                row["object_key"],
                kind[6:],
                row["content_id"],
                row["at_ms"],
                row.get("via"),
            )
        elif kind == "share":
            label = str(loader.object_type.value)
            yield (
                row["account_key"],
                "Account",
                row["object_key"],
                label,
                row["content_id"],
                row["at_ms"],
                None,
            )
        elif kind == "tweet":
            account, content, at = row["account_key"], row["content_id"], row["at_ms"]
            for tag in row["hashtags"]:
                yield (account, "Account", tag, "Hashtag", content, at, None)
            for link in row["urls"]:
                yield (account, "Account", link["url"], "Url", content, at, None)
            for rt in row["retweets"]:
                yield (account, "Account", rt["post_key"], "Post", content, at, "retweet")
            for post in row["posts"]:
                yield (account, "Account", post["post_key"], "Post", content, at, post["via"])
            for user in row["mention_shares"]:
                yield (account, "Account", user["key"], "Account", content, at, None)


def log_dir(settings: Settings | None = None, database: str | None = None) -> Path:
    """The share log's folder for the configured instance and database."""
    s = settings or get_settings()
    db = database or s.neo4j_database
    return s.cibgraph_home / "instances" / s.neo4j_instance / "sharelog" / db


def _file_name(source: str) -> str:
    return quote(source, safe="") + ".parquet"


def _source_of(path: Path) -> str:
    return unquote(path.name.removesuffix(".parquet"))


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What `ShareLog.sync` found and did."""

    events: int  # distinct share events in the log afterwards
    dropped_sources: tuple[str, ...]  # files removed: their source is gone from the graph
    rebuilt: bool


class ShareLog:
    """One database's share log (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.events_dir = root / "events"
        self.runs_dir = root / "runs"

    @classmethod
    def for_database(cls, database: str | None = None) -> ShareLog:
        return cls(log_dir(database=database))

    @property
    def glob(self) -> str:
        return str(self.events_dir / "month=*" / "*.parquet")

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive use of the log (loads, syncs and rebuilds of other processes wait)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def files(self) -> list[Path]:
        return sorted(self.events_dir.glob("month=*/*.parquet"))

    def sources(self) -> set[str]:
        """The sources with events in the log."""
        return {_source_of(p) for p in self.files()}

    def writer(self, source: str) -> LogWriter:
        """A writer for one load of `source`; nothing is visible until it commits."""
        return LogWriter(self, source)

    def _install(self, source: str, parts: Path | None) -> None:
        """Replace `source`'s files by those under `parts` (month=*/<any>.parquet), if any."""
        name = _file_name(source)
        new: dict[str, Path] = {}
        if parts is not None:
            for f in parts.glob("month=*/*.parquet"):
                new[f.parent.name] = f
        for old in self.events_dir.glob(f"month=*/{glob_escape(name)}"):
            if old.parent.name not in new:
                old.unlink()
        for month, f in new.items():
            target = self.events_dir / month / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, target)

    def drop_sources(self, sources: Iterable[str]) -> None:
        for source in sources:
            self._install(source, None)

    def event_count(self) -> int:
        """Distinct share events in the log (a share read from two files counts once).

        Counting reads the whole log, so the count is kept beside it (`events.count`) with the
        files it was made from (name, inode, size, mtime): files are only ever replaced whole
        (`_install`), so the same signature means the same events and the count is reused.
        """
        files = self.files()
        if not files:
            return 0
        signature = [_signature(self.events_dir, f) for f in files]
        cache = self.root / "events.count"
        try:
            kept = json.loads(cache.read_text())
            if kept["files"] == signature:
                return int(kept["events"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        events = self._count_events()
        partial = cache.with_suffix(f".{uuid.uuid4().hex[:8]}")
        partial.write_text(json.dumps({"files": signature, "events": events}))
        os.replace(partial, cache)
        return events

    def _count_events(self) -> int:
        con = duckdb.connect()
        try:
            row = con.execute(
                "SELECT count(*) FROM (SELECT DISTINCT account, actor_type, object, object_type, "
                "content_id, at_ms FROM read_parquet($glob, hive_partitioning = true))",
                {"glob": self.glob},
            ).fetchone()
        finally:
            con.close()
        return int(row[0]) if row else 0

    def sync(self, driver: Driver, *, database: str | None = None) -> SyncReport:
        """Make the log hold exactly the graph's share events (see the module docstring)."""
        runner = QueryRunner(driver, database=database)
        state = runner.run("log/graph_state")[0]
        graph_sources = set(state["sources"])
        with self.locked():
            gone = tuple(sorted(self.sources() - graph_sources - {GRAPH_SOURCE}))
            self.drop_sources(gone)
            events = self.event_count()
            if events == state["shares"]:
                return SyncReport(events, gone, False)
            logger.info(
                "share log: %d events, the graph %d share events: rebuilding it from the graph",
                events,
                state["shares"],
            )
            events = self._rebuild(driver, database=database)
        return SyncReport(events, gone, True)

    def rebuild(self, driver: Driver, *, database: str | None = None) -> int:
        """Rebuild the whole log from the graph's SHARED edges; returns its distinct events."""
        with self.locked():
            return self._rebuild(driver, database=database)

    def _rebuild(self, driver: Driver, *, database: str | None) -> int:
        staging = self.root / f".rebuild-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True)
        try:
            writers: dict[str, _Spool] = {}
            rows = QueryRunner(driver, database=database).stream("log/graph_shares")
            for r in rows:
                row = (
                    r["account"],
                    r["actor_type"],
                    r["object"],
                    r["object_type"],
                    r["content_id"],
                    r["at_ms"],
                    r["via"],
                )
                for source in r["sources"] or [GRAPH_SOURCE]:
                    spool = writers.get(source)
                    if spool is None:
                        spool = writers[source] = _Spool(staging / f"{len(writers)}", source)
                    spool.add(row)
            parts = {source: spool.partition() for source, spool in writers.items()}
            shutil.rmtree(self.events_dir, ignore_errors=True)
            for source, part in parts.items():
                self._install(source, part)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.event_count()


def _signature(folder: Path, path: Path) -> list[Any]:
    st = path.stat()
    return [str(path.relative_to(folder)), st.st_ino, st.st_size, st.st_mtime_ns]


def glob_escape(name: str) -> str:
    """`name` with glob metacharacters escaped (a quoted source key may hold none, but safe)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


class _Spool:
    """Rows of one source appended to a temporary Parquet file, then split by month."""

    def __init__(self, folder: Path, source: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.source = folder, source
        self.rows = 0
        self._buffer: list[ShareRow] = []
        self._writer: pq.ParquetWriter | None = None

    def add(self, row: ShareRow) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= BUFFER_ROWS:
            self._flush()

    def extend(self, rows: Iterable[ShareRow]) -> None:
        for row in rows:
            self.add(row)

    def _flush(self) -> None:
        if not self._buffer:
            return
        columns = list(zip(*self._buffer, strict=True))
        arrays = [pa.array(col, type=SCHEMA.field(i).type) for i, col in enumerate(columns)]
        arrays.append(pa.array([self.source] * len(self._buffer), type=pa.string()))
        table = pa.Table.from_arrays(arrays, schema=SCHEMA)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.folder / "spool.parquet", SCHEMA)
        self._writer.write_table(table)
        self.rows += len(self._buffer)
        self._buffer.clear()

    def partition(self) -> Path | None:
        """The spooled rows, exact repeats dropped, as month=*/*.parquet under a new folder."""
        self._flush()
        if self._writer is None:
            return None
        self._writer.close()
        parts = self.folder / "parts"
        target = str(parts).replace("'", "''")
        con = duckdb.connect()
        try:
            # COPY takes no parameter for its target; the path is ours, its quotes doubled.
            sql = (
                f"COPY (SELECT DISTINCT {', '.join(COLUMNS)}, "  # noqa: S608 - our names
                "strftime(make_timestamp(at_ms * 1000), '%Y-%m') AS month "
                "FROM read_parquet($spool) ORDER BY at_ms) "
                f"TO '{target}' (FORMAT parquet, PARTITION_BY (month))"
            )
            con.execute(
                sql,
                {"spool": str(self.folder / "spool.parquet")},
            )
        finally:
            con.close()
        return parts


class LogWriter:
    """The share events of one load: spooled while it runs, moved into the log on `commit`."""

    def __init__(self, log: ShareLog, source: str) -> None:
        self.log, self.source = log, source
        log.root.mkdir(parents=True, exist_ok=True)
        self._folder = log.root / f".load-{uuid.uuid4().hex[:8]}"
        self._spool = _Spool(self._folder, source)
        # A load that fails never commits: its rows go when the writer does.
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._folder, True)

    def add(self, loader: Any, items: Sequence[Any]) -> None:
        """Spool the share events among one batch's items."""
        self._spool.extend(share_rows(loader, items))

    def commit(self) -> None:
        """Replace the source's files in the log by this load's (none when it had no shares)."""
        try:
            parts = self._spool.partition()
            with self.log.locked():
                self.log._install(self.source, parts)
        finally:
            self.abort()

    def abort(self) -> None:
        """Forget this load's rows (the log keeps what it held)."""
        self._cleanup()
