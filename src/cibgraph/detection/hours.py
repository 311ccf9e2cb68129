"""Operator hours: accounts that keep the same office clock, in the same time zone.

Design. An account's *activity* is its distinct posts and share events (a post it wrote, or a
content id it shared with), each at its time in UTC; only the last `recent_days` of its activity
count (a bought account's earlier owner kept other hours). Accounts with fewer than `min_posts`
such events are left out: a handful of posts says nothing about a clock.

1. **Profile**: the share of the account's activity in each of the 168 hours of the week
   (Monday 00:00-00:59 UTC is hour 0).
2. **Concentration**: for every whole-hour UTC offset from -12 to +14, the share of the activity
   that falls on a weekday (Monday to Friday, local) between `office_start` and `office_start`
   + 9 hours, local time (09:00-18:00 by default). The account's *likely offset* is the offset
   with the largest share (ties: the one nearest UTC, then the east one), and the account is
   *concentrated* when that share is at least `min_office_share`. People post in the evening,
   at night and at weekends; an office posts 09:00-18:00 on weekdays.
3. **Likeness**: two concentrated accounts whose likely offsets differ by at most one hour are
   compared by the cosine similarity of their profiles, after summing each profile into
   three-hour blocks (56 per week: two accounts of one office rarely post in the very same
   hours, but in the same blocks); pairs at `min_similarity` or more are candidates, and each
   account keeps its `neighbours` most similar candidates (a band, as cohorts keep: one office
   of a thousand operators is one connected group without a million edges).

Each OFFICE_HOURS_WITH edge (from the smaller account key) keeps `weight` = `similarity` (the
cosine), `offset` (the pair's likely UTC offset: the first account's; the explanation states
it), `a_share` / `b_share` (each account's share of activity in that offset's office block),
`a_posts` / `b_posts` (the activity counted). The run's counts say how many accounts were
profiled and concentrated, and the offset most of the concentrated accounts keep.

This trace alone is weak by design: a night-shift team of real people keeps one clock too. Its
fusion weight (cibgraph.detection.fusion) keeps a tie of this kind alone under the edge threshold.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from neo4j import Driver
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.runs import finish_run, start_run
from cibgraph.detection.signal import PARAMS_CONFIG, FusionReader, Scalar, Signal
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import RelType

logger = logging.getLogger(__name__)

KIND = "hours"
ALGORITHM = "hour-of-week profiles: office-block share per UTC offset, cosine of 3-hour blocks"
HOURS_OF_WEEK = 168
OFFSETS = tuple(range(-12, 15))
OFFICE_SPAN = 9  # hours in the office block
BLOCK = 3  # hours summed per block for the likeness
_HOUR_MS = 3_600_000
_DAY_MS = 24 * _HOUR_MS
# 1970-01-01 was a Thursday: hour 0 of the epoch is hour 72 of a Monday-based week.
_EPOCH_HOUR_OF_WEEK = 72


@params_model(config=PARAMS_CONFIG)
class HoursParams:
    """The knobs of operator-hours detection."""

    min_posts: int = Field(
        default=20, ge=1, description="Posts and shares an account needs to be profiled."
    )
    recent_days: int = Field(
        default=180, ge=1, description="Days of an account's latest activity that count."
    )
    office_start: int = Field(
        default=9, ge=0, le=23, description="Local hour the 9-hour weekday office block starts."
    )
    min_office_share: float = Field(
        default=0.7,
        gt=0.0,
        le=1.0,
        description="Share of activity in the office block that makes an account concentrated.",
    )
    min_similarity: float = Field(
        default=0.8, gt=0.0, le=1.0, description="Cosine of two profiles that links them."
    )
    neighbours: int = Field(
        default=10, ge=1, description="Most similar accounts each concentrated account keeps."
    )


@dataclass(frozen=True, slots=True)
class Clock:
    """One profiled account: its activity count, likely offset and office share there."""

    account: str
    posts: int
    offset: int
    share: float


@dataclass(frozen=True, slots=True)
class HoursEdge:
    a: str
    b: str
    weight: float
    similarity: float
    offset: int
    a_share: float
    b_share: float
    a_posts: int
    b_posts: int


@dataclass(frozen=True, slots=True)
class HoursResult:
    params: HoursParams
    edges: tuple[HoursEdge, ...]
    profiled: int
    concentrated: tuple[Clock, ...]

    @property
    def main_offset(self) -> int | None:
        """The likely offset most concentrated accounts keep (ties: the one nearest UTC, then
        the east one, as for one account)."""
        counts = Counter(c.offset for c in self.concentrated)
        if not counts:
            return None
        return min(counts, key=lambda o: (-counts[o], abs(o), -o))

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        main = self.main_offset
        return [
            ("accounts profiled", self.profiled),
            ("concentrated", len(self.concentrated)),
            ("most common offset", "-" if main is None else utc_offset(main)),
            ("edges", len(self.edges)),
        ]


def utc_offset(offset: int) -> str:
    """'UTC+8', 'UTC-5', 'UTC'."""
    return "UTC" if offset == 0 else f"UTC{offset:+d}"


def hour_of_week(at_ms: int) -> int:
    """The UTC hour of the week (Monday 00:00 is 0) of an epoch-milliseconds time."""
    return (at_ms // _HOUR_MS + _EPOCH_HOUR_OF_WEEK) % HOURS_OF_WEEK


def office_mask(offset: int, office_start: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """The UTC hours of the week that are weekday office hours at this offset."""
    mask = np.zeros(HOURS_OF_WEEK, dtype=bool)
    for day in range(5):
        for h in range(office_start, office_start + OFFICE_SPAN):
            local = day * 24 + h
            mask[(local - offset) % HOURS_OF_WEEK] = True
    return mask


def profile(at_ms: Sequence[int], recent_days: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Counts per UTC hour of the week of the events in the last `recent_days` of activity."""
    times = np.asarray(at_ms, dtype=np.int64)
    times = times[times >= times.max() - recent_days * _DAY_MS]
    hours = (times // _HOUR_MS + _EPOCH_HOUR_OF_WEEK) % HOURS_OF_WEEK
    return np.bincount(hours, minlength=HOURS_OF_WEEK).astype(np.float64)


def likely_offset(counts: np.ndarray[Any, Any], office_start: int) -> tuple[int, float]:
    """The offset whose office block holds the largest share of `counts`, and that share."""
    total = float(counts.sum())
    best, best_share = 0, -1.0
    for offset in sorted(OFFSETS, key=lambda o: (abs(o), -o)):
        share = float(counts[office_mask(offset, office_start)].sum()) / total
        if share > best_share + 1e-12:
            best, best_share = offset, share
    return best, best_share


def compute_hours(activity: Mapping[str, Sequence[int]], params: HoursParams) -> HoursResult:
    """The operator-hours edges of every account's activity times (pure; see the docstring)."""
    clocks: list[Clock] = []
    blocks: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    profiled = 0
    for account in sorted(activity):
        times = activity[account]
        if len(times) < params.min_posts:
            continue
        counts = profile(times, params.recent_days)
        n = int(counts.sum())
        if n < params.min_posts:
            continue
        profiled += 1
        offset, share = likely_offset(counts, params.office_start)
        if share < params.min_office_share:
            continue
        clocks.append(Clock(account, n, offset, share))
        summed = counts.reshape(-1, BLOCK).sum(axis=1)
        blocks.append(summed / np.linalg.norm(summed))
    edges: dict[tuple[int, int], float] = {}
    if clocks:
        matrix = np.vstack(blocks)
        similarity = matrix @ matrix.T
        offsets = np.array([c.offset for c in clocks])
        near = np.abs(offsets[:, None] - offsets[None, :]) <= 1
        candidate = (similarity >= params.min_similarity) & near
        np.fill_diagonal(candidate, False)
        for i in range(len(clocks)):
            js = np.flatnonzero(candidate[i])
            if not len(js):
                continue
            # the most similar first; ties by the other account's key
            order = sorted(js.tolist(), key=lambda j: (-similarity[i, j], clocks[j].account))
            for j in order[: params.neighbours]:
                pair = (i, j) if clocks[i].account < clocks[j].account else (j, i)
                edges[pair] = float(similarity[i, j])
    out = []
    for (i, j), sim in sorted(
        edges.items(), key=lambda kv: (clocks[kv[0][0]].account, clocks[kv[0][1]].account)
    ):
        a, b = clocks[i], clocks[j]
        mask = None if a.offset == b.offset else office_mask(a.offset, params.office_start)
        b_share = b.share
        if mask is not None:  # b's share in a's block, the pair's offset
            b_share = float(profile(activity[b.account], params.recent_days)[mask].sum()) / b.posts
        rounded = round(min(1.0, sim), 6)
        out.append(
            HoursEdge(
                a.account,
                b.account,
                rounded,
                rounded,
                a.offset,
                round(a.share, 6),
                round(b_share, 6),
                a.posts,
                b.posts,
            )
        )
    return HoursResult(params, tuple(out), profiled, tuple(clocks))


def read_activity(
    driver: Driver, min_posts: int, *, database: str | None = None
) -> dict[str, list[int]]:
    """Each account's distinct activity times (epoch ms), for accounts with enough (READ)."""
    records = QueryRunner(driver, database=database).run(
        "detect/activity_times", {"min_posts": min_posts}
    )
    return {r["account"]: list(r["at_ms"]) for r in records}


def detect_hours(
    driver: Driver, params: HoursParams | None = None, *, database: str | None = None
) -> HoursResult:
    """Read every account's activity from Neo4j and compute the operator-hours edges."""
    p = params or HoursParams()
    result = compute_hours(read_activity(driver, p.min_posts, database=database), p)
    logger.info(
        "hours: %d accounts profiled, %d concentrated, %d edges",
        result.profiled,
        len(result.concentrated),
        len(result.edges),
    )
    return result


def write_hours(driver: Driver, result: HoursResult, *, database: str | None = None) -> str:
    """Record a DetectionRun and its OFFICE_HOURS_WITH edges; returns the run key."""
    run = start_run(
        driver, kind=KIND, algorithm=ALGORITHM, params=asdict(result.params), database=database
    )
    QueryRunner(driver, database=database).write_batches(
        "detect/office_hours_with", (asdict(e) for e in result.edges), params={"run": run.run_id}
    )
    main = result.main_offset
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "edges": len(result.edges),
            "profiled": result.profiled,
            "concentrated": len(result.concentrated),
            "main_offset": main,
        },
        database=database,
    )
    return run.run_id


def block_text(offset: int, office_start: int) -> str:
    """'weekdays 09:00-18:00 at UTC+8'."""
    return (
        f"weekdays {office_start:02d}:00-{(office_start + OFFICE_SPAN) % 24:02d}:00 "
        f"at {utc_offset(offset)}"
    )


def _strength(row: Mapping[str, Any]) -> float:
    return float(row["weight"])


def _evidence(row: Mapping[str, Any]) -> str:
    start = int(row.get("office_start") or 9)
    offset = int(row["offset"])
    return (
        f"{row['a']} and {row['b']} keep one office clock, likely {utc_offset(offset)}: "
        f"{float(row['a_share']):.0%} and {float(row['b_share']):.0%} of their "
        f"{int(row['a_posts'])} and {int(row['b_posts'])} posts fall on "
        f"{block_text(offset, start)} (weekly profiles {float(row['similarity']):.2f} "
        "alike)"
    )


def _summary(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The network's office: the offset most of its edges keep, and its accounts' mean share
    of activity in that offset's office block (each account counted once)."""
    offsets = Counter(int(r["offset"]) for r in rows)
    ((offset, n),) = offsets.most_common(1)
    start = int(rows[0].get("office_start") or 9)
    shares: dict[str, float] = {}
    for r in rows:
        if int(r["offset"]) == offset:
            shares.setdefault(str(r["a"]), float(r["a_share"]))
            shares.setdefault(str(r["b"]), float(r["b_share"]))
    mean = sum(shares.values()) / len(shares)
    return (
        f"likely {utc_offset(offset)} ({n:,} of {len(rows):,} edges): its {len(shares):,} "
        f"accounts post {mean:.0%} of their activity on {block_text(offset, start)}, on average"
    )


SIGNAL: Signal[HoursParams, HoursResult] = Signal(
    kind=KIND,
    label="operator hours",
    summary="Accounts concentrated in the same weekday office hours of one UTC offset.",
    rel_type=RelType.OFFICE_HOURS_WITH,
    params=HoursParams,
    detect=detect_hours,
    write=write_hours,
    fusion=FusionReader(
        "detect/fusion_office_hours_edges",
        _strength,
        "the profiles' cosine similarity (0.8 to 1), fusion weight 0.5",
        _evidence,
        _summary,
    ),
)
