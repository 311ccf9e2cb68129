"""Time `traverse/expand_network` with the detection types as a parameter against typed patterns.

The query takes the registry's detection types as `$types` (`-[d]-` with `WHERE type(d) IN
$types`), so adding a signal touches no query; a typed pattern (`-[d:COORDINATED_WITH|...]-`)
would let the server expand only those types. This bench loads the demo (unless --no-load),
runs every detection and fusion, then runs both forms from members of the largest network that
have a creation-cohort edge, checks they return the same rows, and prints the median time of
each and how many members come back with cohort evidence.

    .venv/bin/python bench/expand_bench.py [--seeds 30] [--no-load]

Connection settings come from the environment (NEO4J_URI, NEO4J_PASSWORD, ...); the bench
empties that database first unless --no-load, so point it at a scratch or test instance.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from cibgraph.detection.pipeline import detect_and_fuse
from cibgraph.detection.quality import load_demo
from cibgraph.detection.registry import detection_types
from cibgraph.ingest.demo import DEFAULT_SEED
from cibgraph.neo4j.driver import get_driver
from cibgraph.neo4j.registry import get_query
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import apply_schema
from cibgraph.settings import get_settings


def typed_text() -> str:
    """The query with typed patterns instead of `$types` (the list comes from the enum)."""
    text = get_query("traverse/expand_network").text
    typed = "|".join(t.value for t in detection_types())
    to_seed = "(m)-[d]-(seed)\n  WHERE type(d) IN $types"
    to_members = "(m)-[d]-(o)\n  WHERE type(d) IN $types AND"
    if to_seed not in text or to_members not in text:
        raise SystemExit("traverse/expand_network changed: update this bench")
    text = text.replace(to_seed, f"(m)-[d:{typed}]-(seed)")
    return text.replace(to_members, f"(m)-[d:{typed}]-(o)\n  WHERE")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--no-load", action="store_true", help="use the graph as it is")
    args = ap.parse_args()
    settings = get_settings()
    driver = get_driver(settings)
    db = settings.neo4j_database
    if not args.no_load:
        apply_schema(driver, database=db)
        with driver.session(database=db) as session:
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
        with tempfile.TemporaryDirectory(prefix="cibgraph-expand-") as tmp:
            load_demo(driver, Path(tmp) / "demo", scale=1.0, seed=DEFAULT_SEED)
        detect_and_fuse(driver, fresh=True)
    runner = QueryRunner(driver, database=db)
    seeds = [
        r["key"]
        for r in runner.driver.execute_query(
            "MATCH (n:Network) WITH n ORDER BY n.size DESC LIMIT 1 "
            "MATCH (a:Account)-[:IN_NETWORK]->(n) WHERE EXISTS { (a)-[:COHORT_WITH]-() } "
            "RETURN a.key AS key ORDER BY key LIMIT $k",
            {"k": args.seeds},
            database_=db,
        ).records
    ]
    if not seeds:
        raise SystemExit("no network found: load the demo (drop --no-load)")
    types = [t.value for t in detection_types()]
    timings: dict[str, list[float]] = {"$types parameter": [], "typed patterns": []}
    cohort_only = cohort_any = 0
    for n, seed in enumerate(seeds):
        params: dict[str, Any] = {"key": seed, "label": None, "run": None, "limit": 5_000}
        forms = {  # both texts come from the query file and the RelType enum
            "$types parameter": (
                get_query("traverse/expand_network").text,
                {**params, "types": types},
            ),
            "typed patterns": (typed_text(), params),
        }
        rows: dict[str, list[dict[str, Any]]] = {}
        # alternate which form runs first, so neither always finds the other's pages cached
        for form in sorted(timings, reverse=n % 2 == 1):
            t0 = time.perf_counter()
            # both forms the same way: one READ session each, the rows consumed
            text, args = forms[form]
            with runner.session(read=True) as session:
                rows[form] = [dict(r) for r in session.run(text, args)]
            timings[form].append(time.perf_counter() - t0)
        got = rows["typed patterns"]
        if [(r["key"], r["seed_weight"]) for r in got] != [
            (r["key"], r["seed_weight"]) for r in rows["$types parameter"]
        ]:
            raise SystemExit(f"the two forms disagree for seed {seed}")
        cohort_any += sum("COHORT_WITH" in [s["signal"] for s in r["to_seed"]] for r in got)
        cohort_only += sum(
            [s["signal"] for s in r["to_seed"]] == ["COHORT_WITH"] and r["seed_weight"] > 0
            for r in got
        )
    print(f"{len(seeds)} seeds of the largest network (with COHORT_WITH edges); rows agree")
    for name, values in timings.items():
        print(f"  {name:18} median {statistics.median(values) * 1000:7.1f} ms")
    print(f"  (seed, member) rows with COHORT_WITH evidence to the seed: {cohort_any:,}")
    print(f"  of them tied to the seed by COHORT_WITH alone: {cohort_only:,}")


if __name__ == "__main__":
    main()
