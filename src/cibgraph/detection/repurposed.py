"""Repurposed accounts: one account, two owners; and accounts repurposed in the same weeks.

An account bought or taken over keeps its id, age and followers, but its new owner posts in
another language, from another client, at other hours, often after months of silence, and
sometimes says so ("test new owner"). This signal looks for the moment that happened.

Timeline. An account's events are its distinct posts (POSTED, with their language, client and
text when the loader kept them) and share events (SHARED content ids: a time only), in time
order, each content id once.

Change point. Every split between two consecutive events with at least `min_side` events on
each side is a candidate. At a split, each aspect compares the events before with those after:

- `language`: the total-variation distance between the posts' language distributions (the
  primary subtag: `zh-cn` and `zh-tw` are both `zh`), when each side has `min_side` / 2 posts
  with a language;
- `client`: the same for the posts' client applications;
- `hours`: the same for the events' UTC hours of the day, in four six-hour blocks;
- `dormancy`: the gap between the two events at the split, in days (`dormant_days` or more:
  a dormant account woke up);
- `phrase`: a post in the `phrase_days` after the split holds an ownership-change phrase
  (`OWNERSHIP_PHRASES`, matched in lower case anywhere in the text).

The split chosen is the one with the largest sum of the three distances plus 1 for a dormant
gap (the earliest on ties). There an aspect has *changed* when its distance is at least
`min_change`, the gap is dormant, or a phrase is found. An account is REPURPOSED when at least
`min_changes` aspects changed: a person who starts posting in another language, or buys a new
phone, changes one aspect; a new owner changes several.

Finding. The account gets the latest run's finding as properties: `repurposed_run`,
`repurposed_at` (the time of the first event after the split), `repurposed_aspects` (the
aspects that changed) and `repurposed_changes` (each change in words: `language en -> zh`).
A run first clears the finding of every account an earlier run marked.

Links. Two repurposed accounts whose change times are at most `window_days` apart are linked
by REPURPOSED_WITH (each account to its `neighbours` nearest in change time, a band); the edge
keeps `weight` = the aspects both changed, `common` (their names), `days_apart`, and each
side's change time (`a_at`, `b_at`).
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.runs import finish_run, start_run
from cibgraph.detection.signal import PARAMS_CONFIG, FusionReader, Scalar, Signal, saturating
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import RelType

logger = logging.getLogger(__name__)

KIND = "repurposed"
ALGORITHM = "best split of each timeline: language, client, hour distances, dormancy, phrases"
ASPECTS = ("language", "client", "hours", "dormancy", "phrase")
_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000

#: Ownership-change phrases, lower case, in the languages the known cases used and a few more.
OWNERSHIP_PHRASES: tuple[str, ...] = (
    # English
    "test new owner",
    "new owner",
    "account sold",
    "this account has been sold",
    "under new management",
    # Chinese (simplified and traditional)
    "测试新主人",
    "新主人",
    "新號主",
    "新号主",
    "此号已转让",
    "此號已轉讓",
    "账号已转让",
    # Indonesian and Malay
    "pemilik baru",
    "akun ini dijual",
    # Spanish, Portuguese, French, Russian, Arabic
    "nuevo dueño",
    "novo dono",
    "nouveau propriétaire",
    "новый владелец",
    "المالك الجديد",
)


@params_model(config=PARAMS_CONFIG)
class RepurposedParams:
    """The knobs of repurposed-account detection."""

    min_side: int = Field(default=10, ge=2, description="Events a change point needs on each side.")
    min_change: float = Field(
        default=0.6,
        gt=0.0,
        le=1.0,
        description="Distance between before and after that counts as a change.",
    )
    dormant_days: int = Field(
        default=90, ge=1, description="Days of silence before a change that count as dormancy."
    )
    phrase_days: int = Field(
        default=60, ge=0, description="Days after a change point searched for ownership phrases."
    )
    min_changes: int = Field(
        default=2, ge=1, le=5, description="Aspects that must change for a REPURPOSED finding."
    )
    window_days: int = Field(
        default=14, ge=0, description="Days between two accounts' changes that link them."
    )
    neighbours: int = Field(
        default=10, ge=1, description="Accounts nearest in change time each account keeps."
    )


@dataclass(frozen=True, slots=True)
class Timeline:
    """One account's events in time order (None where an event does not say)."""

    at_ms: list[int]
    language: list[str | None]
    client: list[str | None]
    text: list[str | None]


@dataclass(frozen=True, slots=True)
class Finding:
    """A REPURPOSED finding: when, and what changed."""

    account: str
    at_ms: int  # the first event after the split
    aspects: tuple[str, ...]
    changes: tuple[str, ...]
    before: int  # events before and after the split
    after: int


@dataclass(frozen=True, slots=True)
class RepurposedEdge:
    a: str
    b: str
    weight: int
    common: list[str]
    days_apart: float
    a_at: int  # epoch ms
    b_at: int


@dataclass(frozen=True, slots=True)
class RepurposedResult:
    params: RepurposedParams
    findings: tuple[Finding, ...]
    edges: tuple[RepurposedEdge, ...]
    accounts: int  # timelines long enough to split

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        return [
            ("accounts examined", self.accounts),
            ("repurposed", len(self.findings)),
            ("edges", len(self.edges)),
        ]


def primary_language(code: str | None) -> str | None:
    """`zh-CN` -> `zh`; empty or `und` -> None."""
    if not code:
        return None
    head = code.strip().lower().replace("_", "-").split("-")[0]
    return None if head in ("", "und") else head


def ownership_phrase(text: str | None) -> str | None:
    """The first ownership-change phrase the text holds, if any."""
    if not text:
        return None
    low = text.lower()
    return next((p for p in OWNERSHIP_PHRASES if p in low), None)


def _tv(before: Counter[str], nb: int, after: Counter[str], na: int) -> float:
    keys = set(before) | set(after)
    return 0.5 * sum(abs(before[k] / nb - after[k] / na) for k in keys)


def _mode(counts: Counter[str]) -> str:
    return min(counts, key=lambda k: (-counts[k], k))


def _block(at_ms: int) -> str:
    start = (at_ms // _HOUR_MS % 24) // 6 * 6
    return f"{start:02d}:00-{start + 6:02d}:00"


class _Side:
    """Counts of one aspect's values on the two sides of a moving split."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.values = values
        self.before: Counter[str] = Counter()
        self.after: Counter[str] = Counter(v for v in values if v is not None)
        self.nb = 0
        self.na = sum(self.after.values())

    def move(self, i: int) -> None:
        v = self.values[i]
        if v is not None:
            self.before[v] += 1
            self.after[v] -= 1
            if not self.after[v]:
                del self.after[v]
            self.nb += 1
            self.na -= 1

    def distance(self, need: int) -> float | None:
        if self.nb < need or self.na < need:
            return None
        return _tv(self.before, self.nb, self.after, self.na)


def change_point(account: str, timeline: Timeline, params: RepurposedParams) -> Finding | None:
    """The account's REPURPOSED finding, or None (see the module docstring)."""
    n = len(timeline.at_ms)
    side = params.min_side
    if n < 2 * side:
        return None
    need = max(1, side // 2)
    sides = {
        "language": _Side([primary_language(v) for v in timeline.language]),
        "client": _Side([v or None for v in timeline.client]),
        "hours": _Side([_block(t) for t in timeline.at_ms]),
    }
    dormant_ms = params.dormant_days * _DAY_MS
    best: tuple[float, int, dict[str, float | None]] | None = None
    for i in range(n):  # the split between event i - 1 and event i
        if i >= side and n - i >= side:
            dist = {k: s.distance(need) for k, s in sides.items()}
            gap = timeline.at_ms[i] - timeline.at_ms[i - 1]
            total = sum(d for d in dist.values() if d is not None) + (gap >= dormant_ms)
            if best is None or total > best[0] + 1e-12:
                best = (total, i, dist)
        for s in sides.values():
            s.move(i)
    if best is None:
        return None
    _, i, dist = best
    aspects: list[str] = []
    changes: list[str] = []
    for name in ("language", "client", "hours"):
        d = dist[name]
        if d is None or d < params.min_change:
            continue
        values = sides[name].values
        before = Counter(v for v in values[:i] if v is not None)
        after = Counter(v for v in values[i:] if v is not None)
        aspects.append(name)
        unit = " UTC" if name == "hours" else ""
        changes.append(f"{name} {_mode(before)} -> {_mode(after)}{unit} (distance {d:.2f})")
    gap_days = (timeline.at_ms[i] - timeline.at_ms[i - 1]) / _DAY_MS
    if gap_days >= params.dormant_days:
        aspects.append("dormancy")
        changes.append(f"woke after {gap_days:.0f} days dormant")
    until = timeline.at_ms[i] + params.phrase_days * _DAY_MS
    phrase = next(
        (
            p
            for t, text in zip(timeline.at_ms[i:], timeline.text[i:], strict=True)
            if t <= until and (p := ownership_phrase(text)) is not None
        ),
        None,
    )
    if phrase is not None:
        aspects.append("phrase")
        changes.append(f"ownership phrase '{phrase}'")
    if len(aspects) < params.min_changes:
        return None
    return Finding(account, timeline.at_ms[i], tuple(aspects), tuple(changes), i, n - i)


def link_findings(
    findings: Sequence[Finding], params: RepurposedParams
) -> tuple[RepurposedEdge, ...]:
    """REPURPOSED_WITH edges between findings at most `window_days` apart (a band)."""
    window = params.window_days * _DAY_MS
    ordered = sorted(findings, key=lambda f: (f.at_ms, f.account))
    times = [f.at_ms for f in ordered]
    pairs: dict[tuple[int, int], None] = {}
    for i, f in enumerate(ordered):
        lo, hi = bisect_left(times, f.at_ms - window), bisect_right(times, f.at_ms + window)
        near = [j for j in range(lo, hi) if j != i]
        near.sort(key=lambda j: (abs(ordered[j].at_ms - f.at_ms), ordered[j].account))
        for j in near[: params.neighbours]:
            pairs[(min(i, j), max(i, j))] = None
    edges = []
    for i, j in pairs:
        x, y = ordered[i], ordered[j]
        if x.account > y.account:
            x, y = y, x
        common = [a for a in ASPECTS if a in x.aspects and a in y.aspects]
        edges.append(
            RepurposedEdge(
                x.account,
                y.account,
                len(common),
                common,
                round(abs(x.at_ms - y.at_ms) / _DAY_MS, 3),
                x.at_ms,
                y.at_ms,
            )
        )
    return tuple(sorted(edges, key=lambda e: (e.a, e.b)))


def compute_repurposed(
    timelines: Mapping[str, Timeline], params: RepurposedParams
) -> RepurposedResult:
    """Findings and links of every timeline (pure; see the module docstring)."""
    findings = []
    examined = 0
    for account in sorted(timelines):
        timeline = timelines[account]
        if len(timeline.at_ms) >= 2 * params.min_side:
            examined += 1
        finding = change_point(account, timeline, params)
        if finding is not None:
            findings.append(finding)
    return RepurposedResult(params, tuple(findings), link_findings(findings, params), examined)


def read_timelines(
    driver: Driver, min_events: int, *, database: str | None = None
) -> dict[str, Timeline]:
    """Each account's events in time order, for accounts with at least `min_events` (READ)."""
    records = QueryRunner(driver, database=database).run(
        "detect/account_timelines", {"min_events": min_events}
    )
    return {
        r["account"]: Timeline(
            list(r["at_ms"]), list(r["languages"]), list(r["clients"]), list(r["texts"])
        )
        for r in records
    }


def detect_repurposed(
    driver: Driver, params: RepurposedParams | None = None, *, database: str | None = None
) -> RepurposedResult:
    """Read the accounts' timelines from Neo4j and find the repurposed ones."""
    p = params or RepurposedParams()
    result = compute_repurposed(read_timelines(driver, 2 * p.min_side, database=database), p)
    logger.info(
        "repurposed: %d accounts examined, %d repurposed, %d edges",
        result.accounts,
        len(result.findings),
        len(result.edges),
    )
    return result


def write_repurposed(
    driver: Driver, result: RepurposedResult, *, database: str | None = None
) -> str:
    """Record a DetectionRun, the findings on their accounts and the REPURPOSED_WITH edges."""
    run = start_run(
        driver, kind=KIND, algorithm=ALGORITHM, params=asdict(result.params), database=database
    )
    runner = QueryRunner(driver, database=database)
    runner.run("detect/repurposed_clear", {"run": run.run_id})
    runner.write_batches(
        "detect/repurposed_findings",
        (
            {
                "account": f.account,
                "at_ms": f.at_ms,
                "aspects": list(f.aspects),
                "changes": list(f.changes),
            }
            for f in result.findings
        ),
        params={"run": run.run_id},
    )
    runner.write_batches(
        "detect/repurposed_with", (asdict(e) for e in result.edges), params={"run": run.run_id}
    )
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "accounts": result.accounts,
            "repurposed": len(result.findings),
            "edges": len(result.edges),
        },
        database=database,
    )
    return run.run_id


def _day(at_ms: int) -> str:
    return datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y-%m-%d")


def _strength(row: Mapping[str, Any]) -> float:
    return saturating(float(row["weight"]), 2.0)


def _evidence(row: Mapping[str, Any]) -> str:
    common = list(row["common"] or [])
    both = f"both changed {', '.join(common)}" if common else "no change in common"
    return (
        f"{row['a']} and {row['b']} were repurposed {float(row['days_apart']):.0f} days apart "
        f"({_day(int(row['a_at']))} and {_day(int(row['b_at']))}); {both}"
    )


SIGNAL: Signal[RepurposedParams, RepurposedResult] = Signal(
    kind=KIND,
    label="repurposed in the same weeks",
    summary="Accounts whose language, client, hours or activity changed hands in the same weeks.",
    rel_type=RelType.REPURPOSED_WITH,
    params=RepurposedParams,
    detect=detect_repurposed,
    write=write_repurposed,
    fusion=FusionReader(
        "detect/fusion_repurposed_edges",
        _strength,
        "1 - exp(-aspects both changed / 2), fusion weight 0.6",
        _evidence,
    ),
)
