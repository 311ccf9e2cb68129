"""Creation bursts and naming patterns: accounts made together, named alike, run from one client.

Design. Accounts of one platform are sorted by creation time; consecutive accounts created at most
`max_gap` seconds apart chain into a run, and a run of at least `min_size` accounts is a *burst*
(ordinary sign-ups arrive hours or days apart, so chains of ten within minutes are rare by
chance). Within a burst each account is linked to the next `neighbours` accounts in creation
order by a COHORT_WITH edge (a band, not a clique: a burst of 10,000 accounts gives 10,000 x
`neighbours` edges, still one connected cohort). The edge's `weight` says how alike the two are:

    weight = 0.4 (created in the same burst)
           + 0.4 if their handles have the same shape (letters -> `a`, each digit -> `9`, other
             characters kept: `Wangfang20193847` and `lixiu88301245` are both `a99999999`)
           + 0.2 if they used the same client application

Fusion only keeps edges of weight 0.65 or more by default (cibgraph.detection.fusion), so two
accounts that merely were created in the same hour, or also share a client as thousands of
people do, do not count as a tie; one burst of look-alike handles does. Accounts with a
pattern-like handle that were not created in a burst get no edge at all: a person who kept the
platform's default handle is not swept in by the handle alone.

Each edge keeps `burst` (platform and first creation time of the burst), `burst_size`,
`created_gap` (seconds between the two creations), `same_shape`, `same_client` and `shape`
(the earlier account's handle shape).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from neo4j import Driver
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.runs import finish_run, start_run
from cibgraph.detection.signal import PARAMS_CONFIG, FusionReader, Scalar, Signal
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import RelType

logger = logging.getLogger(__name__)

KIND = "cohorts"
ALGORITHM = "creation bursts (gap chaining) x handle shape x client"
_STRENGTH = "the weight as written: 0.4 same burst, +0.4 same handle shape, +0.2 same client"
BURST_WEIGHT = 0.4
SHAPE_WEIGHT = 0.4
CLIENT_WEIGHT = 0.2

_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


@params_model(config=PARAMS_CONFIG)
class CohortParams:
    """The knobs of creation-cohort detection."""

    max_gap: int = Field(
        default=1800, ge=0, description="Seconds between consecutive creations inside a burst."
    )
    min_size: int = Field(default=10, ge=2, description="Accounts a burst needs.")
    neighbours: int = Field(
        default=10, ge=1, description="Later accounts of the burst each account is linked to."
    )


@dataclass(frozen=True, slots=True)
class AccountProfile:
    account: str
    platform: str
    created_ms: int
    handle: str
    client: str


@dataclass(frozen=True, slots=True)
class CohortEdge:
    a: str  # created first
    b: str
    weight: float
    burst: str
    burst_size: int
    created_gap: float  # seconds
    same_shape: bool
    same_client: bool
    shape: str


@dataclass(frozen=True, slots=True)
class CohortResult:
    params: CohortParams
    edges: tuple[CohortEdge, ...]
    bursts: int
    accounts_in_bursts: int

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        return [
            ("bursts", self.bursts),
            ("accounts in bursts", self.accounts_in_bursts),
            ("edges", len(self.edges)),
        ]


def handle_shape(handle: str) -> str:
    """Letters runs become `a`, each digit `9`, anything else stays: `ab_c12` -> `a_a99`."""
    return _DIGIT.sub("9", _LETTERS.sub("a", handle))


def find_bursts(profiles: Sequence[AccountProfile], params: CohortParams) -> list[list[int]]:
    """Indexes of `profiles` (sorted by platform, then creation) grouped into bursts."""
    bursts: list[list[int]] = []
    gap_ms = params.max_gap * 1000
    order = sorted(
        range(len(profiles)), key=lambda i: (profiles[i].platform, profiles[i].created_ms)
    )
    for _, same_platform in groupby(order, key=lambda i: profiles[i].platform):
        run: list[int] = []
        for i in same_platform:
            if run and profiles[i].created_ms - profiles[run[-1]].created_ms > gap_ms:
                if len(run) >= params.min_size:
                    bursts.append(run)
                run = []
            run.append(i)
        if len(run) >= params.min_size:
            bursts.append(run)
    return bursts


def compute_cohorts(profiles: Sequence[AccountProfile], params: CohortParams) -> CohortResult:
    """The cohort edges of `profiles` (pure; see the module docstring)."""
    edges: list[CohortEdge] = []
    bursts = find_bursts(profiles, params)
    for burst in bursts:
        first = profiles[burst[0]]
        began = datetime.fromtimestamp(first.created_ms / 1000, UTC)
        burst_id = f"{first.platform}:{began:%Y-%m-%dT%H:%M:%SZ}"
        shapes = [handle_shape(profiles[i].handle) for i in burst]
        for pos, i in enumerate(burst):
            u = profiles[i]
            for k in range(pos + 1, min(len(burst), pos + 1 + params.neighbours)):
                v = profiles[burst[k]]
                same_shape = bool(u.handle and v.handle) and shapes[pos] == shapes[k]
                same_client = bool(u.client) and u.client == v.client
                weight = BURST_WEIGHT + SHAPE_WEIGHT * same_shape + CLIENT_WEIGHT * same_client
                edges.append(
                    CohortEdge(
                        u.account,
                        v.account,
                        round(weight, 6),
                        burst_id,
                        len(burst),
                        (v.created_ms - u.created_ms) / 1000,
                        same_shape,
                        same_client,
                        shapes[pos],
                    )
                )
    return CohortResult(params, tuple(edges), len(bursts), sum(len(b) for b in bursts))


def read_profiles(driver: Driver, *, database: str | None = None) -> list[AccountProfile]:
    """Creation time, handle and client of every account that has a creation time (READ)."""
    return [
        AccountProfile(r["account"], r["platform"], r["created_ms"], r["handle"], r["client"])
        for r in QueryRunner(driver, database=database).run("detect/account_profiles")
    ]


def detect_cohorts(
    driver: Driver, params: CohortParams | None = None, *, database: str | None = None
) -> CohortResult:
    """Read the account profiles from Neo4j and compute the cohort edges."""
    p = params or CohortParams()
    result = compute_cohorts(read_profiles(driver, database=database), p)
    logger.info(
        "cohorts: %d bursts holding %d accounts, %d edges",
        result.bursts,
        result.accounts_in_bursts,
        len(result.edges),
    )
    return result


def write_cohorts(driver: Driver, result: CohortResult, *, database: str | None = None) -> str:
    """Record a DetectionRun and its COHORT_WITH edges; returns the run key."""
    run = start_run(
        driver, kind=KIND, algorithm=ALGORITHM, params=asdict(result.params), database=database
    )
    QueryRunner(driver, database=database).write_batches(
        "detect/cohort_with", (asdict(e) for e in result.edges), params={"run": run.run_id}
    )
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "edges": len(result.edges),
            "bursts": result.bursts,
            "accounts": result.accounts_in_bursts,
        },
        database=database,
    )
    return run.run_id


def _strength(row: Mapping[str, Any]) -> float:
    return float(row["weight"])


def _evidence(row: Mapping[str, Any]) -> str:
    alike = [
        f"both with handles shaped {row['shape']}" if row["same_shape"] else "",
        "the same client" if row["same_client"] else "",
    ]
    detail = " and ".join(x for x in alike if x)
    return (
        f"{row['a']} and {row['b']} were created {float(row['created_gap']):.0f} s apart in a "
        f"burst of {row['burst_size']} accounts starting {row['burst']}"
        + (f", {detail}" if detail else "")
    )


SIGNAL: Signal[CohortParams, CohortResult] = Signal(
    kind=KIND,
    label="creation burst with look-alike handles",
    summary="Creation bursts with look-alike handles and clients.",
    rel_type=RelType.COHORT_WITH,
    params=CohortParams,
    detect=detect_cohorts,
    write=write_cohorts,
    fusion=FusionReader("detect/fusion_cohort_edges", _strength, _STRENGTH, _evidence),
)
