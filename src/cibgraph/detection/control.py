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

from neo4j import Driver

from cibgraph.detection.runs import finish_run, start_run
from cibgraph.neo4j.db import write_batches
from cibgraph.neo4j.registry import get_query

logger = logging.getLogger(__name__)

KIND = "control"
ALGORITHM = "common admins of pages and groups; Jaccard of page followers"
EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class ControlParams:
    max_admins: int = 50
    min_common: int = 3  # followers two pages must share for an AUDIENCE_OVERLAP edge
    min_jaccard: float = 0.05

    def __post_init__(self) -> None:
        if self.max_admins < 2:
            raise ValueError("max_admins must be at least 2")
        if self.min_common < 1:
            raise ValueError("min_common must be at least 1")
        if not 0.0 <= self.min_jaccard <= 1.0:
            raise ValueError("min_jaccard must be between 0 and 1")


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
        for r in get_query("detect/admin_links").run(driver, database=database)
    ]
    followers = {
        r["page"]: list(r["followers"])
        for r in get_query("detect/page_followers").run(driver, database=database)
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
        write_batches(
            driver,
            get_query(query).text,
            (asdict(r) for r in rows),
            params={"run": run.run_id},
            database=database,
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
