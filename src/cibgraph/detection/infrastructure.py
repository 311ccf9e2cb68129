"""Shared infrastructure: accounts tied by the IP addresses they used, weighted by what each says.

Two accounts that used the same address are linked by a SHARES_INFRA_WITH edge whose `weight` adds
up, over every address they share, how much that address says:

    contribution = access weight x rarity x time factor

- **access weight** of the weaker of the two uses (USED_IP.access): `unblocked` 1.0 (a mainland
  address that reaches the platform without a VPN is a strong tie), `hosting` 0.6, `unknown` 0.3
  (home broadband, mobile carriers and their CGNAT), `vpn` 0.2 (exits are shared by strangers);
- **rarity**, IDF-like within a cap C (`max_accounts`, default 100): an address used by n accounts
  counts ln(C / n) / ln(C / 2), so 1.0 for a pair alone on it, falling towards 0 as n nears C.
  Addresses used by C accounts or more contribute nothing at all and yield no edge: a popular VPN
  exit or CGNAT address can never fuse its thousands of users into one cluster, and the work stays
  below C^2 / 2 pairs per address;
- **time factor** 1.0 when the two accounts' use overlapped in time (USED_IP first_seen..last_seen),
  0.5 when it did not; unknown times count as overlapping (most sources give none).

Edges whose weight is below `min_weight` are not written. Each edge keeps `shared_ips`, how many of
them overlapped in time, and `evidence`: the keys of the (at most three) addresses that contribute
most, strongest first.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
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

KIND = "infrastructure"
ALGORITHM = "shared IPs: access x IDF-like rarity under a cap x time overlap"
_STRENGTH = "1 - exp(-weight / 0.15): one unblocked IP shared by ~40 accounts 0.76"
EVIDENCE_IPS = 3
ACCESS_WEIGHTS: dict[str, float] = {"unblocked": 1.0, "hosting": 0.6, "unknown": 0.3, "vpn": 0.2}


@params_model(config=PARAMS_CONFIG)
class InfraParams:
    """The knobs of shared-infrastructure detection."""

    max_accounts: int = Field(
        default=100, ge=3, description="IPs used by this many accounts or more are ignored."
    )
    min_weight: float = Field(
        default=0.01, ge=0.0, description="Edges below this weight are not written."
    )
    disjoint_factor: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Multiplies an IP whose two uses did not overlap in time.",
    )


@dataclass(frozen=True, slots=True)
class IpUse:
    """One account's use of one address (times in epoch ms, -1 when unknown)."""

    account: str
    access: str
    first_ms: int
    last_ms: int


@dataclass(frozen=True, slots=True)
class IpUsage:
    """An address shared by `users` accounts, with their uses (empty above the cap)."""

    ip: str
    users: int
    uses: tuple[IpUse, ...]


@dataclass(frozen=True, slots=True)
class InfraEdge:
    """One undirected edge, from the smaller account key to the larger."""

    a: str
    b: str
    weight: float
    shared_ips: int
    overlapping_ips: int
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class InfraResult:
    params: InfraParams
    edges: tuple[InfraEdge, ...]
    ips_used: int  # shared addresses that contributed
    ips_capped: int  # shared addresses ignored for being too common

    def report(self) -> list[tuple[str, Scalar]]:
        """The counts a front end prints."""
        return [
            ("shared IPs used", self.ips_used),
            ("IPs above the cap", self.ips_capped),
            ("edges", len(self.edges)),
        ]


def rarity(users: int, cap: int) -> float:
    """ln(cap / users) / ln(cap / 2): 1.0 for two users, 0.0 at the cap and above."""
    if users >= cap:
        return 0.0
    return math.log(cap / users) / math.log(cap / 2)


def access_weight(access: str) -> float:
    return ACCESS_WEIGHTS.get(access, ACCESS_WEIGHTS["unknown"])


def _overlap(u: IpUse, v: IpUse) -> bool:
    if min(u.first_ms, u.last_ms, v.first_ms, v.last_ms) < 0:
        return True  # unknown times: no evidence against
    return u.first_ms <= v.last_ms and v.first_ms <= u.last_ms


def read_ip_usage(
    driver: Driver, *, max_accounts: int, database: str | None = None
) -> list[IpUsage]:
    """Every address shared by two accounts or more, with its uses below the cap (READ)."""
    records = QueryRunner(driver, database=database).run(
        "detect/ip_usage", {"max_accounts": max_accounts}
    )
    return [
        IpUsage(
            r["ip"],
            r["users"],
            tuple(IpUse(str(k), str(acc), int(f), int(la)) for k, acc, f, la in r["uses"]),
        )
        for r in records
    ]


def compute_infrastructure(usage: Sequence[IpUsage], params: InfraParams) -> InfraResult:
    """The shared-infrastructure edges of `usage` (pure; see the module docstring)."""
    cap = params.max_accounts
    # pair -> [weight, shared, overlapping, [(contribution, ip), ...]]
    pairs: dict[tuple[str, str], list[Any]] = {}
    used = capped = 0
    for usage_ in usage:
        if usage_.users >= cap or len(usage_.uses) < 2:
            capped += usage_.users >= cap
            continue
        used += 1
        r = rarity(usage_.users, cap)
        uses = sorted(usage_.uses, key=lambda u: u.account)
        for u, v in combinations(uses, 2):
            if u.account == v.account:
                continue
            overlap = _overlap(u, v)
            c = min(access_weight(u.access), access_weight(v.access)) * r
            c *= 1.0 if overlap else params.disjoint_factor
            entry = pairs.setdefault((u.account, v.account), [0.0, 0, 0, []])
            entry[0] += c
            entry[1] += 1
            entry[2] += overlap
            entry[3].append((c, usage_.ip))
    edges = []
    for (a, b), (weight, shared, overlapping, contributions) in sorted(pairs.items()):
        if weight < params.min_weight or weight <= 0.0:
            continue
        top = sorted(contributions, key=lambda t: (-t[0], t[1]))[:EVIDENCE_IPS]
        edges.append(InfraEdge(a, b, weight, shared, overlapping, [ip for _, ip in top]))
    return InfraResult(params, tuple(edges), used, capped)


def detect_infrastructure(
    driver: Driver, params: InfraParams | None = None, *, database: str | None = None
) -> InfraResult:
    """Read the IP uses from Neo4j and compute the shared-infrastructure edges."""
    p = params or InfraParams()
    usage = read_ip_usage(driver, max_accounts=p.max_accounts, database=database)
    result = compute_infrastructure(usage, p)
    logger.info(
        "infrastructure: %d shared IPs used, %d above the cap, %d edges",
        result.ips_used,
        result.ips_capped,
        len(result.edges),
    )
    return result


def write_infrastructure(
    driver: Driver, result: InfraResult, *, database: str | None = None
) -> str:
    """Record a DetectionRun and its SHARES_INFRA_WITH edges; returns the run key."""
    run = start_run(
        driver, kind=KIND, algorithm=ALGORITHM, params=asdict(result.params), database=database
    )
    QueryRunner(driver, database=database).write_batches(
        "detect/shares_infra_with", (asdict(e) for e in result.edges), params={"run": run.run_id}
    )
    accounts = len({k for e in result.edges for k in (e.a, e.b)})
    finish_run(
        driver,
        run_id=run.run_id,
        counts={
            "edges": len(result.edges),
            "accounts": accounts,
            "ips_used": result.ips_used,
            "ips_capped": result.ips_capped,
        },
        database=database,
    )
    return run.run_id


def _strength(row: Mapping[str, Any]) -> float:
    return saturating(float(row["weight"]), 0.15)


def _evidence(row: Mapping[str, Any]) -> str:
    ips = ", ".join(row["evidence"] or [])
    return (
        f"{row['a']} and {row['b']} used {row['shared_ips']} of the same rare IPs ({ips}; "
        f"weight {float(row['weight']):.2f})"
    )


SIGNAL: Signal[InfraParams, InfraResult] = Signal(
    kind=KIND,
    label="shared infrastructure",
    summary="Accounts tied by the rare IPs they used.",
    rel_type=RelType.SHARES_INFRA_WITH,
    params=InfraParams,
    detect=detect_infrastructure,
    write=write_infrastructure,
    fusion=FusionReader("detect/fusion_infrastructure_edges", _strength, _STRENGTH, _evidence),
)
