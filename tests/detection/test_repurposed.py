"""Repurposed accounts: change points, findings and links on exact small timelines."""

# ruff: noqa: RUF001  # Chinese text uses full-width punctuation on purpose

from __future__ import annotations

import json
from pathlib import Path

from neo4j import Driver

from cibgraph.detection.fusion import FusionParams, detect_networks
from cibgraph.detection.pipeline import run_signal
from cibgraph.detection.repurposed import (
    ASPECTS,
    RepurposedParams,
    Timeline,
    change_point,
    compute_repurposed,
    ownership_phrase,
    primary_language,
)
from cibgraph.export.select import select_network
from cibgraph.export.writers import ExportFormat, write_export
from cibgraph.neo4j.db import read, write

DAY = 86_400_000
HOUR = 3_600_000
START = 1_514_764_800_000  # 2018-01-01T00:00:00Z

Post = tuple[int, str, str, str]  # at_ms, language, client, text


def posts(n: int, start: int, hour: int, language: str, client: str, text: str) -> list[Post]:
    return [(start + d * DAY + hour * HOUR, language, client, f"{text} {d}") for d in range(n)]


def owned_twice(shift_days: int, *, phrase: bool) -> list[Post]:
    """20 English posts from an Android phone at 15:00 UTC, 200 days of silence, then 15 posts
    in Chinese from the web client at 03:00 UTC (the first may announce the new owner)."""
    old = posts(20, START, 15, "en", "Twitter for Android", "Great deals on shoes")
    woke = START + (19 + 200 + shift_days) * DAY
    new = posts(15, woke, 3, "zh-cn", "Twitter Web Client", "香港加油，止暴制乱")
    if phrase:
        at, lang, client, _ = new[0]
        new[0] = (at, lang, client, "Test new owner")
    return old + new


TIMELINES: dict[str, list[Post]] = {
    "r1": owned_twice(0, phrase=True),
    "r2": owned_twice(5, phrase=False),
    "r3": owned_twice(40, phrase=False),  # repurposed weeks later: no link
    # a person who starts posting in Chinese: same phone, same hours, no silence
    "l1": posts(20, START, 12, "en", "Twitter for iPhone", "Morning run")
    + posts(20, START + 20 * DAY, 12, "zh-tw", "Twitter for iPhone", "早晨跑步"),
    # a new phone, nothing else
    "p1": posts(20, START, 12, "en", "Twitter for iPhone", "Coffee")
    + posts(20, START + 20 * DAY, 12, "en", "Twitter for Android", "Coffee"),
    "s1": owned_twice(0, phrase=True)[10:25],  # 15 events: too few to split
}


def timeline(items: list[Post]) -> Timeline:
    return Timeline(
        [p[0] for p in items], [p[1] for p in items], [p[2] for p in items], [p[3] for p in items]
    )


def test_languages_and_phrases() -> None:
    assert primary_language("zh-CN") == primary_language("zh_tw") == "zh"
    assert primary_language("und") is None
    assert ownership_phrase("TEST NEW OWNER!!") == "test new owner"
    assert ownership_phrase("账号已转让，谢谢") == "账号已转让"
    assert ownership_phrase("akun ini dijual murah") == "akun ini dijual"
    assert ownership_phrase("my new phone") is None


def test_the_change_point_says_when_and_what() -> None:
    params = RepurposedParams()
    f = change_point("r1", timeline(TIMELINES["r1"]), params)
    assert f is not None
    assert (f.at_ms, f.before, f.after) == (TIMELINES["r1"][20][0], 20, 15)
    assert f.aspects == ("language", "client", "hours", "dormancy", "phrase")
    assert f.changes == (
        "language en -> zh (distance 1.00)",
        "client Twitter for Android -> Twitter Web Client (distance 1.00)",
        "hours 12:00-18:00 -> 00:00-06:00 UTC (distance 1.00)",
        "woke after 200 days dormant",
        "ownership phrase 'test new owner'",
    )
    # one aspect is not a new owner; it is a change when one suffices
    assert change_point("l1", timeline(TIMELINES["l1"]), params) is None
    assert change_point("p1", timeline(TIMELINES["p1"]), params) is None
    alone = change_point("l1", timeline(TIMELINES["l1"]), RepurposedParams(min_changes=1))
    assert alone is not None and alone.changes == ("language en -> zh (distance 1.00)",)
    assert change_point("s1", timeline(TIMELINES["s1"]), params) is None


def test_accounts_repurposed_in_the_same_weeks_are_linked() -> None:
    result = compute_repurposed(
        {f"twitter:{k}": timeline(v) for k, v in TIMELINES.items()}, RepurposedParams()
    )
    assert [f.account for f in result.findings] == ["twitter:r1", "twitter:r2", "twitter:r3"]
    assert result.accounts == 5  # s1 is too short
    assert [(e.a, e.b, e.weight, e.common, e.days_apart) for e in result.edges] == [
        ("twitter:r1", "twitter:r2", 4, ["language", "client", "hours", "dormancy"], 5.0)
    ]


def write_timelines(db: Driver, timelines: dict[str, list[Post]]) -> None:
    rows = [
        {
            "account": f"twitter:{a}",
            "post": f"twitter:{a}-{i}",
            "id": f"{a}-{i}",
            "at": at,
            "language": lang,
            "client": client,
            "text": text,
        }
        for a, items in timelines.items()
        for i, (at, lang, client, text) in enumerate(items)
    ]
    write(
        db,
        """
        UNWIND $rows AS row
        MERGE (a:Account {key: row.account}) ON CREATE SET a.platform = 'twitter'
        MERGE (p:Post {key: row.post})
        SET p.platform = 'twitter', p.platform_id = row.id, p.text = row.text,
            p.language = row.language, p.client = row.client, p.at = datetime({epochMillis: row.at})
        MERGE (a)-[:POSTED]->(p)
        """,
        {"rows": rows},
    )


def test_findings_on_accounts_edges_fusion_and_export(db: Driver, tmp_path: Path) -> None:
    write_timelines(db, TIMELINES)
    run = run_signal(db, "repurposed")
    assert dict(run.report) == {"accounts examined": 5, "repurposed": 3, "edges": 1}
    marked = read(
        db,
        "MATCH (a:Account) WHERE a.repurposed_run IS NOT NULL RETURN a.key AS a, "
        "a.repurposed_run AS run, a.repurposed_at.epochMillis AS at, "
        "a.repurposed_aspects AS aspects ORDER BY a",
    )
    assert [(r["a"], r["run"], r["at"]) for r in marked] == [
        ("twitter:r1", run.run_id, TIMELINES["r1"][20][0]),
        ("twitter:r2", run.run_id, TIMELINES["r2"][20][0]),
        ("twitter:r3", run.run_id, TIMELINES["r3"][20][0]),
    ]
    assert marked[1]["aspects"] == ["language", "client", "hours", "dormancy"]
    [edge] = read(
        db,
        "MATCH (a)-[r:REPURPOSED_WITH {run: $run}]->(b) RETURN a.key AS a, b.key AS b, "
        "r.weight AS w, r.days_apart AS d",
        {"run": run.run_id},
    )
    assert dict(edge) == {"a": "twitter:r1", "b": "twitter:r2", "w": 4, "d": 5.0}
    # fusion reads it; alone, at its default weight (0.6), it ties nobody
    loose = FusionParams(min_size=2, min_member_strength=0.5, min_score=0.1)
    runs = {"repurposed": run.run_id}
    assert detect_networks(db, loose, runs=runs, use_gds=False).networks == []
    heavy = FusionParams(
        min_size=2, min_member_strength=0.5, min_score=0.1, weights={"repurposed": 1.0}
    )
    fused = detect_networks(db, heavy, runs=runs, use_gds=False)
    [network] = fused.networks
    assert network.members == ["twitter:r1", "twitter:r2"]
    # an export of the network carries the findings and the link with its evidence
    out = tmp_path / "network.json"
    write_export(select_network(db, network=f"{fused.run_id}:1"), ExportFormat.JSON, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["Account:twitter:r1"]["repurposed_aspects"] == list(ASPECTS)
    assert "ownership phrase 'test new owner'" in nodes["Account:twitter:r1"]["repurposed_changes"]
    [link] = [e for e in data["edges"] if e["neo4j_type"] == "REPURPOSED_WITH"]
    assert link["common"] == ["language", "client", "hours", "dormancy"]
    assert link["evidence"].startswith("repurposed with: weight 4")
    assert (
        "twitter:r1 and twitter:r2 were repurposed 5 days apart (2018-08-08 and 2018-08-13); "
        "both changed language, client, hours, dormancy" in network.explanation()
    )
    # a later run keeps only its own findings
    strict = run_signal(db, "repurposed", {"min_changes": 5})
    left = read(
        db,
        "MATCH (a:Account) WHERE a.repurposed_run IS NOT NULL "
        "RETURN a.key AS a, a.repurposed_run AS run",
    )
    assert [(r["a"], r["run"]) for r in left] == [("twitter:r1", strict.run_id)]
