"""Quality of the detections on the demo: precision, recall and F1 of network membership vs truth.

For each seed and scale: generates the demo into a temporary folder, loads it into a dedicated
local instance (`quality`, Bolt 7692, HTTP 7482, unless NEO4J_URI and friends name another; its
database is emptied first, a user's data is never touched), runs every detection and their
fusion, and prints the scores that cibgraph.detection.quality computes (per signal alone with
the confounders each sweeps in, fused, the state network, confounders in any network); then one
summary line per run.

Usage: .venv/bin/python bench/quality.py [--scale 1 ...] [--seed 20190819 ...] [--keep]
tests/detection/test_quality.py runs the same evaluation on the test instance.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cibgraph.detection.quality import (
    CONFOUNDERS,
    QualityReport,
    evaluate,
    format_report,
    load_demo,
    read_truth,
)
from cibgraph.ingest.demo import DEFAULT_SEED


def summary(seed: int, scale: float, report: QualityReport) -> str:
    """One line: seed, scale, fused F1s, confounders anywhere, per-signal F1."""
    swept = sum(report.confounders_in_any.values())
    signals = " ".join(f"{k} {s.f1:.3f}" for k, s in report.per_signal.items())
    return (
        f"seed {seed} scale {scale:g}: fused any {report.fused_any.f1:.3f}, state accounts "
        f"{report.fused_state_accounts.f1:.3f}, state +pages/groups "
        f"{report.fused_state_all.f1:.3f}; confounders in any network {swept}; alone: {signals}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, action="append", help="repeatable (default 1)")
    ap.add_argument("--seed", type=int, action="append", help=f"repeatable ({DEFAULT_SEED})")
    ap.add_argument("--keep", action="store_true", help="leave the instance running")
    args = ap.parse_args()
    seeds = args.seed or [DEFAULT_SEED]
    scales = args.scale or [1.0]
    # The bench's own instance unless the environment names another (NEO4J_URI and friends).
    os.environ.update(
        {
            k: os.environ.get(k, v)
            for k, v in {
                "NEO4J_URI": "neo4j://127.0.0.1:7692",
                "NEO4J_PASSWORD": "cibgraph-quality",
                "NEO4J_INSTANCE": "quality",
                "NEO4J_HTTP_PORT": "7482",
                "NEO4J_HEAP": os.environ.get("QUALITY_HEAP", "1g"),
                "NEO4J_PAGECACHE": os.environ.get("QUALITY_PAGECACHE", "512m"),
            }.items()
        }
    )
    from cibgraph.neo4j.driver import close_driver, get_driver
    from cibgraph.neo4j.schema import apply_schema
    from cibgraph.neo4j.server import LocalNeo4j
    from cibgraph.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    server = LocalNeo4j(settings)
    server.install()
    started = server.start()
    driver = get_driver(settings)
    lines = []
    try:
        apply_schema(driver, database=settings.neo4j_database)
        for scale in scales:
            for seed in seeds:
                with driver.session(database=settings.neo4j_database) as session:
                    # relationships first, in small batches: dense nodes exhaust the memory pool
                    for statement in (
                        "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 5000 ROWS",
                        "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 5000 ROWS",
                    ):
                        session.run(statement).consume()
                with tempfile.TemporaryDirectory(prefix="cibgraph-quality-") as tmp:
                    out = Path(tmp) / "demo"
                    load_seconds = load_demo(driver, out, scale=scale, seed=seed)
                    truth = read_truth(out / "truth.csv")
                    report = evaluate(driver, truth)
                report.timings = {"load": load_seconds, **report.timings}
                print(f"demo scale {scale:g}, seed {seed}")
                print(format_report(report))
                print(flush=True)
                lines.append(summary(seed, scale, report))
        print("confounder groups: " + ", ".join(CONFOUNDERS))
        print("\n".join(lines))
    finally:
        close_driver()
        if started and not args.keep:
            server.stop()


if __name__ == "__main__":
    main()
