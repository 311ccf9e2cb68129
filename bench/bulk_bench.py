"""`load share-events --bulk` against raw `neo4j-admin database import` on the same rows.

Runs on a local instance of its own (`bulkbench`, Bolt 7694, HTTP 7484, or the environment's
NEO4J_URI and friends), whose database it empties: for N synthetic share events (bench/
detection_speed.py's generator and cached CSV) it times, in one run,

1. `bulk_load` end to end on an empty database: the loader's read and checks, the CSVs and
   their de-duplication, the stop, the import, the restart, the schema, the Source and the log;
2. raw `neo4j-admin database import full` of the very CSVs step 1 imported (kept aside), the
   server stopped, as a user who wrote import files by hand would run it (no restart counted).

Usage: .venv/bin/python bench/bulk_bench.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.update(
    {
        k: os.environ.get(k, v)
        for k, v in {
            "NEO4J_URI": "neo4j://127.0.0.1:7694",
            "NEO4J_PASSWORD": "cibgraph-bulkbench",
            "NEO4J_INSTANCE": "bulkbench",
            "NEO4J_HTTP_PORT": "7484",
            "NEO4J_HEAP": os.environ.get("BENCH_HEAP", "2g"),
            "NEO4J_PAGECACHE": os.environ.get("BENCH_PAGECACHE", "1g"),
        }.items()
    }
)

from bench.detection_speed import WORKDIR, load_avg, write_inputs  # noqa: E402
from cibgraph.ingest import bulk  # noqa: E402
from cibgraph.ingest.shares import ShareEventsLoader  # noqa: E402
from cibgraph.neo4j.driver import close_driver, get_driver  # noqa: E402
from cibgraph.neo4j.server import ADMIN_CLASS, LocalNeo4j  # noqa: E402
from cibgraph.settings import get_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    logging.basicConfig(format="%(message)s")
    logging.getLogger("cibgraph.ingest.bulk").setLevel(logging.INFO)  # prepare, import, restart
    csv_path, _ = write_inputs(args.rows, args.seed)
    server = LocalNeo4j(get_settings())
    server.install()
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)  # an empty database
    server.start()
    kept = WORKDIR / "bulk-import-files"
    shutil.rmtree(kept, ignore_errors=True)

    original = bulk.BulkSink._import

    def keep_files(self: bulk.BulkSink) -> None:  # the files step 2 imports again
        shutil.copytree(self.dir, kept, ignore=shutil.ignore_patterns("*.raw.csv", "spill"))
        original(self)

    bulk.BulkSink._import = keep_files  # type: ignore[method-assign]
    print(f"start: {load_avg()}", flush=True)
    t0 = time.perf_counter()
    report = bulk.bulk_load(
        ShareEventsLoader(), csv_path, driver=get_driver(), rejects_dir=WORKDIR / "rejects"
    )
    ours = time.perf_counter() - t0
    avg_ours = load_avg()
    close_driver()
    server.stop()
    cmd = [
        shutil.which("java") or "java",
        "-cp",
        server._classpath(),
        ADMIN_CLASS,
        "database",
        "import",
        "full",
        f"--nodes=Account={kept / 'accounts.csv'}",
        f"--nodes=Post={kept / 'objects.csv'}",
        f"--relationships=SHARED={kept / 'shares.csv'}",
        f"--array-delimiter={bulk.ARRAY_DELIMITER}",
        "--overwrite-destination=true",
        f"--report-file={kept / 'import.report'}",  # not the working directory
        "--threads=2",
        "neo4j",
    ]
    t1 = time.perf_counter()
    done = subprocess.run(cmd, env=server._env(), capture_output=True, text=True, check=False)
    raw = time.perf_counter() - t1
    if done.returncode:
        sys.exit(f"raw neo4j-admin import failed: {done.stderr[-500:]}")
    avg_raw = load_avg()
    rows = report.rows_read
    print(
        f"{rows:,} share events ({report.rows_loaded:,} loaded, {report.duplicates:,} duplicates)\n"
        f"  --bulk end to end        {ours:7.1f} s  {rows / ours:>9,.0f} rows/s  {avg_ours}\n"
        f"  raw neo4j-admin import   {raw:7.1f} s  {rows / raw:>9,.0f} rows/s  {avg_raw}\n"
        f"  ratio (--bulk / raw rows/s) {raw / ours:.2f} (target >= 0.8)"
    )
    server.start()  # the imported database, for a look; `cibgraph neo4j stop` ends it


if __name__ == "__main__":
    main()
