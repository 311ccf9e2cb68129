"""Fusion: pruning, peeling, components (GDS and union-find alike), scores, written networks."""

from __future__ import annotations

import math
from itertools import combinations

import pytest
from neo4j import Driver

from cibgraph.detection import registry
from cibgraph.detection.control import detect_control, write_control
from cibgraph.detection.fusion import (
    FusionParams,
    SignalEdge,
    components_gds,
    components_union_find,
    detect_networks,
    find_networks,
    fuse_pairs,
    gds_available,
    prune_and_peel,
)
from cibgraph.detection.runs import finish_run, start_run
from cibgraph.neo4j.db import read, write, write_batches
from cibgraph.neo4j.registry import get_query

CREW_A = [f"twitter:a{i}" for i in range(6)]
CREW_B = [f"twitter:b{i}" for i in range(6)]


def coordinated(a: str, b: str, weight: int) -> SignalEdge:
    return SignalEdge("coordination", a, b, 1 - math.exp(-(weight - 1) / 3), f"{a}~{b}")


def two_crews() -> dict[str, list[SignalEdge]]:
    """Two crews of six, strongly coordinated inside, a weak bridge between them, one account
    tied to crew A by a single strong edge, and a pair tied only to each other."""
    edges = [coordinated(a, b, 10) for crew in (CREW_A, CREW_B) for a, b in combinations(crew, 2)]
    edges.append(coordinated("twitter:a0", "twitter:b0", 2))  # 0.28: pruned
    edges.append(coordinated("twitter:a1", "twitter:hanger", 10))  # 0.95 alone: peeled
    edges.append(coordinated("twitter:p", "twitter:q", 30))
    infra = [SignalEdge("infrastructure", "twitter:a0", "twitter:a1", 0.5, "ip")]
    return {"coordination": edges, "infrastructure": infra}


def test_fused_weights_add_signals() -> None:
    fused = fuse_pairs(two_crews(), {"coordination": 1.0, "infrastructure": 2.0})
    assert fused[("twitter:a0", "twitter:a1")] == pytest.approx(1 - math.exp(-3) + 2 * 0.5)
    assert fused[("twitter:a0", "twitter:b0")] == pytest.approx(1 - math.exp(-1 / 3))


def test_prune_and_peel_drop_weak_ties_and_hangers_on() -> None:
    kept = prune_and_peel(fuse_pairs(two_crews(), {}), min_edge=0.65, min_member_strength=1.5)
    nodes = {n for pair in kept for n in pair}
    assert nodes == set(CREW_A) | set(CREW_B)  # the bridge, the hanger-on and the pair are gone
    assert components_union_find(kept) == [sorted(CREW_A), sorted(CREW_B)]


def test_networks_scores_and_strengths() -> None:
    networks = find_networks(two_crews(), FusionParams())
    assert [n.members for n in networks] == [sorted(CREW_A), sorted(CREW_B)]
    s = 1 - math.exp(-3)
    size = 1 - math.exp(-1)
    b = networks[1]
    assert b.strengths == {"coordination": pytest.approx(s)}
    assert b.score == pytest.approx(s * size)
    a = networks[0]  # the extra infrastructure edge ties two of its six members
    assert a.strengths["infrastructure"] == pytest.approx(2 * 0.5 / 6)
    assert a.score == pytest.approx((1 - (1 - s) * (1 - 1 / 6)) * size)
    assert a.edge_counts == {"coordination": 15, "infrastructure": 1}
    # a higher bar keeps none; a smaller size floor lets no pair in either (peeled)
    assert find_networks(two_crews(), FusionParams(min_score=0.9)) == []
    assert len(find_networks(two_crews(), FusionParams(min_size=2))) == 2


def test_gds_and_union_find_find_the_same_members(db: Driver) -> None:
    assert gds_available(db)
    keys = sorted({k for es in two_crews().values() for e in es for k in (e.a, e.b)})
    write(db, "UNWIND $keys AS k MERGE (:Account {key: k})", {"keys": keys})
    kept = prune_and_peel(fuse_pairs(two_crews(), {}), min_edge=0.65, min_member_strength=1.5)
    assert components_gds(db, kept, threshold=0.65) == components_union_find(kept)
    fused = fuse_pairs(two_crews(), {})
    # and on the unpeeled graph, where the threshold does the pruning inside GDS
    loose = {p: w for p, w in fused.items() if w > 0.1}
    strong = {p: w for p, w in fused.items() if w >= 0.65}
    # the bridge (0.28) is below the threshold; the hanger-on's one strong edge is not
    assert components_gds(db, loose, threshold=0.65) == components_union_find(strong)
    assert len(components_union_find(strong)) == 3
    via_gds = find_networks(
        two_crews(), FusionParams(), components=lambda k: components_gds(db, k, threshold=0.65)
    )
    assert [n.members for n in via_gds] == [
        n.members for n in find_networks(two_crews(), FusionParams())
    ]
    assert components_gds(db, {}, threshold=0.65) == []
    # no projection is left behind
    assert read(db, "CALL gds.graph.list() YIELD graphName RETURN count(*) AS n")[0]["n"] == 0


def _coordination_run(db: Driver, edges: list[SignalEdge], weight: int) -> str:
    run = start_run(db, kind="coordination", algorithm="test", params={})
    rows = [
        {
            "account": e.a,
            "other": e.b,
            "weight": weight,
            "avg_time_delta": 5.0,
            "n_content_id": weight,
            "n_content_id_y": weight,
            "edge_symmetry_score": 1.0,
            "weight_threshold": 1,
        }
        for e in edges
    ]
    write_batches(db, get_query("detect/coordinated_with").text, rows, params={"run": run.run_id})
    finish_run(db, run_id=run.run_id, counts={})
    return run.run_id


@pytest.mark.parametrize("use_gds", [True, False])
def test_detect_networks_writes_members_pages_and_explanations(db: Driver, use_gds: bool) -> None:
    crew = [*CREW_A, "facebook:admin"]
    fans = [f"facebook:fan{i}" for i in range(6)]
    write(db, "UNWIND $keys AS k MERGE (:Account {key: k})", {"keys": crew + fans})
    write(
        db,
        "MERGE (p:Page {key: 'facebook:state'}) SET p.name = 'State page' "
        "MERGE (f:Page {key: 'facebook:fanpage'}) SET f.name = 'Fan page' "
        "WITH p, f MATCH (a:Account {key: 'facebook:admin'}) "
        "MERGE (a)-[:ADMIN_OF {role: 'admin'}]->(p) "
        "WITH p, f MATCH (x:Account) WHERE x.key STARTS WITH 'facebook:fan' "
        "MERGE (x)-[:FOLLOWS]->(p) MERGE (x)-[:FOLLOWS]->(f)",
    )
    edges = [SignalEdge("coordination", a, b, 0, "") for a, b in combinations(crew, 2)]
    runs = {
        "coordination": _coordination_run(db, edges, 10),
        "control": write_control(db, detect_control(db)),
    }
    result = detect_networks(db, runs=runs, use_gds=use_gds)
    assert result.used_gds is use_gds
    assert [n.members for n in result.networks] == [sorted(crew)]
    rows = read(
        db,
        "MATCH (m)-[r:IN_NETWORK {run: $run}]->(n:Network) "
        "RETURN labels(m)[0] AS label, m.key AS key, n.key AS network, r.evidence AS ev "
        "ORDER BY label, key",
        {"run": result.run_id},
    )
    assert [(r["label"], r["key"]) for r in rows] == [("Account", k) for k in sorted(crew)] + [
        ("Page", "facebook:state")
    ]  # the fan page shares the state page's audience, and stays out
    assert {r["network"] for r in rows} == {f"{result.run_id}:1"}
    assert rows[-1]["ev"] == ["administered by facebook:admin (admin)"]
    net = read(db, "MATCH (n:Network) RETURN n")[0]["n"]
    assert (net["size"], net["pages"], net["groups"], net["signals"]) == (7, 1, 0, ["coordination"])
    assert net["score"] == pytest.approx((1 - math.exp(-3)) * (1 - math.exp(-6 / 5)))
    assert "7 accounts, 1 pages and 0 groups" in net["explanation"]
    assert "shared the same content 10 times" in net["explanation"]
    produced = read(
        db,
        "MATCH (r:DetectionRun {key: $run})-[:PRODUCED]->(n:Network) "
        "RETURN r.networks AS networks, r.coordination_run AS c, count(n) AS n",
        {"run": result.run_id},
    )[0]
    assert (produced["networks"], produced["c"], produced["n"]) == (1, runs["coordination"], 1)


def test_cli_runs_missing_signals_and_prints_the_networks(db: Driver) -> None:
    from typer.testing import CliRunner

    from cibgraph.cli import app

    crew = [f"twitter:c{i}" for i in range(6)]
    write(db, "UNWIND $keys AS k MERGE (:Account {key: k})", {"keys": crew})
    edges = [SignalEdge("coordination", a, b, 0, "") for a, b in combinations(crew, 2)]
    _coordination_run(db, edges, 7)
    result = CliRunner().invoke(app, ["detect", "networks", "--no-gds"])
    assert result.exit_code == 0, result.output
    assert "communities by Python" in result.output
    assert "6 accounts, 0 pages and 0 groups" in result.output
    assert "coordinated sharing: strength 0.86 (15 edges; 6 of 6 members)" in result.output
    assert "1 networks in" in result.output
    kinds = read(db, "MATCH (r:DetectionRun) RETURN r.kind AS k ORDER BY k")
    # every registered signal ran (coordination's run was reused), then fusion
    assert [r["k"] for r in kinds] == sorted([*registry.kinds(), "networks"])
    assert "coordination" in registry.kinds() and len(kinds) == len(registry.kinds()) + 1
