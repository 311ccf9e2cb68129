"""Loader throughput and memory, side by side with Neo4j's own LOAD CSV on the same data.

Runs on a dedicated local instance (`bench`, Bolt 7690, HTTP 7480, or BENCH_INSTANCE,
BENCH_BOLT_PORT, BENCH_HTTP_PORT) so a user's data is never touched. For each kind (accounts,
follows, share events) and size it generates a CSV, then in the same run, on an emptied
database with the same constraints, after both have run once on a
small file of the same kind (so neither pays the server's warm-up alone):

- `cibgraph`: our loader (`run_load`), in a fresh subprocess so its peak RSS is its own;
- `LOAD CSV`: `LOAD CSV WITH HEADERS ... CALL (row) { ... } IN TRANSACTIONS`, writing the same
  nodes, relationships and provenance properties.

Usage: .venv/bin/python bench/load_bench.py [--sizes 100000,1000000] [--kinds accounts,shares]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The bench's own instance unless the environment names another (NEO4J_URI and friends);
# BENCH_INSTANCE / BENCH_BOLT_PORT / BENCH_HTTP_PORT let parallel checkouts use their own.
os.environ.update(
    {
        k: os.environ.get(k, v)
        for k, v in {
            "NEO4J_URI": f"neo4j://127.0.0.1:{os.environ.get('BENCH_BOLT_PORT', '7690')}",
            "NEO4J_PASSWORD": "cibgraph-bench",
            "NEO4J_INSTANCE": os.environ.get("BENCH_INSTANCE", "bench"),
            "NEO4J_HTTP_PORT": os.environ.get("BENCH_HTTP_PORT", "7480"),
            "NEO4J_HEAP": os.environ.get("BENCH_HEAP", "4g"),
            "NEO4J_PAGECACHE": os.environ.get("BENCH_PAGECACHE", "4g"),
        }.items()
    }
)

from cibgraph.neo4j.driver import get_driver  # noqa: E402
from cibgraph.neo4j.schema import apply_schema  # noqa: E402
from cibgraph.neo4j.server import LocalNeo4j  # noqa: E402
from cibgraph.settings import get_settings  # noqa: E402

PROV = (
    "{v}.last_loaded_at = $now, {v}.sources = CASE WHEN $source IN coalesce({v}.sources, []) "
    "THEN {v}.sources ELSE coalesce({v}.sources, []) + $source END"
)


def prov(v: str) -> str:
    return PROV.format(v=v)


# The LOAD CSV baselines write what our loaders write: same keys, properties and provenance.
LOAD_CSV: dict[str, str] = {
    "accounts": (
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {"
        " MERGE (a:Account {key: row.platform + ':' + row.id})"
        "   ON CREATE SET a.first_loaded_at = $now"
        " SET a.platform = row.platform, a.platform_id = row.id,"
        "   a.hashed = NOT row.id =~ '[0-9]+',"
        "   a.handle = coalesce(nullif(row.handle, ''), a.handle),"
        "   a.name = coalesce(nullif(row.name, ''), a.name),"
        "   a.created_at = coalesce(datetime(nullif(row.created_at, '')), a.created_at),"
        "   a.followers = coalesce(toInteger(nullif(row.followers, '')), a.followers),"
        "   a.language = coalesce(toLower(nullif(row.language, '')), a.language),"
        f"  {prov('a')}"
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    "follows": (
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {"
        " MERGE (a:Account {key: row.platform + ':' + row.follower_id})"
        "   ON CREATE SET a.platform = row.platform, a.platform_id = row.follower_id,"
        "     a.hashed = NOT row.follower_id =~ '[0-9]+', a.first_loaded_at = $now"
        f"  SET {prov('a')}"
        " MERGE (t:Account {key: row.platform + ':' + row.target_id})"
        "   ON CREATE SET t.platform = row.platform, t.platform_id = row.target_id,"
        "     t.hashed = NOT row.target_id =~ '[0-9]+', t.first_loaded_at = $now"
        f"  SET {prov('t')}"
        " MERGE (a)-[f:FOLLOWS]->(t) ON CREATE SET f.first_loaded_at = $now"
        f"  SET {prov('f')}"
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    "shares": (
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {"
        " MERGE (a:Account {key: 'twitter:' + row.account_id})"
        "   ON CREATE SET a.platform = 'twitter', a.platform_id = row.account_id,"
        "     a.hashed = NOT row.account_id =~ '[0-9]+', a.first_loaded_at = $now"
        f"  SET {prov('a')}"
        " MERGE (o:Post {key: 'twitter:' + row.object_id})"
        "   ON CREATE SET o.first_loaded_at = $now"
        f"  SET {prov('o')}"
        " MERGE (a)-[s:SHARED {content_id: row.content_id,"
        "   at: datetime({epochSeconds: toInteger(row.timestamp_share)})}]->(o)"
        "   ON CREATE SET s.first_loaded_at = $now"
        f"  SET {prov('s')}"
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
}


def generate(kind: str, n: int, path: Path, seed: int = 7) -> None:
    """Write `n` rows of `kind` to `path` (deterministic)."""
    rnd = random.Random(seed)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        if kind == "accounts":
            w.writerow(["platform", "id", "handle", "name", "created_at", "followers", "language"])
            for i in range(n):
                w.writerow(
                    [
                        "twitter",
                        str(10_000_000 + i),
                        f"user{i:08d}",
                        f"User {i}",
                        f"2017-08-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                        rnd.randrange(50_000),
                        rnd.choice(["en", "zh-cn", "es"]),
                    ]
                )
        elif kind == "follows":
            w.writerow(["platform", "follower_id", "target_id", "target_type"])
            accounts = max(n // 10, 2)
            seen: set[tuple[int, int]] = set()
            while len(seen) < n:
                a, b = rnd.randrange(accounts), rnd.randrange(accounts)
                if a != b and (a, b) not in seen:
                    seen.add((a, b))
                    w.writerow(["twitter", str(a), str(b), "account"])
        elif kind == "shares":
            w.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
            accounts = max(n // 4, 1)
            objects = max(n // 5, 1)
            t0 = 1_600_000_000
            for i in range(n):
                w.writerow(
                    [
                        f"{rnd.randrange(objects)}",
                        f"{rnd.randrange(accounts)}",
                        f"c{i}",
                        t0 + rnd.randrange(30 * 86_400),
                    ]
                )
        else:
            raise ValueError(kind)


def run_ours(kind: str, path: Path, batch: int, *, dry_run: bool = False) -> dict[str, Any]:
    """Our loader in a child process; returns its rows/s and peak RSS."""
    code = (
        "import json, sys, time; from pathlib import Path\n"
        "from cibgraph.neo4j.driver import get_driver\n"
        "from cibgraph.ingest.base import run_load\n"
        "from cibgraph.ingest.writing import LOAD_SWITCH_INTERVAL\n"
        f"from bench.load_bench import make_loader\n"
        "t = time.perf_counter()\n"
        f"r = run_load(make_loader({kind!r}), Path({str(path)!r}),"
        f" driver=None if {dry_run} else get_driver(), dry_run={dry_run},"
        f" rejects_dir=Path({str(path.parent / 'rejects')!r}), batch_size={batch},"
        " switch_seconds=LOAD_SWITCH_INTERVAL)\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(json.dumps({'rows': r.rows_loaded, 'rejected': r.rows_rejected,"
        " 'seconds': time.perf_counter() - t, 'peak_rss_mb': int(hwm.split()[1]) / 1024}))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, env=os.environ.copy()
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    # The child reports its own VmHWM: rusage's maxrss would include the parent's image, which
    # exec inherits on Linux.
    if proc.wait() != 0:
        raise RuntimeError(f"our loader failed on {kind} (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def make_loader(kind: str) -> Any:
    if kind in ("accounts", "follows"):
        from cibgraph.ingest.bundle import BundleLoader

        return BundleLoader()
    if kind == "shares":
        from cibgraph.ingest.shares import ShareEventsLoader

        return ShareEventsLoader()
    raise ValueError(kind)


def run_load_csv(kind: str, path: Path, import_dir: Path, batch: int) -> dict[str, Any]:
    target = import_dir / path.name
    shutil.copyfile(path, target)
    drv = get_driver()
    t = time.perf_counter()
    with drv.session(database=get_settings().neo4j_database) as session:
        session.run(
            LOAD_CSV[kind],
            url=f"file:///{path.name}",
            now=datetime.now(UTC),
            source="sha256:load-csv-baseline",
            batch=batch,
        ).consume()
    seconds = time.perf_counter() - t
    target.unlink()
    return {"seconds": seconds}


def wipe() -> None:
    with get_driver().session(database=get_settings().neo4j_database) as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def counts() -> tuple[int, int]:
    records, _, _ = get_driver().execute_query(
        "MATCH (n) WHERE NOT n:Source WITH count(n) AS nodes "
        "RETURN nodes, COUNT { ()-[]->() } AS rels",
        database_=get_settings().neo4j_database,
    )
    return records[0]["nodes"], records[0]["rels"]


def warm_up(kind: str, workdir: Path, import_dir: Path, batch: int) -> None:
    """Run both sides once on a small file, so neither pays the server's JIT warm-up alone.

    Without it, whichever side ran first on a fresh server lost 30-40% to the cold JVM.
    """
    path = workdir / "warm-up" / f"{kind}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        generate(kind, 20_000, path)
    wipe()
    run_ours(kind, path, batch)
    wipe()
    run_load_csv(kind, path, import_dir, batch)
    wipe()


def memory_only(args: argparse.Namespace) -> None:
    """Peak RSS of our loader's read-validate-batch pipeline as the file grows."""
    print(f"{'kind':8} {'rows':>10} {'peak RSS':>10} {'rows/s (no writes)':>20}")
    for kind in args.kinds.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            path = args.workdir / f"{size}" / f"{kind}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                generate(kind, size, path)
            r = run_ours(kind, path, args.batch, dry_run=True)
            print(
                f"{kind:8} {size:>10,} {r['peak_rss_mb']:>7,.0f} MB {size / r['seconds']:>20,.0f}",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--kinds", default="accounts,follows,shares")
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--workdir", type=Path, default=ROOT / ".neo4j" / "bench-data")
    ap.add_argument(
        "--memory-only",
        action="store_true",
        help="only the loader's peak RSS per size, validating without writing (no Neo4j)",
    )
    args = ap.parse_args()
    if args.memory_only:
        memory_only(args)
        return
    server = LocalNeo4j(get_settings())
    server.install()
    server.start()
    apply_schema(get_driver(), database=get_settings().neo4j_database)
    args.workdir.mkdir(parents=True, exist_ok=True)
    import_dir = server.instance_dir / "import"
    print(
        f"{'kind':8} {'rows':>9} {'cibgraph rows/s':>16} {'LOAD CSV rows/s':>16} "
        f"{'ratio':>6} {'loader peak RSS':>16} {'graph (nodes, rels)':>22}"
    )
    for kind in args.kinds.split(","):
        warm_up(kind, args.workdir, import_dir, args.batch)
        for size in (int(s) for s in args.sizes.split(",")):
            # The bundle loader takes its kind from the file name.
            path = args.workdir / f"{size}" / f"{kind}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                generate(kind, size, path)
            wipe()
            ours = run_ours(kind, path, args.batch)
            ours_counts = counts()
            wipe()
            base = run_load_csv(kind, path, import_dir, args.batch)
            base_counts = counts()
            ours_rate = size / ours["seconds"]
            base_rate = size / base["seconds"]
            same = "same" if ours_counts == base_counts else f"differ {base_counts}"
            print(
                f"{kind:8} {size:>9,} {ours_rate:>16,.0f} {base_rate:>16,.0f} "
                f"{ours_rate / base_rate:>6.2f} {ours['peak_rss_mb']:>13,.0f} MB "
                f"{ours_counts!s:>16} {same}",
                flush=True,
            )
    server.stop()


if __name__ == "__main__":
    main()
