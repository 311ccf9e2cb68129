"""Bulk initial load: a share-events file into an empty database through `neo4j-admin import`.

`cibgraph load share-events FILE --bulk` reads and checks the file exactly as the transactional
loader does (`run_load`: the same rejects, duplicates, counts and share log), but instead of
batches of MERGE it writes the items to CSV, and at the end:

1. de-duplicates the nodes (by key) and the SHARED relationships (by account, object, content
   id and time, the transactional MERGE's key) with DuckDB, out of Python's memory;
2. stops the local instance (Neo4j Community has one user database, and `database import full`
   writes it offline), imports the CSVs into `neo4j` with the installed jars' `neo4j-admin`
   (`--overwrite-destination`: the database was checked empty first), and starts it again;
3. applies the schema, and `run_load` then records the Source node with the load's counts and
   installs the share log, exactly as after a transactional load.

Every property the transactional loader writes is written the same way: the nodes' key,
platform, platform_id, hashed, first_loaded_at, last_loaded_at and sources; the relationships'
content_id, at, first_loaded_at, last_loaded_at and sources. Only the local instance cibgraph
manages can be bulk-loaded (`cibgraph neo4j start`), only into an empty database, and only
share events of posts, hashtags, media and domains (URLs also make Domain links, and mentioned
accounts share the Account label with the sharers: those load transactionally).
"""

from __future__ import annotations

import csv
import logging
import shutil
import subprocess
import tempfile
import time
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from neo4j import Driver

from cibgraph.ingest.base import Item, Loader, LoadError, LoadReport, Progress, run_load
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.neo4j.db import read
from cibgraph.neo4j.schema import apply_schema
from cibgraph.neo4j.server import ADMIN_CLASS, LocalNeo4j
from cibgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)

BULK_OBJECT_TYPES = frozenset(
    {ObjectType.POST, ObjectType.HASHTAG, ObjectType.MEDIA, ObjectType.DOMAIN}
)
ARRAY_DELIMITER = "\x1f"  # never in a Source key (sha256:<hex>)


def _iso(at: datetime | int) -> str:
    """A datetime (or epoch ms) as the ISO text neo4j-admin reads as a UTC DateTime."""
    if isinstance(at, int):
        at = datetime.fromtimestamp(at / 1000, UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def check_bulk(loader: Loader, driver: Driver, settings: Settings) -> LocalNeo4j:
    """The local server to bulk-load into, or a one-line LoadError saying why not."""
    if not isinstance(loader, ShareEventsLoader) or loader.object_type not in BULK_OBJECT_TYPES:
        kinds = ", ".join(sorted(t.value.lower() for t in BULK_OBJECT_TYPES))
        raise LoadError(f"--bulk loads share-events files of {kinds} objects only")
    server = LocalNeo4j(settings)
    if not server.installed or server.pid() is None:
        raise LoadError(
            f"--bulk needs the local instance {settings.neo4j_instance!r} running "
            "(cibgraph neo4j start): it is stopped, imported into and restarted"
        )
    if settings.neo4j_database != "neo4j":
        raise LoadError("--bulk imports into the database `neo4j` only (Neo4j Community's one)")
    nodes = read(driver, "MATCH (n) RETURN count(n) AS n", database=settings.neo4j_database)
    if nodes[0]["n"]:
        raise LoadError(
            f"--bulk needs an empty database; this one holds {nodes[0]['n']:,} nodes "
            "(load without --bulk, or start from an empty instance)"
        )
    return server


def _raw(path: Path, *names: str) -> str:
    """DuckDB's reader of one of the sink's headerless raw CSVs (our own paths and names)."""
    columns = ", ".join(f"'{n}'" for n in names)
    return f"read_csv('{path}', header = false, all_varchar = true, names = [{columns}])"


class BulkSink:
    """Takes `run_load`'s batches of items as CSV rows; `finish` imports them (module doc)."""

    def __init__(
        self,
        loader: ShareEventsLoader,
        params: dict[str, Any],
        *,
        server: LocalNeo4j,
        driver: Driver,
        database: str,
    ) -> None:
        self.loader, self.server, self.driver, self.database = loader, server, driver, database
        self.source: str = params["source"]
        self.now = _iso(params["now"])
        self.dir = Path(tempfile.mkdtemp(prefix="cibgraph-bulk-"))
        self._accounts = (self.dir / "accounts.raw.csv").open("w", newline="")
        self._objects = (self.dir / "objects.raw.csv").open("w", newline="")
        self._shares = (self.dir / "shares.raw.csv").open("w", newline="")
        self._w = {
            "account": csv.writer(self._accounts),
            "object": csv.writer(self._objects),
            "share": csv.writer(self._shares),
        }
        self.seconds: dict[str, float] = {}
        weakref.finalize(self, shutil.rmtree, self.dir, ignore_errors=True)  # a failed load

    def submit(self, items: Sequence[Item]) -> None:
        accounts, objects, shares = self._w["account"], self._w["object"], self._w["share"]
        for item in items:
            row = item.row
            if item.kind == "share":
                shares.writerow(
                    (row["account_key"], row["object_key"], row["content_id"], row["at_ms"])
                )
            elif item.kind == "account":
                accounts.writerow(
                    (row["key"], row["platform"], row["platform_id"], str(row["hashed"]).lower())
                )
            elif item.kind == "object":
                objects.writerow((row["key"],))
            else:  # nothing else comes from the object types check_bulk lets through
                raise LoadError(f"--bulk cannot write {item.kind} items")

    def close(self) -> None:
        for fh in (self._accounts, self._objects, self._shares):
            fh.close()

    def abort(self) -> None:
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def finish(self) -> None:
        """De-duplicate, stop the server, import, start it and apply the schema."""
        try:
            t0 = time.perf_counter()
            self._write_import_files()
            t1 = time.perf_counter()
            logger.info("bulk load: import files written; stopping Neo4j")
            self.server.stop()
            try:
                self._import()
            finally:
                t2 = time.perf_counter()
                self.server.start()
            self._renew_bookmarks()
            apply_schema(self.driver, database=self.database)
            t3 = time.perf_counter()
            self.seconds = {"prepare": t1 - t0, "import": t2 - t1, "restart": t3 - t2}
            logger.info("bulk load: %s", self.seconds)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _renew_bookmarks(self) -> None:
        """The driver's bookmarks name transactions of the database the import replaced, which
        the new one may never reach (every later query would wait for them, then fail):
        replace them by a bookmark of the new database, from a session that sends none."""
        with self.driver.session(database=self.database) as session:
            session.run("RETURN 1").consume()
            fresh = session.last_bookmarks().raw_values
        manager = self.driver.execute_query_bookmark_manager
        manager.update_bookmarks(manager.get_bookmarks(), fresh)

    def _write_import_files(self) -> None:
        """The raw rows de-duplicated into neo4j-admin's CSVs (headers name the types)."""
        d, label = self.dir, self.loader.object_type.value
        stamps = (
            '$now AS "first_loaded_at:datetime", $now AS "last_loaded_at:datetime", '
            '$source AS "sources:string[]"'
        )
        accounts = _raw(d / "accounts.raw.csv", "key", "platform", "platform_id", "hashed")
        objects = _raw(d / "objects.raw.csv", "key")
        shares = _raw(d / "shares.raw.csv", "account", "object", "content_id", "at_ms")
        at = "strftime(make_timestamp(CAST(at_ms AS BIGINT) * 1000), '%Y-%m-%dT%H:%M:%S.%fZ')"
        # S608: the statements hold only our own paths, column names and allow-listed label
        statements = [
            (
                'SELECT key AS "key:ID(Account)", any_value(platform) AS platform, '  # noqa: S608
                'any_value(platform_id) AS platform_id, any_value(hashed) AS "hashed:boolean", '
                f"{stamps} FROM {accounts} GROUP BY key",
                d / "accounts.csv",
            ),
            (
                f'SELECT key AS "key:ID({label})", {stamps} '  # noqa: S608
                f"FROM (SELECT DISTINCT key FROM {objects})",
                d / "objects.csv",
            ),
            (
                'SELECT account AS ":START_ID(Account)", '  # noqa: S608
                f'object AS ":END_ID({label})", content_id, {at} AS "at:datetime", {stamps} '
                f"FROM (SELECT DISTINCT account, object, content_id, at_ms FROM {shares})",
                d / "shares.csv",
            ),
        ]
        con = duckdb.connect(config={"memory_limit": "512MB", "temp_directory": str(d / "spill")})
        try:
            for query, target in statements:
                con.execute(
                    f"COPY ({query}) TO '{target}' (HEADER, QUOTE '\"', FORCE_QUOTE *)",
                    {"now": self.now, "source": self.source},
                )
        finally:
            con.close()

    def _import(self) -> None:
        d, label = self.dir, self.loader.object_type.value
        java = shutil.which("java") or "java"
        cmd = [
            java,
            "-cp",
            self.server._classpath(),
            ADMIN_CLASS,
            "database",
            "import",
            "full",
            f"--nodes=Account={d / 'accounts.csv'}",
            f"--nodes={label}={d / 'objects.csv'}",
            f"--relationships=SHARED={d / 'shares.csv'}",
            f"--array-delimiter={ARRAY_DELIMITER}",
            "--overwrite-destination=true",
            f"--report-file={d / 'import.report'}",
            "--threads=2",
            self.database,
        ]
        done = subprocess.run(
            cmd, env=self.server._env(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise LoadError(f"neo4j-admin import failed: {lines[-1] if lines else done.returncode}")


def bulk_load(
    loader: Loader,
    path: Path,
    *,
    driver: Driver,
    rejects_dir: Path,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> LoadReport:
    """Load one file into the empty local database through neo4j-admin (module docstring);
    the report is the transactional loader's, with the same counts and rejects."""
    settings = settings or get_settings()
    server = check_bulk(loader, driver, settings)
    assert isinstance(loader, ShareEventsLoader)  # check_bulk made sure

    def sink(params: dict[str, Any]) -> BulkSink:
        return BulkSink(
            loader, params, server=server, driver=driver, database=settings.neo4j_database
        )

    return run_load(
        loader,
        path,
        driver=driver,
        rejects_dir=rejects_dir,
        database=settings.neo4j_database,
        progress=progress,
        sink=sink,
    )
