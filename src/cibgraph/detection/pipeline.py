"""The detection pipeline: run the missing (or all) signals, then fuse them into networks.

The one place that does this job: the CLI (`cibgraph detect ...`), the API's `startDetection`,
the benchmarks and the tests all call `run_signal` or `detect_and_fuse`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from cibgraph.detection.fusion import FusionParams, FusionRun, detect_networks
from cibgraph.detection.registry import get_signal, kinds
from cibgraph.detection.runs import latest_run
from cibgraph.detection.signal import Scalar, Signal

logger = logging.getLogger(__name__)

#: Told each step as it starts and ends ('coordination: detecting', 'coordination: run ... in
#: 1.2 s', 'fusion: ...'), so a front end can show progress.
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SignalRun:
    """One signal's run, made now or an earlier complete one that was reused."""

    kind: str
    run_id: str
    ran: bool  # False: the latest complete run was reused
    report: tuple[tuple[str, Scalar], ...] = ()  # the result's counts (empty when reused)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class PipelineResult:
    """The signal runs fused, and the fusion run."""

    signals: dict[str, SignalRun]
    fusion: FusionRun
    fusion_seconds: float

    @property
    def timings(self) -> dict[str, float]:
        """Seconds per step, in the order they ran (reused signals took none)."""
        steps = {k: r.seconds for k, r in self.signals.items() if r.ran}
        return {**steps, "fusion": self.fusion_seconds}


def _quiet(_: str) -> None:
    return None


def _params(signal: Signal[Any, Any], params: Mapping[str, Any] | object | None) -> Any:
    if params is None or isinstance(params, Mapping):
        return signal.make_params(params)
    if isinstance(params, signal.params):
        return params
    raise TypeError(f"{signal.kind} takes {signal.params.__name__}, not {type(params).__name__}")


def run_signal(
    driver: Driver,
    kind: str,
    params: Mapping[str, Any] | object | None = None,
    *,
    database: str | None = None,
    progress: Progress = _quiet,
) -> SignalRun:
    """Detect and write one run of the signal `kind`.

    `params` is the signal's parameter model, or plain values for it (defaults for the rest);
    a bad value raises ValueError with a one-line message before anything is read.
    """
    signal = get_signal(kind)
    p = _params(signal, params)
    progress(f"{kind}: detecting")
    started = time.perf_counter()
    run_id, result = signal.run(driver, p, database=database)
    seconds = time.perf_counter() - started
    progress(f"{kind}: run {run_id} in {seconds:.1f} s")
    return SignalRun(kind, run_id, True, tuple(result.report()), seconds)


def run_detections(
    driver: Driver,
    *,
    fresh: bool = False,
    only: Iterable[str] | None = None,
    params: Mapping[str, Mapping[str, Any] | object] | None = None,
    database: str | None = None,
    progress: Progress = _quiet,
) -> dict[str, SignalRun]:
    """A run of each signal (of `only`, default every registered one): the latest complete run
    when there is one, unless `fresh`; a new run otherwise, with `params[kind]`."""
    chosen = list(kinds() if only is None else dict.fromkeys(only))
    given = dict(params or {})
    unknown = sorted(set(given) - set(chosen))
    if unknown:
        raise ValueError(f"parameters for signals that do not run: {', '.join(unknown)}")
    # every parameter is checked before the first detection starts
    resolved = {kind: _params(get_signal(kind), given.get(kind)) for kind in chosen}
    runs: dict[str, SignalRun] = {}
    for kind in chosen:
        existing = None if fresh else latest_run(driver, kind=kind, database=database)
        if existing is not None:
            progress(f"{kind}: using run {existing}")
            runs[kind] = SignalRun(kind, existing, False)
            continue
        runs[kind] = run_signal(driver, kind, resolved[kind], database=database, progress=progress)
    return runs


def detect_and_fuse(
    driver: Driver,
    *,
    fresh: bool = False,
    params: Mapping[str, Mapping[str, Any] | object] | None = None,
    fusion: FusionParams | None = None,
    use_gds: bool | None = None,
    database: str | None = None,
    progress: Progress = _quiet,
) -> PipelineResult:
    """Run the missing signals (every signal when `fresh`), then fuse the runs into networks.

    `use_gds` None means GDS when the server has it.
    """
    signals = run_detections(
        driver, fresh=fresh, params=params, database=database, progress=progress
    )
    progress("fusion: fusing " + ", ".join(signals))
    started = time.perf_counter()
    result = detect_networks(
        driver,
        fusion,
        runs={k: r.run_id for k, r in signals.items()},
        use_gds=use_gds,
        database=database,
    )
    seconds = time.perf_counter() - started
    progress(f"fusion: run {result.run_id}, {len(result.networks)} networks in {seconds:.1f} s")
    return PipelineResult(signals, result, seconds)
