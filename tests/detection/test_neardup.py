"""Near-duplicate text: shingles in any script, exact edges and evidence, LSH recall."""

# ruff: noqa: RUF001  # Chinese text uses full-width punctuation on purpose

from __future__ import annotations

import random

from neo4j import Driver

from cibgraph.detection.copypaste import TextPosts
from cibgraph.detection.neardup import (
    NearDupParams,
    compute_neardup,
    distinct_texts,
    exact_similar_texts,
    jaccard,
    shingles,
    similar_texts,
)
from cibgraph.detection.pipeline import run_signal
from cibgraph.detection.registry import get_signal
from cibgraph.neo4j.db import read
from cibgraph.neo4j.runner import QueryRunner
from tests.detection.textgraph import P, key, write_posts

ZH = "香港警察辛苦了，支持警察依法执法，严惩暴徒"
ZH_NEAR = "香港警察辛苦了！支持警察依法执法，严惩暴徒！"
EN = "the protesters are rioters and must be stopped now"
EN_NEAR = "the protesters are rioters and they must be stopped now"


def test_shingles_need_no_word_boundaries() -> None:
    assert shingles("香港加油", 2) == {"香港", "港加", "加油"}
    assert shingles("ab", 3) == {"ab"}
    assert jaccard(shingles(ZH, 3), shingles(ZH_NEAR, 3)) == 16 / 23  # 0.6957
    assert jaccard(shingles(EN, 3), shingles(EN_NEAR, 3)) == 42 / 48  # 0.875
    th = "ตำรวจฮ่องกงทำงานหนัก"  # Thai: no spaces either
    assert len(shingles(th, 3)) == len(th) - 2


POSTS = [
    P("z1", "1", 0, ZH),
    P("z2", "2", 60, ZH_NEAR),
    P("z3", "3", 120, ZH),  # the same text as z1: copy-paste's, not a near-copy of z1
    P("z4", "4", 9000, ZH_NEAR),  # outside the window of everyone
    P("e1", "11", 0, EN),
    P("e2", "12", 30, EN_NEAR),
    P("e3", "13", 30, "something else entirely, nothing like the others"),
]


def test_exact_edges_and_evidence(db: Driver) -> None:
    write_posts(db, POSTS)
    run = run_signal(db, "neardup", {"threshold": 0.6})
    rows = read(
        db,
        "MATCH (a)-[r:NEAR_DUPLICATE_WITH {run: $run}]->(b) RETURN a.key AS a, b.key AS b, "
        "r.weight AS w, r.pairs AS n, round(r.max_similarity, 4) AS s ORDER BY a, b",
        {"run": run.run_id},
    )
    assert [tuple(r.values()) for r in rows] == [
        (key("e1"), key("e2"), 1, 1, 0.875),
        (key("z1"), key("z2"), 1, 1, 0.6957),
        (key("z2"), key("z3"), 1, 1, 0.6957),
    ]
    pairs = QueryRunner(db).run(
        get_signal("neardup").pairs or "", {"a": key("z2"), "b": key("z3"), "run": run.run_id}
    )
    assert [(r["a_post"], r["b_post"], r["delta"], round(r["similarity"], 4)) for r in pairs] == [
        (key("2"), key("3"), 60.0, 0.6957)
    ]
    assert (pairs[0]["a_text"], pairs[0]["b_text"]) == (ZH_NEAR, ZH)
    # a higher threshold keeps the English pair only; include_exact adds the copy z1 ~ z3
    high = run_signal(db, "neardup", {"threshold": 0.8, "include_exact": True})
    rows = read(
        db,
        "MATCH (a)-[r:NEAR_DUPLICATE_WITH {run: $run}]->(b) RETURN a.key AS a, b.key AS b "
        "ORDER BY a, b",
        {"run": high.run_id},
    )
    assert [(r["a"], r["b"]) for r in rows] == [(key("e1"), key("e2")), (key("z1"), key("z3"))]


def _corpus(n: int, seed: int) -> TextPosts:
    """n posts: templates in Chinese and English with random edits, some far apart."""
    rng = random.Random(seed)
    bases = [ZH * 2, EN + " " + EN, "港独分子破坏社会秩序，市民要求恢复平静的生活", EN[::-1]]
    alphabet = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年abcdefghij "
    posts = TextPosts([], [], [], [])
    for i in range(n):
        text = list(rng.choice(bases))
        for _ in range(rng.randint(0, 12)):
            text[rng.randrange(len(text))] = rng.choice(alphabet)
        posts.account.append(f"u{rng.randrange(n // 3)}")
        posts.post.append(f"p{i}")
        posts.text.append("".join(text))
        posts.at_ms.append(rng.randrange(0, 6 * 3600) * 1000)
    return posts


def test_lsh_recall_against_exact_all_pairs() -> None:
    posts = _corpus(400, seed=3)
    params = NearDupParams(threshold=0.7)
    texts = distinct_texts(posts, params)
    exact = exact_similar_texts(texts.sets, threshold=0.7)
    lsh = similar_texts(texts.sets, threshold=0.7, num_perm=128)
    assert len(exact) == 773
    assert set(lsh) <= set(exact)  # every candidate is checked: no false pair
    assert len(lsh) / len(exact) >= 0.95
    # the edges from LSH's pairs and from exact pairs
    ours = {(e.a, e.b) for e in compute_neardup(posts, params).edges}
    reference = {(e.a, e.b) for e in compute_neardup(posts, params, similar=exact).edges}
    assert ours <= reference
    assert len(ours) / len(reference) >= 0.97
