"""Scoped coordination runs: object types, per-type combination, one file, one campaign.

The reference is CooRTweet's R code transcribed step by step (tests/detection/
coortweet_reference.py), run on tests/detection/data/coortweet_multi_object.csv, a file in
CooRTweet's multi-object format written from its documentation (make_multi_object.py there).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.detection.coordination import (
    CoordinationParams,
    ShareColumns,
    compute_coordination,
    compute_from_log,
    read_edges,
    run_edges_file,
)
from cibgraph.ingest.base import run_load
from cibgraph.ingest.coortweet import CooRTweetLoader
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.neo4j.db import read, write
from tests.detection import coortweet_reference as ref

FIXTURE = Path(__file__).parent / "data" / "coortweet_multi_object.csv"
CREW = frozenset({f"tw_{i}" for i in range(1, 5)} | {f"fb_{i}" for i in range(1, 5)})
TYPES = {"url": "url_id", "hashtag": "hashtag_id", "domain": "domain_id", "media": "phash_id"}


def _load(db: Driver, tmp_path: Path) -> None:
    report = run_load(CooRTweetLoader(), FIXTURE, driver=db, rejects_dir=tmp_path / "rejects")
    assert (report.rows_read, report.rows_rejected) == (403, 0)


def _expected(
    columns: list[str], *, window: int = 30, mp: int = 2, accounts: frozenset[str] | None = None
) -> list[ref.Edge]:
    groups = []
    for column in columns:  # detect_groups per type, then rbindlist
        shares = ref.prep(FIXTURE, column)
        if accounts is not None:
            shares = [s for s in shares if s.account_id in accounts]
        groups += ref.detect_groups(shares, time_window=window, min_participation=mp)
    return ref.generate_coordinated_network(groups)


def _run(args: list[str]) -> list[ref.Edge]:
    out = CliRunner().invoke(app, ["detect", "coordination", *args], terminal_width=200)
    assert out.exit_code == 0, out.output
    run = out.output.split()[1]
    return [
        ref.Edge(e.account.removeprefix("twitter:"), e.other.removeprefix("twitter:"), *e[2:])
        for e in read_edges(run_edges_file(run))
    ]


WINDOW = ["--time-window", "30", "--min-participation", "2"]


def test_url_objects_give_coortweets_network(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    expected = _expected(["url_id"])
    assert len(expected) == 30  # the fixture really makes a network
    assert _run(["--object-type", "url", *WINDOW]) == expected  # every field, the same order
    # and the repository's own Python definition agrees with the transcription
    shares = ref.prep(FIXTURE, "url_id")
    cols = ShareColumns(
        [s.account_id for s in shares],
        [s.object_id for s in shares],
        ["" for _ in shares],
        [s.content_id for s in shares],
        [s.timestamp_share * 1000 for s in shares],
    )
    python = compute_coordination(cols, CoordinationParams(time_window=30, min_participation=2))
    assert [ref.Edge(*e) for e in python.all_edges()] == expected


@pytest.mark.parametrize("kind", ["hashtag", "domain", "media"])
def test_each_other_type_alone_gives_coortweets_network(
    db: Driver, tmp_path: Path, kind: str
) -> None:
    _load(db, tmp_path)
    expected = _expected([TYPES[kind]])
    assert len(expected) > 20
    assert _run(["--object-type", kind, *WINDOW]) == expected


def test_per_type_is_coortweets_combination_of_the_types(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    combined = _expected(list(TYPES.values()))
    assert len(combined) == 42
    assert _run(["--per-type", *WINDOW]) == combined  # every type the graph holds
    two = _expected(["url_id", "hashtag_id"])
    assert _run(["--per-type", "--object-type", "url", "--object-type", "hashtag", *WINDOW]) == two
    # The types in one object space are another network: participation is counted over all.
    one_space = _run(["--object-type", "url", "--object-type", "hashtag", *WINDOW])
    assert one_space != two
    assert sorted(e.weight for e in one_space) != sorted(e.weight for e in two)


def test_a_run_reads_one_file_or_one_campaign(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    other = tmp_path / "more.csv"  # a second file: the crew's URL shares again, and more
    with FIXTURE.open(newline="") as fh, other.open("w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        for r in csv.DictReader(fh):
            w.writerow(
                ["https://example.org/7", r["account_id"], f"x{r['post_id']}", r["timestamp"]]
            )
    report = run_load(
        ShareEventsLoader(object_type=ObjectType.URL),
        other,
        driver=db,
        rejects_dir=tmp_path / "rejects",
    )
    assert (report.rows_loaded, report.duplicates) == (306, 97)  # two-hashtag posts repeat
    url = _expected(["url_id"])
    assert _run(["--object-type", "url", *WINDOW]) != url  # the second file's shares count
    by_name = _run(["--object-type", "url", "--source", FIXTURE.name, *WINDOW])
    assert by_name == url
    sha = read(db, "MATCH (s:Source {name: $n}) RETURN s.sha256 AS h", {"n": FIXTURE.name})
    assert _run(["--object-type", "url", "--source", sha[0]["h"], *WINDOW]) == url
    assert _run(["--object-type", "url", "--source", str(FIXTURE), *WINDOW]) == url

    write(
        db,
        "MERGE (c:Campaign {key: 'crew'}) WITH c MATCH (a:Account) WHERE a.key IN $keys "
        "MERGE (a)-[:ATTRIBUTED_TO]->(c)",
        {"keys": [f"twitter:{a}" for a in CREW]},
    )
    crew = _expected(["url_id"], accounts=CREW)
    assert 0 < len(crew) < len(url)
    args = ["--object-type", "url", "--source", FIXTURE.name, "--campaign", "crew", *WINDOW]
    assert _run(args) == crew


def test_the_run_records_its_scope(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    out = CliRunner().invoke(
        app,
        [
            "detect",
            "coordination",
            "--object-type",
            "url",
            "--object-type",
            "media",
            "--per-type",
            "--source",
            FIXTURE.name,
            *WINDOW,
        ],
        terminal_width=200,
    )
    assert out.exit_code == 0, out.output
    run = out.output.split()[1]
    lines = [" ".join(line.split()) for line in out.output.splitlines()]
    assert lines[1] == (
        f"scope object types url, media; each object type its own space; file {FIXTURE.name}"
    )
    r = read(db, "MATCH (r:DetectionRun {key: $run}) RETURN r", {"run": run})[0]["r"]
    assert (r["object_types"], r["per_type"], r["source"], r["campaign"]) == (
        ["url", "media"],
        True,
        FIXTURE.name,
        None,
    )
    plain = compute_from_log(db, CoordinationParams(time_window=30))
    assert plain.report()[0][0] == "share events read"  # no scope line for a plain run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--object-type", "tweet"], "object_type has no type tweet; known: url, hashtag"),
        (["--source", "nothing.csv"], "no loaded file is called 'nothing.csv'"),
        (["--campaign", "nobody"], "no campaign or network is called 'nobody'"),
        (
            ["--per-type", "--null-permutations", "5"],
            "the permutation null shuffles one object space: run it without --per-type",
        ),
    ],
)
def test_a_bad_scope_is_one_line(db: Driver, args: list[str], message: str) -> None:
    out = CliRunner().invoke(app, ["detect", "coordination", *args, *WINDOW])
    assert out.exit_code == 1
    assert out.output.startswith(f"error: {message}"), out.output
    assert out.output.count("\n") == 1
    assert read(db, "MATCH (r:DetectionRun) RETURN count(r) AS n")[0]["n"] == 0


def test_export_format_csv_is_coortweets_edge_list(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    out = CliRunner().invoke(app, ["detect", "coordination", "--per-type", *WINDOW])
    run = out.output.split()[1]
    target = tmp_path / "edges.csv"
    done = CliRunner().invoke(app, ["detect", "export", run, "--format", "csv", "-o", str(target)])
    assert done.exit_code == 0, done.output
    with target.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = _expected(list(TYPES.values()))
    assert [list(r) for r in rows[:1]] == [
        [
            "from", "to", "weight", "avg_time_delta", "n_content_id", "n_content_id_y",
            "edge_symmetry_score", "weight_threshold",
        ]
    ]  # fmt: skip
    assert [
        ref.Edge(
            r["from"],
            r["to"],
            int(r["weight"]),
            float(r["avg_time_delta"]),
            int(r["n_content_id"]),
            int(r["n_content_id_y"]),
            float(r["edge_symmetry_score"]),
            int(r["weight_threshold"]),
        )
        for r in rows
    ] == expected
    wrong = CliRunner().invoke(app, ["detect", "export", run, "--format", "xlsx"])
    assert (wrong.exit_code, wrong.output) == (
        1,
        "error: unknown format 'xlsx'; known: csv, groups\n",
    )


def test_export_format_groups_is_coortweets_rbind_of_detect_groups(
    db: Driver, tmp_path: Path
) -> None:
    _load(db, tmp_path)
    out = CliRunner().invoke(app, ["detect", "coordination", "--per-type", *WINDOW])
    run = out.output.split()[1]
    target = tmp_path / "groups.csv"
    done = CliRunner().invoke(
        app, ["detect", "export", run, "--format", "groups", "-o", str(target)]
    )
    assert done.exit_code == 0, done.output
    with target.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    label = {"Url": "url_", "Hashtag": "hashtag_", "Domain": "domain_", "Media": "hash_"}
    got = sorted(
        ref.Group(
            label[r["object_type"]] + r["object_id"],
            r["account_id"],
            r["account_id_y"],
            r["content_id"],
            r["content_id_y"],
            int(r["time_delta"]),
        )
        for r in rows
    )
    expected = []
    for column in TYPES.values():
        expected += ref.detect_groups(
            ref.prep(FIXTURE, column), time_window=30, min_participation=2
        )
    assert len(expected) == 490
    assert got == sorted(expected)
    assert all(int(r["timestamp_share_y"]) - int(r["timestamp_share"]) == int(r["time_delta"])
               for r in rows)  # fmt: skip
    missing = CliRunner().invoke(app, ["detect", "export", "nope", "--format", "groups"])
    assert (missing.exit_code, missing.output) == (
        1,
        "error: no coordination run 'nope' in the graph\n",
    )


def test_fusion_evidence_states_the_runs_scope(db: Driver, tmp_path: Path) -> None:
    from cibgraph.detection.coordination import SIGNAL
    from cibgraph.neo4j.runner import QueryRunner

    _load(db, tmp_path)
    out = CliRunner().invoke(
        app, ["detect", "coordination", "--object-type", "url", "--per-type", *WINDOW]
    )
    run = out.output.split()[1]
    rows = QueryRunner(db).run(SIGNAL.fusion.query, {"run": run})
    assert rows  # edges of weight >= 2 were written
    text = SIGNAL.edge(rows[0]).text
    assert "times within the time window (object types url; each object type its own space; on" in (
        text
    )


def test_a_scoped_run_takes_the_permutation_null(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    params = CoordinationParams(
        time_window=30, min_participation=2, object_type=("url",), null_permutations=20, seed=3
    )
    result = compute_from_log(db, params)
    edges = {(e.account, e.other) for e in result.edges}
    assert len(edges) == 30 and set(result.nulls) == edges
    assert all(0 < n.p_value <= 1 for n in result.nulls.values())
    assert min(n.p_value for n in result.nulls.values()) < 0.5  # the crew is not chance
    assert compute_from_log(db, params).nulls == result.nulls  # seeded
