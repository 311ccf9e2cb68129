"""Time coordinated-sharing detection end to end (Neo4j read, compute, write) and its memory.

    .venv/bin/python bench/coordination_bench.py                  # the data already loaded
    .venv/bin/python bench/coordination_bench.py --load           # load the Russian data first
    .venv/bin/python bench/coordination_bench.py --synthetic 1000000   # compute only, no Neo4j
    .venv/bin/python bench/coordination_bench.py --synthetic 1000000 --hot   # a pair-heavy case

Connection settings come from the environment (NEO4J_URI, NEO4J_PASSWORD, ...). The run the
benchmark writes is deleted afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

from cibgraph.detection.coordination import (
    CoordinationParams,
    ShareColumns,
    compute_coordination,
    read_share_events,
    write_coordination,
)
from cibgraph.neo4j.db import read
from cibgraph.neo4j.driver import get_driver
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.settings import get_settings


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_avg() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores"


def synthetic(n: int, *, hot: bool = False, seed: int = 7) -> ShareColumns:
    """`n` share events over a month: objects of Zipf-like (log-uniform) popularity shared by
    random accounts, and bursts of 50 coordinated groups sharing the same object within 30 s.

    `hot` draws popularity from Pareto(1.2) instead: the top object takes about half of the
    background shares, one every few seconds, a pair-heavy worst case."""
    rng = random.Random(seed)
    n_objects, n_accounts, month = max(n // 5, 1), max(n // 10, 2), 30 * 86_400
    cols = ShareColumns([], [], [], [], [])

    def add(account: int, obj: int, at_s: int) -> None:
        cols.account.append(f"twitter:u{account}")
        cols.object_key.append(f"twitter:o{obj}")
        cols.object_id.append(f"o{obj}")
        cols.content_id.append(f"c{len(cols.content_id)}")
        cols.at_ms.append(at_s * 1000)

    groups = [list(range(g * 20, g * 20 + 20)) for g in range(50)]  # 1,000 coordinated accounts
    while len(cols.account) < n:
        if rng.random() < 0.1:
            group, obj, t = rng.choice(groups), rng.randrange(n_objects), rng.randrange(month)
            for account in rng.sample(group, 8):
                add(account, obj, t + rng.randrange(30))
        else:
            if hot:
                obj = min(int(rng.paretovariate(1.2)), n_objects) - 1
            else:
                obj = int(n_objects ** rng.random()) - 1
            add(rng.randrange(n_accounts), obj, rng.randrange(month))
    return cols


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-window", type=int, default=60)
    ap.add_argument("--min-participation", type=int, default=2)
    ap.add_argument("--edge-weight", type=float, default=0.5)
    ap.add_argument("--load", action="store_true", help="load the Russian share events first")
    ap.add_argument("--keep", action="store_true", help="keep the run written by the benchmark")
    ap.add_argument("--synthetic", type=int, metavar="N", help="compute on N synthetic shares")
    ap.add_argument("--hot", action="store_true", help="synthetic: one object takes half")
    args = ap.parse_args()
    params = CoordinationParams(args.time_window, args.min_participation, args.edge_weight)

    if args.synthetic:
        shares = synthetic(args.synthetic, hot=args.hot)
        base = peak_rss_mb()
        t0 = time.perf_counter()
        result = compute_coordination(shares, params)
        took = time.perf_counter() - t0
        print(f"synthetic: {len(shares):,} share events, {result.coordinated_pairs:,} pairs")
        print(f"  edges {len(result.edges):,}, accounts {result.accounts:,}")
        print(f"  compute {took:.2f} s")
        print(f"  peak RSS {peak_rss_mb():.0f} MB (after generating the input: {base:.0f} MB)")
        print(f"  {load_avg()}")
        return

    settings = get_settings()
    driver = get_driver(settings)
    if args.load:
        from cibgraph.ingest.base import run_load
        from cibgraph.ingest.shares import ShareEventsLoader

        path = settings.data_dir() / "coortweet" / "russian_coord_tweets.csv.gz"
        run_load(ShareEventsLoader(), path, driver=driver, rejects_dir=Path("rejects"))
    n = read(driver, "RETURN COUNT { ()-[:SHARED]->() } AS n")[0]["n"]
    if not n:
        sys.exit("no share events in the database: load some, or pass --load")
    read(driver, "RETURN 1")  # connection opened before timing
    base = peak_rss_mb()

    t0 = time.perf_counter()
    shares = read_share_events(driver, min_participation=params.min_participation)
    t1 = time.perf_counter()
    result = compute_coordination(shares, params)
    t2 = time.perf_counter()
    run = write_coordination(driver, result)
    t3 = time.perf_counter()
    peak = peak_rss_mb()

    print(f"{n:,} share events in the graph; {len(shares):,} read (min_participation filter)")
    print(f"  accounts {run.accounts:,}, edges {run.edges:,}, run {run.run_id}")
    print(f"  read {t1 - t0:.2f} s, compute {t2 - t1:.2f} s, write {t3 - t2:.2f} s")
    print(f"  end to end {t3 - t0:.2f} s")
    print(f"  peak RSS {peak:.0f} MB (before detection: {base:.0f} MB)")
    print(f"  {load_avg()}")
    if not args.keep:
        QueryRunner(driver).write("detect/delete_run", {"run": run.run_id})


if __name__ == "__main__":
    main()
