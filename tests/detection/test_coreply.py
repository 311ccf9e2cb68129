"""Co-reply and co-mention: exact edges, the cap on crowded targets, the evidence listing."""

from __future__ import annotations

from neo4j import Driver

from cibgraph.detection.pipeline import run_signal
from cibgraph.detection.registry import get_signal
from cibgraph.neo4j.db import read
from cibgraph.neo4j.runner import QueryRunner
from tests.detection.textgraph import P, key, write_posts

POSTS = [
    P("r1", "1", 0, "you are wrong", reply_to="100"),
    P("r2", "2", 50, "so wrong", reply_to="100"),
    P("r3", "3", 700, "wrong again", reply_to="100"),  # 650 s after r2: outside 600
    P("r1", "4", 1000, "liar", reply_to="200"),
    P("r2", "5", 1000, "liar!", reply_to="200"),
    P("r4", "6", 20, "rt", reply_to="100", retweet_of="1"),  # a repost of a reply: left out
    P("m1", "11", 0, "@x @y look", mentions=("x", "y")),
    P("m2", "12", 10, "@x look", mentions=("x",)),
    P("m3", "13", 10, "@m3 me", mentions=("m3",)),  # mentions itself: left out
    P("m4", "14", 20, "@m3 you", mentions=("m3",)),
]


def _edges(db: Driver, rel: str, run: str) -> list[tuple[str, str, int, int, int, int, float]]:
    rows = read(
        db,
        "MATCH (a)-[r {run: $run}]->(b) WHERE type(r) = $rel RETURN a.key AS a, b.key AS b, "
        "r.weight AS w, r.pairs AS n, r.a_posts AS x, r.b_posts AS y, r.avg_delta AS d "
        "ORDER BY a, b",
        {"run": run, "rel": rel},
    )
    return [tuple(r.values()) for r in rows]


def test_co_reply_exact_edges_and_evidence(db: Driver) -> None:
    write_posts(db, POSTS)
    run = run_signal(db, "coreply", {"time_window": 600})
    assert _edges(db, "CO_REPLY_WITH", run.run_id) == [
        (key("r1"), key("r2"), 2, 2, 2, 2, 25.0),
    ]
    pairs = QueryRunner(db).run(
        get_signal("coreply").pairs or "", {"a": key("r1"), "b": key("r2"), "run": run.run_id}
    )
    assert [(r["object"], r["a_post"], r["b_post"], r["delta"]) for r in pairs] == [
        (key("100"), key("1"), key("2"), 50.0),
        (key("200"), key("4"), key("5"), 0.0),
    ]
    assert pairs[0]["a_text"] == "you are wrong"
    wide = run_signal(db, "coreply", {"time_window": 700})
    assert [e[:3] for e in _edges(db, "CO_REPLY_WITH", wide.run_id)] == [
        (key("r1"), key("r2"), 2),
        (key("r1"), key("r3"), 1),
        (key("r2"), key("r3"), 1),
    ]
    # post 100 reached by three accounts: a cap of 3 ignores it
    capped = run_signal(db, "coreply", {"time_window": 700, "max_accounts": 3})
    assert [e[:3] for e in _edges(db, "CO_REPLY_WITH", capped.run_id)] == [
        (key("r1"), key("r2"), 1),
    ]


def test_co_mention_exact_edges(db: Driver) -> None:
    write_posts(db, POSTS)
    run = run_signal(db, "comention", {"time_window": 600})
    assert _edges(db, "CO_MENTION_WITH", run.run_id) == [
        (key("m1"), key("m2"), 1, 1, 1, 1, 10.0),
    ]
    pairs = QueryRunner(db).run(
        get_signal("comention").pairs or "", {"a": key("m1"), "b": key("m2"), "run": run.run_id}
    )
    assert [(r["object"], r["delta"]) for r in pairs] == [(key("x"), 10.0)]
