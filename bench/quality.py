"""Quality of the detections on the demo: precision, recall and F1 of network membership vs truth.

Generates the default demo (scale 1, default seed) into a temporary folder, loads it into a
dedicated local instance (`quality`, Bolt 7692, HTTP 7482; a user's data is never touched), runs
every detection and their fusion, and prints, with the state group as the positive class:

- per signal: the networks that signal alone yields (same fusion thresholds, one signal), scored
  on accounts;
- fused: all networks, and the state network (the one holding most state accounts), scored on
  accounts and on accounts + pages + groups;
- for each confounder group, how many of its members landed in the state network (and in any).

Usage: .venv/bin/python bench/quality.py [--scale 1] [--seed 20190819] [--keep]
The harness functions take a driver, so tests/graph/detection/test_quality.py runs the same logic
on the test instance.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cibgraph.detection.cohorts import detect_cohorts, write_cohorts  # noqa: E402
from cibgraph.detection.control import detect_control, write_control  # noqa: E402
from cibgraph.detection.coordination import detect_coordination, write_coordination  # noqa: E402
from cibgraph.detection.fusion import (  # noqa: E402
    SIGNALS,
    FusionParams,
    FusionRun,
    Network,
    detect_networks,
    find_networks,
    read_signal_edges,
)
from cibgraph.detection.infrastructure import (  # noqa: E402
    detect_infrastructure,
    write_infrastructure,
)
from cibgraph.ingest.base import run_load  # noqa: E402
from cibgraph.ingest.bundle import BundleLoader, bundle_files  # noqa: E402
from cibgraph.ingest.demo import DEFAULT_SEED, Group, generate  # noqa: E402
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader  # noqa: E402

STATE = Group.STATE.value
CONFOUNDERS = (Group.VPN_CGNAT.value, Group.VIRAL.value, Group.FAN.value)
TIME_WINDOW, MIN_PARTICIPATION = 60, 2  # coordinated sharing as CooRTweet is usually run
SHARE_FILES = (
    ("shares/posts.csv", ObjectType.POST),
    ("shares/urls.csv", ObjectType.URL),
    ("shares/hashtags.csv", ObjectType.HASHTAG),
)


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted: int
    true_positives: int


@dataclass(slots=True)
class QualityReport:
    """Everything the harness measured."""

    per_signal: dict[str, Scores]
    fused_any: Scores
    fused_state_accounts: Scores
    fused_state_all: Scores
    confounders_in_state: dict[str, int]
    confounders_in_any: dict[str, int]
    state_network: Network | None
    networks: int
    timings: dict[str, float] = field(default_factory=dict)
    fusion: FusionRun | None = None


@dataclass(frozen=True, slots=True)
class Truth:
    """truth.csv: every entity's group by key (keys as the loaders write them), and which are
    accounts."""

    groups: dict[str, str]
    accounts: frozenset[str]


def read_truth(path: Path) -> Truth:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    key = "{0[platform]}:{0[entity_id]}".format
    return Truth(
        {key(r): r["group"] for r in rows},
        frozenset(key(r) for r in rows if r["entity_type"] == "account"),
    )


def score(predicted: Iterable[str], truth: Mapping[str, str], universe: Iterable[str]) -> Scores:
    """Precision, recall and F1 of `predicted` against the state entities of `universe`."""
    keys = set(universe)
    pred = set(predicted) & keys
    positive = {k for k in keys if truth.get(k) == STATE}
    tp = len(pred & positive)
    precision = tp / len(pred) if pred else 0.0
    recall = tp / len(positive) if positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return Scores(precision, recall, f1, len(pred), tp)


def load_demo(driver: Driver, out: Path, *, scale: float, seed: int) -> float:
    """Generate the demo into `out` and load all of it; returns the seconds spent loading."""
    generate(out=out, seed=seed, scale=scale)
    rejects = out / "rejects"
    started = time.perf_counter()
    for path in bundle_files([out / "bundle"]):
        report = run_load(BundleLoader(), path, driver=driver, rejects_dir=rejects)
        if report.rows_rejected:
            raise RuntimeError(f"{path.name}: {report.rows_rejected} rows rejected")
    for name, object_type in SHARE_FILES:
        run_load(
            ShareEventsLoader(object_type=object_type),
            out / name,
            driver=driver,
            rejects_dir=rejects,
        )
    return time.perf_counter() - started


def run_detections(driver: Driver, timings: dict[str, float]) -> dict[str, str]:
    """Every signal, written as a run; returns signal -> run key."""
    runs: dict[str, str] = {}
    t = time.perf_counter()
    runs["coordination"] = write_coordination(
        driver,
        detect_coordination(driver, time_window=TIME_WINDOW, min_participation=MIN_PARTICIPATION),
    ).run_id
    timings["coordination"] = time.perf_counter() - t
    t = time.perf_counter()
    runs["infrastructure"] = write_infrastructure(driver, detect_infrastructure(driver))
    timings["infrastructure"] = time.perf_counter() - t
    t = time.perf_counter()
    runs["control"] = write_control(driver, detect_control(driver))
    timings["control"] = time.perf_counter() - t
    t = time.perf_counter()
    runs["cohorts"] = write_cohorts(driver, detect_cohorts(driver))
    timings["cohorts"] = time.perf_counter() - t
    return runs


def evaluate(
    driver: Driver,
    truth_: Truth,
    *,
    params: FusionParams | None = None,
    use_gds: bool | None = None,
) -> QualityReport:
    """Run every detection and the fusion on the loaded demo, and score them against `truth`."""
    p = params or FusionParams()
    timings: dict[str, float] = {}
    runs = run_detections(driver, timings)
    t = time.perf_counter()
    fusion = detect_networks(driver, p, runs=runs, use_gds=use_gds)
    timings["fusion"] = time.perf_counter() - t
    truth, accounts = truth_.groups, truth_.accounts
    edges = read_signal_edges(driver, runs)
    per_signal = {}
    for signal in SIGNALS:
        alone = find_networks({signal: edges.get(signal, [])}, p)
        per_signal[signal] = score((m for n in alone for m in n.members), truth, accounts)
    networks = fusion.networks
    state = max(networks, key=lambda n: sum(truth.get(m) == STATE for m in n.members), default=None)
    state_members = set(state.members) if state else set()
    state_all = state_members | {e.key for e in state.entities} if state else set()
    anywhere = {m for n in networks for m in n.members}
    return QualityReport(
        per_signal=per_signal,
        fused_any=score(anywhere, truth, accounts),
        fused_state_accounts=score(state_members, truth, accounts),
        fused_state_all=score(state_all, truth, truth),
        confounders_in_state={g: sum(truth.get(m) == g for m in state_all) for g in CONFOUNDERS},
        confounders_in_any={g: sum(truth.get(m) == g for m in anywhere) for g in CONFOUNDERS},
        state_network=state,
        networks=len(networks),
        timings=timings,
        fusion=fusion,
    )


def format_report(report: QualityReport) -> str:
    """The report as a readable table."""

    def row(name: str, s: Scores) -> str:
        return (
            f"{name:36} {s.precision:9.3f} {s.recall:7.3f} {s.f1:7.3f} "
            f"{s.predicted:9,} {s.true_positives:7,}"
        )

    lines = [
        f"{'membership (state = positive)':36} {'precision':>9} {'recall':>7} {'F1':>7} "
        f"{'predicted':>9} {'correct':>7}"
    ]
    for signal, s in report.per_signal.items():
        lines.append(row(f"{signal} alone (accounts)", s))
    lines.append(row("fused, any network (accounts)", report.fused_any))
    lines.append(row("fused, state network (accounts)", report.fused_state_accounts))
    lines.append(row("fused, state network (+pages, groups)", report.fused_state_all))
    lines.append(f"networks found: {report.networks}")
    for g in CONFOUNDERS:
        lines.append(
            f"confounder {g:16} in the state network: {report.confounders_in_state[g]:4}, "
            f"in any network: {report.confounders_in_any[g]:4}"
        )
    lines.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.timings.items()))
    if report.state_network is not None:
        lines.append("")
        lines.append("The state network:")
        lines.append(report.state_network.explanation())
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--keep", action="store_true", help="leave the instance running")
    args = ap.parse_args()
    os.environ.update(
        {
            "NEO4J_URI": "neo4j://127.0.0.1:7692",
            "NEO4J_PASSWORD": "cibgraph-quality",
            "NEO4J_INSTANCE": "quality",
            "NEO4J_HTTP_PORT": "7482",
            "NEO4J_HEAP": os.environ.get("QUALITY_HEAP", "1g"),
            "NEO4J_PAGECACHE": os.environ.get("QUALITY_PAGECACHE", "512m"),
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
