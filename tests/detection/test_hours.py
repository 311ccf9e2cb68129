"""Operator hours: profiles, likely offsets and edges on exact small cases; fusion and evidence."""

from __future__ import annotations

from neo4j import Driver

from cibgraph.detection.fusion import FusionParams, detect_networks
from cibgraph.detection.hours import (
    HoursParams,
    compute_hours,
    hour_of_week,
    likely_offset,
    office_mask,
    profile,
)
from cibgraph.detection.pipeline import run_signal
from cibgraph.detection.registry import get_signal
from cibgraph.export.model import edge_evidence
from cibgraph.neo4j.db import read
from tests.detection.hoursgraph import MONDAY, clock_posts, clocks
from tests.detection.textgraph import key, write_posts


def test_hour_of_week_and_office_block() -> None:
    assert hour_of_week(MONDAY * 1000) == 0
    assert hour_of_week((MONDAY + 4 * 86_400 + 17 * 3600) * 1000) == 4 * 24 + 17
    assert hour_of_week((MONDAY - 3600) * 1000) == 167  # Sunday 23:00
    mask = office_mask(8, 9)
    # Monday 09:00-17:59 at UTC+8 is Monday 01:00-09:59 UTC
    assert [h for h in range(24) if mask[h]] == list(range(1, 10))
    assert int(mask.sum()) == 45
    # UTC-5: Friday 09:00-17:59 local is Friday 14:00-22:59 UTC
    assert [h - 96 for h in range(96, 120) if office_mask(-5, 9)[h]] == list(range(14, 23))


def test_likely_offset_and_recent_window() -> None:
    c = clocks()
    assert likely_offset(profile(c["twitter:o1"], 180), 9) == (8, 1.0)
    assert likely_offset(profile(c["twitter:n1"], 180), 9) == (-5, 1.0)
    _, share = likely_offset(profile(c["twitter:s1"], 180), 9)
    assert share == 20 / 56  # two of its four daily hours on each weekday, in the block
    # o2's 10 night posts 400 days before its office ones count only with a long window
    assert profile(c["twitter:o2"], 180).sum() == 30
    assert profile(c["twitter:o2"], 500).sum() == 40
    assert likely_offset(profile(c["twitter:o2"], 500), 9) == (8, 0.75)


def test_exact_edges() -> None:
    result = compute_hours(clocks(), HoursParams())
    assert result.profiled == 6  # f1 has 5 posts
    assert [(c.account, c.offset, c.share) for c in result.concentrated] == [
        ("twitter:n1", -5, 1.0),
        ("twitter:n2", -5, 1.0),
        ("twitter:o1", 8, 1.0),
        ("twitter:o2", 8, 1.0),
        ("twitter:o3", 7, 1.0),
    ]
    assert [
        (e.a, e.b, e.weight, e.offset, e.a_share, e.b_share, e.a_posts, e.b_posts)
        for e in result.edges
    ] == [
        ("twitter:n1", "twitter:n2", 1.0, -5, 1.0, 1.0, 30, 30),
        ("twitter:o1", "twitter:o2", 1.0, 8, 1.0, 1.0, 30, 30),
    ]  # o3's blocks are two thirds alike (cosine 0.67 < 0.8): no edge
    # two accounts at UTC-5, two at UTC+8: the tie goes to the one nearest UTC
    assert dict(result.report())["most common offset"] == "UTC-5"
    looser = compute_hours(clocks(), HoursParams(min_similarity=0.6))
    o3 = [(e.a, e.b, e.offset, e.b_share) for e in looser.edges if "o3" in e.b]
    # o3 is likely UTC+7, o1 UTC+8: one hour apart, compared; o3's share in o1's block
    assert o3 == [("twitter:o1", "twitter:o3", 8, 1.0), ("twitter:o2", "twitter:o3", 8, 1.0)]
    assert compute_hours(clocks(), HoursParams(min_office_share=1.0, neighbours=1)).edges == (
        result.edges
    )


def test_network_summary_states_the_main_offset_and_mean_office_share() -> None:
    summary = get_signal("hours").fusion.summary
    assert summary is not None

    def edge(a: str, b: str, offset: int, a_share: float, b_share: float) -> dict[str, object]:
        return {"a": a, "b": b, "offset": offset, "a_share": a_share, "b_share": b_share}

    rows = [
        edge("x", "y", 8, 0.9, 0.8),
        edge("y", "z", 8, 0.8, 0.7),  # y counted once, with its first share
        edge("z", "w", 7, 0.7, 0.6),  # the odd offset out is not in the mean
    ]
    assert summary(rows) == (
        "likely UTC+8 (2 of 3 edges): its 3 accounts post 80% of their activity on weekdays "
        "09:00-18:00 at UTC+8, on average"
    )


def test_run_fusion_explanation_and_export_evidence(db: Driver) -> None:
    write_posts(db, clock_posts())
    run = run_signal(db, "hours")
    assert dict(run.report)["edges"] == 2
    rows = read(
        db,
        "MATCH (a)-[r:OFFICE_HOURS_WITH {run: $run}]->(b) RETURN a.key AS a, b.key AS b, "
        "r.offset AS o, r.a_posts AS n ORDER BY a",
        {"run": run.run_id},
    )
    assert [(r["a"], r["b"], r["o"], r["n"]) for r in rows] == [
        (key("n1"), key("n2"), -5, 30),
        (key("o1"), key("o2"), 8, 30),
    ]
    [counts] = read(
        db,
        "MATCH (r:DetectionRun {key: $run}) RETURN r.kind AS kind, r.concentrated AS c, "
        "r.main_offset AS m, r.min_posts AS p",
        {"run": run.run_id},
    )
    assert dict(counts) == {"kind": "hours", "c": 5, "m": -5, "p": 20}
    # alone, at its default weight (0.5), an office clock ties nobody
    runs = {"hours": run.run_id}
    loose = {"min_size": 2, "min_member_strength": 0.5, "min_score": 0.1}
    assert detect_networks(db, FusionParams(**loose), runs=runs, use_gds=False).networks == []
    fused = detect_networks(
        db, FusionParams(**loose, weights={"hours": 1.0}), runs=runs, use_gds=False
    )
    assert [n.members for n in fused.networks] == [
        [key("n1"), key("n2")],
        [key("o1"), key("o2")],
    ]
    text = fused.networks[1].explanation()
    assert (
        "operator hours: strength 1.00 (1 edges; 2 of 2 members); likely UTC+8 (1 of 1 edges): "
        "its 2 accounts post 100% of their activity on weekdays 09:00-18:00 at UTC+8, on average"
    ) in text
    assert (
        f"{key('o1')} and {key('o2')} keep one office clock, likely UTC+8: 100% and 100% of "
        "their 30 and 30 posts fall on weekdays 09:00-18:00 at UTC+8" in text
    )
    signal = get_signal("hours")
    assert edge_evidence(signal.rel_type.value, {"weight": 1.0, "run": run.run_id}) == (
        f"office hours with: weight 1 (run {run.run_id})"
    )
