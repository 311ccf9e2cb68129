"""Shared control: accounts that run the same pages and groups, the pages and groups they tie, and
pages whose audiences overlap.

One `control` run writes three kinds of edges:

- (Account)-[:CO_ADMIN_WITH {weight, evidence}]->(Account): the two accounts administer `weight`
  pages or groups together; `evidence` names (at most three of) them;
- (Page|Group)-[:CO_ADMIN_WITH {weight, evidence}]->(Page|Group): the two are administered by
  `weight` common accounts; `evidence` names (at most three of) them;
- (Page)-[:AUDIENCE_OVERLAP {jaccard, common}]->(Page): the Jaccard index of the two pages'
  followers, written when they have at least `min_common` followers in common and the index is at
  least `min_jaccard`.

Pages or groups with more than `max_admins` admins, and accounts administering more than that
many, are skipped: a shared agency or a platform account is not a tie. Audience overlap is
evidence about pages only: fusion lists it with a network's pages, but never attaches a page to a
network through it (a fan community following the same pages is not the network running them).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from neo4j import Driver
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.runs import finish_run, start_run
from cibgraph.detection.signal import PARAMS_CONFIG, FusionReader, Scalar, Signal, saturating
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import RelType

logger = logging.getLogger(__name__)

KIND = "control"
ALGORITHM = "common admins of pages and groups; Jaccard of page followers"
_STRENGTH = "1 - exp(-weight): one page or group run together 0.63, two 0.86"
EVIDENCE = 3


@params_model(config=PARAMS_CONFIG)
class ControlParams:
    """The knobs of shared-control detection."""

    max_admins: int = Field(
        default=50, ge=2, description="Skip pages and groups with more admins (and busier admins)."
    )
    min_common: int = Field(
        default=3, ge=1, description="Followers two pages must share for an audience overlap."
    )
    min_jaccard: float = Field(
        default=0.05, ge=0.0, le=1.0, description="Smallest Jaccard index of an audience overlap."
    )


@dataclass(frozen=True, slots=True)
class AdminLinks:
    """The admins of one page or group."""

    entity: str
    kind: str  # 'page' or 'group'
    admins: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CoAdminEdge:
    a: str
    b: str
    weight: int
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class EntityEdge:
    a: str
    a_kind: str
    b: str
    b_kind: str
    weight: int
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class OverlapEdge:
    a: str
    b: str
    jaccard: float
    common: int


@dataclass(frozen=True, slots=True)
class ControlResult:
    params: ControlParams
    co_admins: tuple[CoAdminEdge, ...]
    entity_links: tuple[EntityEdge, ...]
    overlaps: tuple[OverlapEdge, ...]

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        return [
            ("co-admin account pairs", len(self.co_admins)),
            ("page/group pairs", len(self.entity_links)),
            ("audience overlaps", len(self.overlaps)),
        ]


def compute_co_admins(
    links: Sequence[AdminLinks], params: ControlParams
) -> tuple[tuple[CoAdminEdge, ...], tuple[EntityEdge, ...]]:
    """Account pairs sharing pages/groups, and page/group pairs sharing admins."""
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    run_by: dict[str, list[AdminLinks]] = defaultdict(list)
    for link in links:
        admins = sorted(set(link.admins))
        if len(admins) > params.max_admins:
            continue
        for a in admins:
            run_by[a].append(link)
        for a, b in combinations(admins, 2):
            shared[(a, b)].append(link.entity)
    co_admins = tuple(
        CoAdminEdge(a, b, len(ents), sorted(ents)[:EVIDENCE])
        for (a, b), ents in sorted(shared.items())
    )
    common: dict[tuple[tuple[str, str], tuple[str, str]], list[str]] = defaultdict(list)
    for admin, entities in run_by.items():
        if len(entities) > params.max_admins:
            continue
        ends = sorted({(e.entity, e.kind) for e in entities})
        for x, y in combinations(ends, 2):
            common[(x, y)].append(admin)
    entity_links = tuple(
        EntityEdge(x[0], x[1], y[0], y[1], len(admins), sorted(admins)[:EVIDENCE])
        for (x, y), admins in sorted(common.items())
    )
    return co_admins, entity_links


def compute_overlaps(
    followers: Mapping[str, Sequence[str]], params: ControlParams
) -> tuple[OverlapEdge, ...]:
    """Jaccard of followers for every pair of pages with enough followers in common."""
    sets = {page: frozenset(f) for page, f in followers.items()}
    pages_of: dict[str, list[str]] = defaultdict(list)
    for page in sorted(sets):
        for account in sets[page]:
            pages_of[account].append(page)
    common: dict[tuple[str, str], int] = defaultdict(int)
    for pages in pages_of.values():
        for a, b in combinations(pages, 2):
            common[(a, b)] += 1
    edges = []
    for (a, b), n in sorted(common.items()):
        if n < params.min_common:
            continue
        jaccard = n / len(sets[a] | sets[b])
        if jaccard >= params.min_jaccard:
            edges.append(OverlapEdge(a, b, jaccard, n))
    return tuple(edges)


def detect_control(
    driver: Driver, params: ControlParams | None = None, *, database: str | None = None
) -> ControlResult:
    """Read admins and page followers from Neo4j and compute the three kinds of edges."""
    p = params or ControlParams()
    links = [
        AdminLinks(r["entity"], r["kind"], tuple(r["admins"]))
        for r in QueryRunner(driver, database=database).run("detect/admin_links")
    ]
    followers = {
        r["page"]: list(r["followers"])
        for r in QueryRunner(driver, database=database).run("detect/page_followers")
    }
    co_admins, entity_links = compute_co_admins(links, p)
    return ControlResult(p, co_admins, entity_links, compute_overlaps(followers, p))


def write_control(driver: Driver, result: ControlResult, *, database: str | None = None) -> str:
    """Record a DetectionRun and its three kinds of edges; returns the run key."""
    run = start_run(
        driver, kind=KIND, algorithm=ALGORITHM, params=asdict(result.params), database=database
    )
    for query, rows in (
        ("detect/co_admin_accounts", result.co_admins),
        ("detect/co_admin_entities", result.entity_links),
        ("detect/audience_overlap", result.overlaps),
    ):
        QueryRunner(driver, database=database).write_batches(
            query, (asdict(r) for r in rows), params={"run": run.run_id}
        )
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "co_admin_edges": len(result.co_admins),
            "entity_edges": len(result.entity_links),
            "audience_overlap_edges": len(result.overlaps),
        },
        database=database,
    )
    return run.run_id


def _strength(row: Mapping[str, Any]) -> float:
    return saturating(int(row["weight"]), 1)


def _evidence(row: Mapping[str, Any]) -> str:
    return (
        f"{row['a']} and {row['b']} administer {int(row['weight'])} pages or groups together "
        f"({', '.join(row['evidence'] or [])})"
    )


SIGNAL: Signal[ControlParams, ControlResult] = Signal(
    kind=KIND,
    label="shared control of pages and groups",
    summary="Accounts that run the same pages and groups; pages whose audiences overlap.",
    rel_type=RelType.CO_ADMIN_WITH,
    also_writes=(RelType.AUDIENCE_OVERLAP,),
    params=ControlParams,
    detect=detect_control,
    write=write_control,
    fusion=FusionReader("detect/fusion_control_edges", _strength, _STRENGTH, _evidence),
)
