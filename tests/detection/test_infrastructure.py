"""Shared infrastructure: exact weights, rare vs popular IPs, access classes, time overlap."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from neo4j import Driver

from cibgraph.detection.infrastructure import (
    InfraParams,
    IpUsage,
    IpUse,
    compute_infrastructure,
    detect_infrastructure,
    rarity,
    write_infrastructure,
)
from cibgraph.neo4j.db import read, write

DAY = 86_400_000


def use(account: str, access: str = "unblocked", first: int = 0, last: int = DAY) -> IpUse:
    return IpUse(account, access, first, last)


def test_rarity_is_one_for_a_pair_and_zero_at_the_cap() -> None:
    assert rarity(2, 100) == 1.0
    assert rarity(10, 100) == pytest.approx(math.log(10) / math.log(50))
    assert rarity(99, 100) == pytest.approx(math.log(100 / 99) / math.log(50))
    assert rarity(100, 100) == 0.0
    assert rarity(5_000, 100) == 0.0


def test_weights_add_access_rarity_and_overlap() -> None:
    usage = [
        IpUsage("203.0.113.1", 2, (use("t:a"), use("t:b"))),  # rare, unblocked, overlapping
        IpUsage("198.51.100.1", 3, (use("t:a", "vpn"), use("t:b", "vpn"), use("t:c", "vpn"))),
        # a hosting address the two used a year apart
        IpUsage(
            "192.0.2.1",
            2,
            (use("t:a", "hosting", 0, DAY), use("t:c", "hosting", 400 * DAY, 401 * DAY)),
        ),
    ]
    result = compute_infrastructure(usage, InfraParams(max_accounts=10))
    edges = {(e.a, e.b): e for e in result.edges}
    assert set(edges) == {("t:a", "t:b"), ("t:a", "t:c"), ("t:b", "t:c")}
    r3 = math.log(10 / 3) / math.log(5)
    ab = edges[("t:a", "t:b")]
    assert ab.weight == pytest.approx(1.0 + 0.2 * r3)
    assert (ab.shared_ips, ab.overlapping_ips, ab.evidence) == (
        2,
        2,
        ["203.0.113.1", "198.51.100.1"],
    )
    ac = edges[("t:a", "t:c")]
    assert ac.weight == pytest.approx(0.2 * r3 + 0.6 * 1.0 * 0.5)
    assert (ac.shared_ips, ac.overlapping_ips, ac.evidence) == (2, 1, ["192.0.2.1", "198.51.100.1"])
    bc = edges[("t:b", "t:c")]
    assert bc.weight == pytest.approx(0.2 * r3)
    # the weaker of two access classes counts
    mixed = compute_infrastructure(
        [IpUsage("203.0.113.9", 2, (use("t:x", "unblocked"), use("t:y", "vpn")))], InfraParams()
    )
    assert [e.weight for e in mixed.edges] == [pytest.approx(0.2)]


def test_a_popular_ip_fuses_nobody() -> None:
    crowd = tuple(use(f"t:{i:03d}", "unblocked") for i in range(150))
    rare = IpUsage("203.0.113.7", 2, (use("t:000"), use("t:001")))
    result = compute_infrastructure([IpUsage("198.51.100.9", 150, crowd), rare], InfraParams())
    assert [(e.a, e.b) for e in result.edges] == [("t:000", "t:001")]
    assert (result.ips_used, result.ips_capped) == (1, 1)
    # just under the cap it counts for almost nothing: below the default min_weight, and tiny
    # when every edge is kept
    crowd99 = [IpUsage("198.51.100.9", 99, crowd[:99])]
    assert compute_infrastructure(crowd99, InfraParams()).edges == ()
    near = compute_infrastructure(crowd99, InfraParams(min_weight=0.0))
    assert len(near.edges) == 99 * 98 // 2
    assert max(e.weight for e in near.edges) == pytest.approx(math.log(100 / 99) / math.log(50))


def _login(driver: Driver, account: str, ip: str, access: str, first: str, last: str) -> None:
    write(
        driver,
        "MERGE (a:Account {key: $a}) MERGE (i:IP {key: $ip}) "
        "MERGE (a)-[u:USED_IP]->(i) SET u.access = $access, u.first_seen = datetime($f), "
        "u.last_seen = datetime($l)",
        {"a": account, "ip": ip, "access": access, "f": first, "l": last},
    )


def test_detect_and_write_on_a_small_graph(db: Driver) -> None:
    for a in ("twitter:1", "twitter:2"):
        _login(db, a, "203.0.113.1", "unblocked", "2019-01-01T00:00:00Z", "2019-02-01T00:00:00Z")
    _login(
        db, "twitter:3", "203.0.113.1", "unblocked", "2019-06-01T00:00:00Z", "2019-07-01T00:00:00Z"
    )
    for i in range(5):  # a popular exit with 5 users, above a cap of 4
        _login(
            db,
            f"twitter:{i}",
            "198.51.100.1",
            "vpn",
            "2019-01-01T00:00:00Z",
            "2019-12-01T00:00:00Z",
        )
    result = detect_infrastructure(db, InfraParams(max_accounts=4))
    assert (result.ips_used, result.ips_capped) == (1, 1)
    run = write_infrastructure(db, result)
    rows = read(
        db,
        "MATCH (a)-[r:SHARES_INFRA_WITH {run: $run}]->(b) RETURN a.key AS a, b.key AS b, "
        "r.weight AS w, r.shared_ips AS n, r.overlapping_ips AS o, r.evidence AS ev ORDER BY a, b",
        {"run": run},
    )
    r3 = math.log(4 / 3) / math.log(2)
    got = [(r["a"], r["b"], r["w"], r["n"], r["o"], r["ev"]) for r in rows]
    assert got == [
        ("twitter:1", "twitter:2", pytest.approx(r3), 1, 1, ["203.0.113.1"]),
        ("twitter:1", "twitter:3", pytest.approx(r3 * 0.5), 1, 0, ["203.0.113.1"]),
        ("twitter:2", "twitter:3", pytest.approx(r3 * 0.5), 1, 0, ["203.0.113.1"]),
    ]
    counts = read(db, "MATCH (r:DetectionRun {key: $run}) RETURN r", {"run": run})[0]["r"]
    assert (counts["edges"], counts["accounts"], counts["ips_capped"], counts["max_accounts"]) == (
        3,
        3,
        1,
        4,
    )
    assert isinstance(counts["finished_at"].to_native(), datetime)
    assert counts["finished_at"].to_native().tzinfo is not None
    assert counts["finished_at"].to_native() <= datetime.now(UTC)
