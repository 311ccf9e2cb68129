"""How well the detections find the demo's state network: precision, recall and F1 against truth.

With the state group as the positive class (truth.csv, written by cibgraph.ingest.demo):

- per signal: the networks that signal alone yields (same fusion thresholds, one signal at
  weight 1, so that a corroborating trace is measured for what it finds by itself), scored on
  accounts, with how many members of each confounder group those networks hold;
- fused: all networks, and the state network (the one holding most state accounts), scored on
  accounts and on accounts + pages + groups;
- for each confounder group, how many of its members landed in the state network (and in any).

`bench/quality.py` runs this on a dedicated instance; tests/detection/test_quality.py on the
test instance.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver

from cibgraph.detection.fusion import (
    SIGNALS,
    FusionParams,
    FusionRun,
    Network,
    find_networks,
    read_signal_edges,
)
from cibgraph.detection.pipeline import detect_and_fuse
from cibgraph.ingest import demo as ingest_demo
from cibgraph.ingest.demo import Group
from cibgraph.ingest.shares import ObjectType

STATE = Group.STATE.value
CONFOUNDERS = tuple(
    g.value
    for g in (
        Group.VPN_CGNAT,
        Group.VIRAL,
        Group.FAN,
        Group.NEWS_BOTS,
        Group.NIGHT_SHIFT,
        Group.LANGUAGE_CHANGERS,
    )
)
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
    """Everything the evaluation measured."""

    per_signal: dict[str, Scores]
    per_signal_confounders: dict[str, dict[str, int]]  # signal -> group -> members swept in
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


def load_demo(
    driver: Driver, out: Path, *, scale: float, seed: int, database: str | None = None
) -> float:
    """Generate the demo into `out` and load all of it; returns the seconds spent loading."""
    loaded = ingest_demo.load_demo(
        driver, out=out, seed=seed, scale=scale, regenerate=True, database=database
    )
    for report in loaded.reports:
        if report.loader == "bundle" and report.rows_rejected:
            raise RuntimeError(f"{report.path.name}: {report.rows_rejected} rows rejected")
    return loaded.seconds


def evaluate(
    driver: Driver,
    truth_: Truth,
    *,
    params: FusionParams | None = None,
    use_gds: bool | None = None,
    database: str | None = None,
) -> QualityReport:
    """Run every detection (fresh, with its defaults) and the fusion on the loaded demo, and
    score them against `truth_`."""
    p = params or FusionParams()
    done = detect_and_fuse(driver, fresh=True, fusion=p, use_gds=use_gds, database=database)
    truth, accounts = truth_.groups, truth_.accounts
    runs = {k: r.run_id for k, r in done.signals.items()}
    edges = read_signal_edges(driver, runs, database=database)
    per_signal = {}
    per_signal_confounders = {}
    for signal in SIGNALS:
        solo = FusionParams(
            min_edge=p.min_edge,
            min_member_strength=p.min_member_strength,
            min_size=p.min_size,
            min_score=p.min_score,
            min_group_share=p.min_group_share,
            max_p_value=p.max_p_value,
            weights={signal: 1.0},
        )
        alone = find_networks({signal: edges.get(signal, [])}, solo)
        members = {m for n in alone for m in n.members}
        per_signal[signal] = score(members, truth, accounts)
        per_signal_confounders[signal] = {
            g: sum(truth.get(m) == g for m in members) for g in CONFOUNDERS
        }
    networks = done.fusion.networks
    state = max(networks, key=lambda n: sum(truth.get(m) == STATE for m in n.members), default=None)
    state_members = set(state.members) if state else set()
    state_all = state_members | {e.key for e in state.entities} if state else set()
    anywhere = {m for n in networks for m in n.members}
    return QualityReport(
        per_signal=per_signal,
        per_signal_confounders=per_signal_confounders,
        fused_any=score(anywhere, truth, accounts),
        fused_state_accounts=score(state_members, truth, accounts),
        fused_state_all=score(state_all, truth, truth),
        confounders_in_state={g: sum(truth.get(m) == g for m in state_all) for g in CONFOUNDERS},
        confounders_in_any={g: sum(truth.get(m) == g for m in anywhere) for g in CONFOUNDERS},
        state_network=state,
        networks=len(networks),
        timings=done.timings,
        fusion=done.fusion,
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
        swept = report.per_signal_confounders.get(signal, {})
        named = ", ".join(f"{g} {k}" for g, k in swept.items() if k)
        lines.append(
            row(f"{signal} alone (accounts)", s) + (f"  confounders: {named}" if named else "")
        )
    lines.append(row("fused, any network (accounts)", report.fused_any))
    lines.append(row("fused, state network (accounts)", report.fused_state_accounts))
    lines.append(row("fused, state network (+pages, groups)", report.fused_state_all))
    lines.append(f"networks found: {report.networks}")
    for g in CONFOUNDERS:
        lines.append(
            f"confounder {g:17} in the state network: {report.confounders_in_state[g]:4}, "
            f"in any network: {report.confounders_in_any[g]:4}"
        )
    lines.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.timings.items()))
    if report.state_network is not None:
        lines.append("")
        lines.append("The state network:")
        lines.append(report.state_network.explanation())
    return "\n".join(lines)
