"""Shared control: co-admin edges between accounts and between pages/groups, audience overlap."""

from __future__ import annotations

import pytest
from neo4j import Driver

from cibgraph.detection.control import (
    AdminLinks,
    ControlParams,
    compute_co_admins,
    compute_overlaps,
    detect_control,
    write_control,
)
from cibgraph.neo4j.db import read, write


def test_co_admins_count_shared_pages_and_common_admins() -> None:
    links = [
        AdminLinks("fb:p1", "page", ("fb:a", "fb:b")),
        AdminLinks("fb:p2", "page", ("fb:a", "fb:b", "fb:c")),
        AdminLinks("fb:g1", "group", ("fb:c",)),
        AdminLinks("fb:big", "page", tuple(f"fb:x{i}" for i in range(60))),  # above max_admins
    ]
    co, entities = compute_co_admins(links, ControlParams())
    assert [(e.a, e.b, e.weight, e.evidence) for e in co] == [
        ("fb:a", "fb:b", 2, ["fb:p1", "fb:p2"]),
        ("fb:a", "fb:c", 1, ["fb:p2"]),
        ("fb:b", "fb:c", 1, ["fb:p2"]),
    ]
    assert [(e.a, e.a_kind, e.b, e.b_kind, e.weight, e.evidence) for e in entities] == [
        ("fb:g1", "group", "fb:p2", "page", 1, ["fb:c"]),
        ("fb:p1", "page", "fb:p2", "page", 2, ["fb:a", "fb:b"]),
    ]


def test_overlap_is_the_jaccard_of_followers() -> None:
    followers = {
        "fb:p1": ["a", "b", "c", "d"],
        "fb:p2": ["b", "c", "d", "e", "f"],
        "fb:p3": ["a", "z"],  # one follower in common with p1: below min_common
    }
    edges = compute_overlaps(followers, ControlParams(min_common=2, min_jaccard=0.05))
    assert [(e.a, e.b, e.common) for e in edges] == [("fb:p1", "fb:p2", 3)]
    assert edges[0].jaccard == pytest.approx(3 / 6)


def test_detect_and_write_on_a_small_graph(db: Driver) -> None:
    write(
        db,
        "UNWIND ['a', 'b', 'f1', 'f2', 'f3'] AS n MERGE (:Account {key: 'facebook:' + n}) "
        "MERGE (:Page {key: 'facebook:p1'}) MERGE (:Page {key: 'facebook:p2'}) "
        "MERGE (:Group {key: 'facebook:g1'})",
    )
    write(
        db,
        "UNWIND [['a', 'p1'], ['b', 'p1'], ['a', 'p2']] AS r "
        "MATCH (a:Account {key: 'facebook:' + r[0]}) MATCH (p:Page {key: 'facebook:' + r[1]}) "
        "MERGE (a)-[:ADMIN_OF {role: 'admin'}]->(p) "
        "WITH count(*) AS done "
        "MATCH (b:Account {key: 'facebook:b'}), (g:Group {key: 'facebook:g1'}) "
        "MERGE (b)-[:ADMIN_OF {role: 'admin'}]->(g)",
    )
    write(
        db,
        "UNWIND ['f1', 'f2', 'f3'] AS f MATCH (a:Account {key: 'facebook:' + f}) "
        "MATCH (p:Page) MERGE (a)-[:FOLLOWS]->(p)",
    )
    run = write_control(db, detect_control(db))
    rows = read(
        db,
        "MATCH (x)-[r:CO_ADMIN_WITH|AUDIENCE_OVERLAP {run: $run}]->(y) "
        "RETURN type(r) AS t, x.key AS x, y.key AS y, r.weight AS w, r.evidence AS ev, "
        "r.jaccard AS j ORDER BY t, x, y",
        {"run": run},
    )
    assert [(r["t"], r["x"], r["y"], r["w"], r["ev"], r["j"]) for r in rows] == [
        ("AUDIENCE_OVERLAP", "facebook:p1", "facebook:p2", None, None, 1.0),
        ("CO_ADMIN_WITH", "facebook:a", "facebook:b", 1, ["facebook:p1"], None),
        ("CO_ADMIN_WITH", "facebook:g1", "facebook:p1", 1, ["facebook:b"], None),
        ("CO_ADMIN_WITH", "facebook:p1", "facebook:p2", 1, ["facebook:a"], None),
    ]
