"""Copy-paste text: the normalisation, exact edges and evidence on a small graph, the null."""

# ruff: noqa: RUF001  # Chinese text uses full-width punctuation on purpose

from __future__ import annotations

from neo4j import Driver

from cibgraph.detection.copypaste import (
    CopyPasteParams,
    TextPosts,
    compute_copypaste,
    normalise,
    read_text_posts,
)
from cibgraph.detection.fusion import FusionParams, detect_networks
from cibgraph.detection.pipeline import run_signal
from cibgraph.detection.registry import get_signal
from cibgraph.neo4j.db import read
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.settings import Settings
from tests.detection.textgraph import T0, P, key, write_posts

POSTS = [
    P("a1", "1", 0, "Hello  World http://t.co/x @bob"),
    P("a2", "2", 100, "hello world"),
    P("a3", "3", 200, "RT @a1: Hello world"),  # a manual retweet, not flagged
    P("a4", "4", 5000, "hello world"),  # 4,800 s after the last other copy
    P("a5", "5", 150, "hello world", is_retweet=True),  # a flagged repost: left out
    P("a6", "6", 160, "hello world", retweet_of="1"),  # a shared repost: left out
    P("a1", "11", 0, "second text is here"),
    P("a2", "12", 3600, "Second text is here"),  # exactly the window apart: counts
    P("a1", "21", 10, "ok ok"),  # too short
    P("a2", "22", 10, "ok ok"),
]


def test_normalisation_steps() -> None:
    text = "RT @x: RT @y:  Look at THIS\nhttps://t.co/a1 www.example.org/p @z!"
    assert normalise(text) == "look at this"
    assert normalise(text, strip_urls=False) == "look at this https://t.co/a1 www.example.org/p"
    # the toolkit's own preprocessing: case, mentions, whitespace
    assert normalise(text, strip_urls=False, strip_retweet_prefix=False) == (
        "rt rt look at this https://t.co/a1 www.example.org/p"
    )
    assert normalise("a@b.org and @c") == "a and"  # every @ up to a space, as the toolkit does
    assert normalise("香港 加油！ @某人 https://t.co/x") == "香港 加油！"


def _edges(db: Driver, run: str) -> dict[tuple[str, str], tuple[int, int, int, int, float]]:
    rows = read(
        db,
        "MATCH (a)-[r:COPY_PASTE_WITH {run: $run}]->(b) "
        "RETURN a.key AS a, b.key AS b, r.weight AS w, r.pairs AS n, r.a_posts AS x, "
        "r.b_posts AS y, r.avg_delta AS d",
        {"run": run},
    )
    return {(r["a"], r["b"]): (r["w"], r["n"], r["x"], r["y"], r["d"]) for r in rows}


def test_exact_edges_and_evidence(db: Driver) -> None:
    write_posts(db, POSTS)
    posts = read_text_posts(db)
    assert sorted(posts.post) == sorted(key(p.id) for p in POSTS if p.id not in ("5", "6"))
    run = run_signal(db, "copypaste", {"null_permutations": 0})
    assert _edges(db, run.run_id) == {
        (key("a1"), key("a2")): (2, 2, 2, 2, 1850.0),
        (key("a1"), key("a3")): (1, 1, 1, 1, 200.0),
        (key("a2"), key("a3")): (1, 1, 1, 1, 100.0),
    }
    assert dict(run.report)["edges"] == 3
    pairs = QueryRunner(db).run(
        get_signal("copypaste").pairs or "", {"a": key("a1"), "b": key("a2"), "run": run.run_id}
    )
    assert [(r["a_post"], r["b_post"], r["delta"], r["similarity"]) for r in pairs] == [
        (key("1"), key("2"), 100.0, 1.0),  # both pairs start at T0: by post key
        (key("11"), key("12"), 3600.0, 1.0),
    ]
    assert (pairs[1]["a_text"], pairs[1]["b_text"]) == (
        "second text is here",
        "Second text is here",
    )
    # the toolkit's normalisation: the URL and the manual retweet no longer match
    plain = run_signal(
        db,
        "copypaste",
        {"strip_urls": False, "strip_retweet_prefix": False, "null_permutations": 0},
    )
    assert _edges(db, plain.run_id) == {(key("a1"), key("a2")): (1, 1, 1, 1, 3600.0)}
    runs = read(
        db,
        "MATCH (r:DetectionRun {key: $run}) RETURN r.kind AS kind, r.time_window AS w, "
        "r.strip_urls AS u, r.edges AS edges, r.status AS status",
        {"run": plain.run_id},
    )
    assert [dict(r) for r in runs] == [
        {"kind": "copypaste", "w": 3600, "u": False, "edges": 1, "status": "complete"}
    ]


def _posts(rows: list[tuple[str, int, str]]) -> TextPosts:
    return TextPosts(
        [a for a, _, _ in rows],
        [f"{a}-{i}" for i, (a, _, _) in enumerate(rows)],
        [t for _, _, t in rows],
        [T0 + s * 1000 for _, s, t in rows],
    )


def test_the_permutation_null_tells_lockstep_from_chance() -> None:
    day = 86_400
    rows = []
    # x and y post the same ten texts a second apart, spread over ten days: lockstep
    for k in range(10):
        rows += [
            ("x", k * day, f"lockstep message {k}"),
            ("y", k * day + 1, f"lockstep message {k}"),
        ]
    # u and v post one slogan many times over the same days: a shared slogan, not lockstep
    for k in range(40):
        rows += [
            ("u", k * day // 4, "the same slogan again"),
            ("v", k * day // 4 + 1800, "the same slogan again"),
        ]
    params = CopyPasteParams(time_window=3600, null_permutations=99, seed=7)
    result = compute_copypaste(_posts(rows), params)
    nulls = {pair: n.p_value for pair, n in result.nulls.items()}
    assert [(e.a, e.b, e.weight) for e in result.edges] == [("u", "v", 1), ("x", "y", 10)]
    assert nulls[("x", "y")] == 0.01  # never reached in 99 shuffles: 1 / 100
    assert nulls[("u", "v")] == 1.0  # one text in common, reached in every shuffle
    assert result.nulls[("u", "v")].z is None  # its weight never varied
    again = compute_copypaste(_posts(rows), params)
    assert {p: n.p_value for p, n in again.nulls.items()} == nulls  # seeded: reproducible
    # the rows written carry them
    assert {(r["a"], r["b"]): r["p_value"] for r in result.rows()} == nulls


def _crew() -> list[P]:
    """Six accounts posting the same text within a minute, a new text each day for four days."""
    return [
        P(f"c{i}", f"{d}{i}", d * 86_400 + i * 10, f"crew slogan number {d} for everyone")
        for d in range(4)
        for i in range(6)
    ]


def test_fusion_states_the_networks_significance_and_can_require_it(
    db: Driver, settings: Settings
) -> None:
    write_posts(db, _crew())
    run = run_signal(db, "copypaste", {"null_permutations": 50})
    # copy-paste alone weighs 0.3 by default (news bots and fans copy too): here it weighs 1
    alone = FusionParams(weights={"copypaste": 1.0})
    assert detect_networks(db, runs={"copypaste": run.run_id}, use_gds=False).networks == []
    result = detect_networks(db, alone, runs={"copypaste": run.run_id}, use_gds=False)
    [network] = result.networks
    assert network.members == [key(f"c{i}") for i in range(6)]
    sig = network.significance["copypaste"]
    assert (sig.edges, sig.significant, sig.min_p) == (15, 15, 1 / 51)
    assert network.chance == sig.tail
    assert abs(sig.tail - 0.05**15) < 1e-30  # every edge significant: 0.05^15
    text = network.explanation()
    assert "Significance: chance 3.1e-20 of edges as unlikely as these" in text
    assert "copy-paste text: strength 0.93 (15 edges; 6 of 6 members); 15 of 15 edges at " in text
    assert "p 0.02 by the permutation null" in text  # in each edge's evidence
    stored = read(
        db,
        "MATCH (n:Network {run: $run}) RETURN n.significance AS s, n.explanation AS e",
        {"run": result.run_id},
    )
    assert [(r["s"], r["e"]) for r in stored] == [(sig.tail, text)]
    # fusion may require the null: no edge has p <= 0.01 after 50 shuffles
    strict = detect_networks(
        db,
        FusionParams(max_p_value=0.01, weights={"copypaste": 1.0}),
        runs={"copypaste": run.run_id},
        use_gds=False,
    )
    assert strict.networks == []
