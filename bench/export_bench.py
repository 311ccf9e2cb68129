"""End-to-end time of `cibgraph export network` on the demo's state network, beside a baseline.

Runs on a dedicated local instance (`exportbench`, Bolt 7716, HTTP 7496) so a user's data is never
touched. Unless `--reuse`, it empties that instance, loads the default demo (`cibgraph demo
load`) and runs every detection and the fusion (`cibgraph detect networks --fresh`). The state
network is the fused Network holding the most accounts that the demo's `truth.csv` marks `state`.

Each export is one fresh `cibgraph export network KEY --format F` process, timed from launch to
exit (interpreter start, selection, provenance, writing): what a user waits for. The same
exports run with the code of `--baseline` (a git commit, checked out into a temporary worktree
and put first on PYTHONPATH) against the same data, alternating baseline and current per round,
and the best of `--rounds` is printed for each.

Usage: .venv/bin/python bench/export_bench.py [--baseline acf505c] [--formats json,gexf,stix]
       [--rounds 2] [--reuse] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BOLT_PORT = 7716
HTTP_PORT = 7496
# The bench's own instance unless the environment names another (NEO4J_URI and friends).
ENV = {
    k: os.environ.get(k, v)
    for k, v in {
        "NEO4J_URI": f"neo4j://127.0.0.1:{BOLT_PORT}",
        "NEO4J_PASSWORD": "cibgraph-bench",
        "NEO4J_INSTANCE": "exportbench",
        "NEO4J_HTTP_PORT": str(HTTP_PORT),
        "NEO4J_HEAP": os.environ.get("BENCH_HEAP", "1g"),
        "NEO4J_PAGECACHE": os.environ.get("BENCH_PAGECACHE", "1g"),
    }.items()
}
# Runs the CLI of whichever `cibgraph` package comes first on sys.path.
CLI = "import sys; from cibgraph.cli import app; sys.argv[0] = 'cibgraph'; app()"

STATE_NETWORK = """
UNWIND $keys AS k
MATCH (a:Account {key: k})-[:IN_NETWORK]->(n:Network)
RETURN n.key AS key, count(*) AS state
ORDER BY state DESC, key
LIMIT 1
"""


def _cli(*args: str, env: dict[str, str]) -> None:
    print(f"$ cibgraph {' '.join(args)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    # `load` exits 2 when rows were rejected: the demo has deliberate rejects.
    if done.returncode not in (0, 2):
        raise RuntimeError(f"cibgraph {' '.join(args)} failed (exit {done.returncode})")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def _state_keys(truth: Path) -> list[str]:
    with truth.open(newline="") as fh:
        return [
            f"{row['platform']}:{row['entity_id']}"
            for row in csv.DictReader(fh)
            if (row["group"], row["entity_type"]) == ("state", "account")
        ]


def _export(network: str, fmt: str, out: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", CLI, "export", "network", network, "--format", fmt,
         "--out", str(out)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default="acf505c", help="Git commit to compare with.")
    ap.add_argument("--formats", default="json,gexf,stix", help="Comma-separated formats.")
    ap.add_argument("--rounds", type=int, default=2, help="Best of this many runs each.")
    ap.add_argument("--workdir", type=Path, default=None, help="Demo folder (default: a tmp dir).")
    ap.add_argument("--reuse", action="store_true", help="Keep the data already loaded.")
    ap.add_argument("--keep", action="store_true", help="Leave the Neo4j instance running.")
    args = ap.parse_args()

    os.environ.update(ENV)
    env = {**os.environ, **ENV}
    from cibgraph.neo4j.driver import close_driver, get_driver
    from cibgraph.neo4j.schema import apply_schema
    from cibgraph.neo4j.server import LocalNeo4j
    from cibgraph.settings import get_settings

    settings = get_settings()
    server = LocalNeo4j(settings)
    server.install()
    started_server = server.start()
    print(f"Neo4j instance exportbench on Bolt {BOLT_PORT} (started: {started_server})", flush=True)
    driver = get_driver(settings)
    apply_schema(driver, database=settings.neo4j_database)
    tmp = tempfile.TemporaryDirectory(prefix="export-bench-")
    work = Path(tmp.name)
    demo = args.workdir or work / "demo"
    baseline = work / "baseline"
    try:
        if not args.reuse:
            with driver.session(database=settings.neo4j_database) as s:
                s.run(
                    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS"
                ).consume()
            _cli("demo", "load", "--out", str(demo), "--rejects-dir", str(work / "rj"), env=env)
            _cli("detect", "networks", "--fresh", env=env)
        elif not (demo / "truth.csv").is_file():
            _cli("demo", "generate", "--out", str(demo), env=env)  # only for truth.csv
        records, _, _ = driver.execute_query(
            STATE_NETWORK, {"keys": _state_keys(demo / "truth.csv")}
        )
        if not records:
            raise RuntimeError("no Network holds a state account: did fusion run?")
        network = str(records[0]["key"])
        size, _, _ = driver.execute_query(
            "MATCH (:Network {key: $k})<-[r:IN_NETWORK]-() RETURN count(r) AS n", {"k": network}
        )
        print(f"state network {network}: {records[0]['state']} state accounts, "
              f"{size[0]['n']} members", flush=True)  # fmt: skip

        subprocess.run(
            ["git", "worktree", "add", "--detach", str(baseline), args.baseline],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        sides = {
            "baseline": {**env, "PYTHONPATH": str(baseline / "src")},
            "current": {**env, "PYTHONPATH": str(ROOT / "src")},
        }
        best: dict[tuple[str, str], float] = {}
        for fmt in args.formats.split(","):
            for round_ in range(args.rounds):
                for side, side_env in sides.items():
                    seconds = _export(network, fmt, work / f"{side}.{fmt}", side_env)
                    key = (fmt, side)
                    best[key] = min(best.get(key, seconds), seconds)
                    print(f"  {fmt} {side} round {round_ + 1}: {seconds:.1f} s", flush=True)
        print()
        print(f"{'format':8} {'baseline ' + args.baseline:>18} {'current':>10} {'ratio':>7}")
        for fmt in args.formats.split(","):
            b, c = best[(fmt, "baseline")], best[(fmt, "current")]
            print(f"{fmt:8} {b:>16.1f} s {c:>8.1f} s {c / b:>7.2f}")
        one, five, _ = os.getloadavg()
        print(f"\n{os.cpu_count()} cores; load average {one:.1f} / {five:.1f}")
    finally:
        if baseline.exists():
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False
            )
        close_driver()
        if not args.keep:
            server.stop()
        tmp.cleanup()


if __name__ == "__main__":
    main()
