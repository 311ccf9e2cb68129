"""Quality of the detections on the demo: precision, recall and F1 of network membership vs truth.

Generates the default demo (scale 1, default seed) into a temporary folder, loads it into a
dedicated local instance (`quality`, Bolt 7692, HTTP 7482; a user's data is never touched), runs
every detection and their fusion, and prints the scores that cibgraph.detection.quality computes
(per signal alone, fused, the state network, confounders swept in).

Usage: .venv/bin/python bench/quality.py [--scale 1] [--seed 20190819] [--keep]
tests/detection/test_quality.py runs the same evaluation on the test instance.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cibgraph.detection.quality import evaluate, format_report, load_demo, read_truth
from cibgraph.ingest.demo import DEFAULT_SEED


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--keep", action="store_true", help="leave the instance running")
    args = ap.parse_args()
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
    try:
        apply_schema(driver, database=settings.neo4j_database)
        with driver.session(database=settings.neo4j_database) as session:
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
        with tempfile.TemporaryDirectory(prefix="cibgraph-quality-") as tmp:
            out = Path(tmp) / "demo"
            load_seconds = load_demo(driver, out, scale=args.scale, seed=args.seed)
            truth = read_truth(out / "truth.csv")
            report = evaluate(driver, truth)
        report.timings = {"load": load_seconds, **report.timings}
        print(f"demo scale {args.scale:g}, seed {args.seed}")
        print(format_report(report))
    finally:
        close_driver()
        if started and not args.keep:
            server.stop()


if __name__ == "__main__":
    main()
