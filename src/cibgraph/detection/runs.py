"""A generic DetectionRun record: started with its kind and parameters, finished with its counts.

Every detection writes its relationships with a `run` property naming the run's key, so two runs
(say, two IP caps) live side by side and can be compared, and fusion can name exactly the runs it
combined. Parameters and counts become flat properties of the run node; the names the record
itself uses (key, kind, algorithm, status, started_at, finished_at) cannot be overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from neo4j import Driver

from cibgraph.neo4j.runner import QueryRunner

RESERVED = frozenset({"key", "kind", "algorithm", "status", "started_at", "finished_at"})
Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run that was started: its key, kind and start time."""

    run_id: str
    kind: str
    started_at: datetime


def new_run_id(kind: str, started_at: datetime) -> str:
    """A readable, unique run key: `infrastructure-20250101T120000Z-1a2b3c4d`."""
    return f"{kind}-{started_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _flat(values: Mapping[str, Scalar], what: str) -> dict[str, Scalar]:
    clash = RESERVED & set(values)
    if clash:
        raise ValueError(f"{what} may not use the run's own property names {sorted(clash)}")
    return dict(values)


def start_run(
    driver: Driver,
    *,
    kind: str,
    algorithm: str,
    params: Mapping[str, Scalar],
    run_id: str | None = None,
    database: str | None = None,
) -> RunRecord:
    """Write a DetectionRun in status `writing` with its parameters; returns its record."""
    started = datetime.now(UTC)
    run = run_id or new_run_id(kind, started)
    QueryRunner(driver, database=database).run(
        "detect/run_start",
        {
            "run": run,
            "kind": kind,
            "algorithm": algorithm,
            "params": _flat(params, "params"),
            "started_at": started,
        },
    )
    return RunRecord(run, kind, started)


def finish_run(
    driver: Driver,
    *,
    run_id: str,
    counts: Mapping[str, Scalar],
    database: str | None = None,
) -> datetime:
    """Mark the run complete with its counts; returns when."""
    finished = datetime.now(UTC)
    records = QueryRunner(driver, database=database).run(
        "detect/run_finish",
        {"run": run_id, "counts": _flat(counts, "counts"), "finished_at": finished},
    )
    if not records:
        raise KeyError(f"no detection run {run_id!r}")
    return finished


def latest_run(driver: Driver, *, kind: str, database: str | None = None) -> str | None:
    """The key of the most recent complete run of `kind`, or None."""
    records = QueryRunner(driver, database=database).run("detect/latest_run", {"kind": kind})
    return str(records[0]["run"]) if records else None
