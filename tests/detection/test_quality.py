"""The quality evaluation (cibgraph.detection.quality) on the test instance: the demo's state
network is found.

The same evaluation bench/quality.py prints: generate the default demo, load it, run every
detection and the fusion, and score network membership against the generator's truth.csv.
"""

from __future__ import annotations

import time
from pathlib import Path

from neo4j import Driver

from cibgraph.detection.quality import CONFOUNDERS, evaluate, load_demo, read_truth
from cibgraph.ingest.demo import DEFAULT_SEED


def test_fused_networks_find_the_state_network_and_no_confounder(
    db: Driver, tmp_path: Path
) -> None:
    started = time.perf_counter()
    load_demo(db, tmp_path / "demo", scale=1.0, seed=DEFAULT_SEED)
    loaded = time.perf_counter()
    report = evaluate(db, read_truth(tmp_path / "demo" / "truth.csv"))
    print(f"load {loaded - started:.1f} s, detect {time.perf_counter() - loaded:.1f} s")
    assert report.fused_state_all.f1 >= 0.95
    assert report.fused_state_accounts.f1 >= 0.95
    assert report.fused_any.f1 >= 0.95
    assert report.confounders_in_state == dict.fromkeys(CONFOUNDERS, 0)
    state = report.state_network
    assert state is not None
    assert sorted(e.kind for e in state.entities) == ["group"] * 3 + ["page"] * 7
    # every signal that can see the state accounts on its own does
    assert report.per_signal["coordination"].f1 >= 0.9
    assert report.per_signal["cohorts"].precision == 1.0
    assert report.per_signal["infrastructure"].precision == 1.0
