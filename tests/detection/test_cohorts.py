"""Creation bursts and naming patterns: bursts, handle shapes, exact edge weights."""

from __future__ import annotations

from neo4j import Driver

from cibgraph.detection.cohorts import (
    AccountProfile,
    CohortParams,
    compute_cohorts,
    detect_cohorts,
    find_bursts,
    handle_shape,
    write_cohorts,
)
from cibgraph.neo4j.db import read, write

T0 = 1_503_014_400_000  # 2017-08-18T00:00:00Z
MIN = 60_000


def test_handle_shape() -> None:
    assert handle_shape("Wangfang20193847") == "a99999999"
    assert handle_shape("li_xiu88") == "a_a99"
    assert handle_shape("kelly.chan") == "a.a"
    assert handle_shape("") == ""


def _burst() -> list[AccountProfile]:
    """Twelve look-alikes a minute apart, one ordinary sign-up inside the burst, one look-alike
    created a month later."""
    ps = [
        AccountProfile(f"twitter:s{i:02d}", "twitter", T0 + i * MIN, f"abcd{i:08d}", "Web Client")
        for i in range(12)
    ]
    ps.append(AccountProfile("twitter:o1", "twitter", T0 + 5 * MIN + 1, "kelly_chan77", "iPhone"))
    ps.append(
        AccountProfile("twitter:o2", "twitter", T0 + 30 * 1440 * MIN, "zyxw12345678", "Web Client")
    )
    return ps


def test_bursts_chain_creations_within_the_gap() -> None:
    ps = _burst()
    bursts = find_bursts(ps, CohortParams(max_gap=120, min_size=10))
    assert [sorted(ps[i].account for i in b) for b in bursts] == [
        sorted([p.account for p in ps[:13]])
    ]
    assert find_bursts(ps, CohortParams(max_gap=30, min_size=10)) == []


def test_weights_reward_shape_and_client_and_skip_the_lone_look_alike() -> None:
    result = compute_cohorts(_burst(), CohortParams(max_gap=120, min_size=10, neighbours=2))
    assert (result.bursts, result.accounts_in_bursts) == (1, 13)
    edges = {(e.a, e.b): e for e in result.edges}
    assert len(edges) == 13 * 2 - 3  # each to its next two, fewer at the end
    assert all("twitter:o2" not in pair for pair in edges)
    look_alikes = edges[("twitter:s00", "twitter:s01")]
    assert (look_alikes.weight, look_alikes.same_shape, look_alikes.same_client) == (
        1.0,
        True,
        True,
    )
    assert (look_alikes.created_gap, look_alikes.burst_size) == (60.0, 13)
    assert look_alikes.burst == "twitter:2017-08-18T00:00:00Z"
    ordinary = edges[("twitter:s05", "twitter:o1")]
    assert (ordinary.weight, ordinary.same_shape, ordinary.same_client) == (0.4, False, False)
    assert ordinary.created_gap == 0.001
    assert edges[("twitter:o1", "twitter:s06")].weight == 0.4
    assert edges[("twitter:s05", "twitter:s06")].weight == 1.0  # the band skips over o1


def test_detect_and_write_on_a_small_graph(db: Driver) -> None:
    rows = [
        {"key": p.account, "at": p.created_ms, "handle": p.handle, "client": p.client}
        for p in _burst()
    ]
    write(
        db,
        "UNWIND $rows AS r MERGE (a:Account {key: r.key}) SET a.platform = 'twitter', "
        "a.created_at = datetime({epochMillis: r.at}), a.handle = r.handle, a.client = r.client",
        {"rows": rows},
    )
    run = write_cohorts(db, detect_cohorts(db, CohortParams(max_gap=120, neighbours=1)))
    got = read(
        db,
        "MATCH (a)-[r:COHORT_WITH {run: $run}]->(b) RETURN a.key AS a, b.key AS b, "
        "r.weight AS w ORDER BY a, b",
        {"run": run},
    )
    assert len(got) == 12
    weights = {(r["a"], r["b"]): r["w"] for r in got}
    assert weights[("twitter:s00", "twitter:s01")] == 1.0
    assert weights[("twitter:s05", "twitter:o1")] == 0.4
    assert weights[("twitter:o1", "twitter:s06")] == 0.4
