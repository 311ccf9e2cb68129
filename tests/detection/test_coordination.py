"""Coordinated sharing detection: exact parity with CooRTweet 2.1, its edge cases, its records."""

from __future__ import annotations

import csv
import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.detection.coordination import (
    CoordinationParams,
    CoordinationResult,
    EvidencePair,
    compute_coordination,
    coordination_evidence,
    detect_coordination,
    quantile_type7,
    read_edges,
    read_share_events,
    run_edges_file,
    write_coordination,
)
from cibgraph.ingest.base import run_load
from cibgraph.ingest.shares import ShareEventsLoader
from cibgraph.neo4j.db import read
from cibgraph.settings import Settings

RUSSIAN_SHARES = 35_124  # 35,125 rows, one exact duplicate
Edge = tuple[int, float, int, int, float, int]


def _wipe(driver: Driver, settings: Settings) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


@pytest.fixture()
def russian(
    driver: Driver, settings: Settings, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Driver:
    """The database holding the Russian share events, loaded once and again only after a wipe."""
    counts = read(
        driver,
        "RETURN COUNT { ()-[:SHARED]->() } AS shares, COUNT { (:Source) } AS sources, "
        "COUNT { (:Account) } AS accounts",
    )[0]
    if (counts["shares"], counts["sources"], counts["accounts"]) != (RUSSIAN_SHARES, 1, 9_509):
        _wipe(driver, settings)
        report = run_load(
            ShareEventsLoader(),
            data_dir / "coortweet" / "russian_coord_tweets.csv.gz",
            driver=driver,
            rejects_dir=tmp_path_factory.mktemp("rejects"),
        )
        assert report.rows_loaded == RUSSIAN_SHARES
    return driver


def _reference(data_dir: Path) -> dict[tuple[str, str], Edge]:
    path = data_dir / "coortweet" / "russian_tw60_mp2_reference_edges.csv.gz"
    with gzip.open(path, "rt", newline="") as fh:
        rows = list(csv.DictReader(fh))
    edges: dict[tuple[str, str], Edge] = {}
    for r in rows:
        a, b = sorted((f"twitter:{r['from']}", f"twitter:{r['to']}"))
        edges[(a, b)] = (
            int(r["weight"]),
            float(r["avg_time_delta"]),
            int(r["n_content_id"]),
            int(r["n_content_id_y"]),
            float(r["edge_symmetry_score"]),
            int(r["weight_threshold"]),
        )
    assert len(edges) == len(rows) == 3_721
    return edges


def _same(ours: dict[tuple[str, str], Edge], ref: dict[tuple[str, str], Edge]) -> None:
    assert set(ours) == set(ref)
    for pair, (w, avg, n1, n2, sym, flag) in ref.items():
        got = ours[pair]
        assert (got[0], got[2], got[3], got[5]) == (w, n1, n2, flag), pair
        assert got[1] == pytest.approx(avg, rel=1e-12, abs=1e-12), pair
        assert got[4] == pytest.approx(sym, rel=1e-12, abs=1e-12), pair


def _run_edges(driver: Driver, run: str) -> dict[tuple[str, str], Edge]:
    rows = read(
        driver,
        "MATCH (a:Account)-[c:COORDINATED_WITH {run: $run}]->(b:Account) "
        "RETURN a.key AS a, b.key AS b, c.weight AS w, c.avg_time_delta AS avg, "
        "c.n_content_id AS n1, c.n_content_id_y AS n2, c.edge_symmetry_score AS sym, "
        "c.weight_threshold AS flag",
        {"run": run},
    )
    edges = {
        (r["a"], r["b"]): (r["w"], r["avg"], r["n1"], r["n2"], r["sym"], r["flag"]) for r in rows
    }
    assert len(edges) == len(rows)  # no duplicated edge within a run
    return edges


# --- The Russian data against CooRTweet 2.1's own output ------------------------------------


def test_parity_with_coortweet_edge_by_edge(russian: Driver, data_dir: Path) -> None:
    ref = _reference(data_dir)
    result = detect_coordination(russian, time_window=60, min_participation=2)
    assert (len(result.edges), result.accounts) == (3_721, 2_110)
    assert result.weight_quantile == 1.0
    assert result.edges_above_threshold == 60
    assert (result.share_events, result.coordinated_pairs) == (30_032, 3_791)
    ours = {
        (e.account, e.other): (
            e.weight,
            e.avg_time_delta,
            e.n_content_id,
            e.n_content_id_y,
            e.edge_symmetry_score,
            e.weight_threshold,
        )
        for e in result.edges
    }
    _same(ours, ref)

    # What is written is what was computed: the graph holds the edges fusion can use (weight
    # 2 or more), the run's log file every edge, both matching the reference.
    run = write_coordination(russian, result)
    _same(_run_edges(russian, run.run_id), {p: e for p, e in ref.items() if e[0] >= 2})
    logged = {(e.account, e.other): e[2:] for e in read_edges(run_edges_file(run.run_id))}
    _same(logged, ref)


def test_detection_run_records_params_times_and_counts(russian: Driver) -> None:
    result = detect_coordination(russian, time_window=60, min_participation=2, edge_weight=0.5)
    run = write_coordination(russian, result)
    node = read(
        russian, "MATCH (r:DetectionRun {key: $run}) RETURN properties(r) AS p", {"run": run.run_id}
    )
    assert len(node) == 1
    p = node[0]["p"]
    assert run.run_id.startswith("coordination-")
    assert (p["kind"], p["status"], p["algorithm"]) == (
        "coordination",
        "complete",
        "CooRTweet 2.1 coordinated sharing",
    )
    assert (p["time_window"], p["min_participation"], p["edge_weight"]) == (60, 2, 0.5)
    assert (p["accounts"], p["edges"], p["edges_above_threshold"]) == (2_110, 3_721, 60)
    assert (p["edges_written"], p["write_weight"], p["engine"]) == (60, 2, "duckdb")
    assert (p["share_events"], p["coordinated_pairs"], p["weight_quantile"]) == (30_032, 3_791, 1.0)
    started, finished = p["started_at"].to_native(), p["finished_at"].to_native()
    assert started == result.started_at
    assert started <= finished <= datetime.now(UTC)
    assert (run.accounts, run.edges) == (2_110, 3_721)

    # The edges in the graph are the run's 60 of weight 2 or more, all from the smaller key.
    stored = read(
        russian,
        "MATCH (a:Account)-[c:COORDINATED_WITH {run: $run}]->(b:Account) "
        "WITH collect(a.key) + collect(b.key) AS keys, count(c) AS edges, "
        "sum(CASE WHEN a.key < b.key THEN 1 ELSE 0 END) AS ordered, sum(c.weight) AS weight "
        "UNWIND keys AS key "
        "RETURN count(DISTINCT key) AS accounts, edges, ordered, weight",
        {"run": run.run_id},
    )[0]
    heavy = [e for e in result.edges if e.weight >= 2]
    assert (stored["accounts"], stored["edges"], stored["ordered"], stored["weight"]) == (
        len({k for e in heavy for k in (e.account, e.other)}),
        60,
        60,
        sum(e.weight for e in heavy),
    )
    assert sum(e.weight for e in heavy) == 3_791 - (3_721 - 60)  # the others weigh 1


def test_rerun_makes_a_new_comparable_run_and_never_duplicates_edges(russian: Driver) -> None:
    before = read(russian, "RETURN COUNT { ()-[:COORDINATED_WITH]->() } AS n")[0]["n"]
    first = write_coordination(
        russian, detect_coordination(russian, time_window=60, min_participation=2)
    )
    again = detect_coordination(russian, time_window=60, min_participation=2)
    write_coordination(russian, again, run_id=first.run_id)  # the same run, written twice
    second = write_coordination(russian, again)
    assert second.run_id != first.run_id
    after = read(russian, "RETURN COUNT { ()-[:COORDINATED_WITH]->() } AS n")[0]["n"]
    assert after - before == 2 * 60  # the edges of weight 2 or more, once per run
    assert _run_edges(russian, first.run_id) == _run_edges(russian, second.run_id)
    runs = read(
        russian,
        "MATCH (r:DetectionRun) WHERE r.key IN $keys RETURN count(r) AS n",
        {"keys": [first.run_id, second.run_id]},
    )
    assert runs[0]["n"] == 2


def test_evidence_lists_the_pairs_behind_a_real_edge(russian: Driver) -> None:
    a = "twitter:5067ece9a0bf604c58541342668a0e96"
    b = "twitter:dcaec387c76f1d26a0d51f61227fdac0"
    pairs = coordination_evidence(russian, a, b, time_window=60)

    def at(seconds: int) -> datetime:
        return datetime.fromtimestamp(seconds, UTC)

    # The reference edge: weight 4, avg_time_delta 16.75, 4 and 4 distinct posts. On object
    # 1dc8cbe1… b's second share, 64 s before a's, falls outside the window; so does 19884d97…
    assert pairs == [
        EvidencePair(
            "twitter:1dc8cbe1b996239a637c2317389570f3",
            "4c094ea786f33c09422bba84507370d8",
            at(1611344976),
            "1de1f1b1dec388c4626d29f2d06f6c52",
            at(1611344930),
            46.0,
        ),
        EvidencePair(
            "twitter:898de6fc855ba0b15ad40f3d4e095aaa",
            "4ec3222ce7c2017837e4ad3be11f2a12",
            at(1611344962),
            "1e76937827023574d0dd4d0a532bfbf7",
            at(1611344960),
            2.0,
        ),
        EvidencePair(
            "twitter:da952cdcb93d56a93bf3ef035a03f830",
            "3abb51c95347b202f956e3e4dd8b7fec",
            at(1611344991),
            "35ecbdf94a29342490ad42a6c2851752",
            at(1611344981),
            10.0,
        ),
        EvidencePair(
            "twitter:8b86201c46a8577464eebb3f34841416",
            "4a2141d51cf996c0cb93bb587bad51a9",
            at(1611345000),
            "cec462be976904b06fbbd3f1bda58637",
            at(1611344991),
            9.0,
        ),
    ]
    assert sum(p.delta for p in pairs) / len(pairs) == 16.75
    # Both directions give the same pairs, sides swapped.
    back = coordination_evidence(russian, b, a, time_window=60)
    assert sorted((p.b_content_id, p.a_content_id) for p in back) == sorted(
        (p.a_content_id, p.b_content_id) for p in pairs
    )


def test_cli_detect_coordination_prints_the_run(russian: Driver) -> None:
    out = CliRunner().invoke(
        app, ["detect", "coordination", "--time-window", "60", "--min-participation", "2"]
    )
    assert out.exit_code == 0, out.output
    run = out.output.split()[1]
    assert run.startswith("coordination-")
    lines = [" ".join(line.split()) for line in out.output.splitlines()]
    assert lines[1:6] == [
        "share events read 30,032",
        "coordinated pairs 3,791",
        "accounts 2,110",
        "edges 3,721",
        "above quantile 1 60",
    ]
    n = read(
        russian,
        "MATCH (r:DetectionRun {key: $run}) RETURN r.edges AS edges, r.accounts AS accounts",
        {"run": run},
    )
    assert (n[0]["edges"], n[0]["accounts"]) == (3_721, 2_110)


# --- Small synthetic graphs: the definition's edges -----------------------------------------

HEADER = ["object_id", "account_id", "content_id", "timestamp_share"]
T0 = 1_700_000_000


def _load(db: Driver, tmp_path: Path, rows: list[tuple[str, str, str, int]]) -> None:
    path = tmp_path / "shares.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    report = run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path / "rejects")
    assert report.rows_loaded == len(rows)


def _edges(result: CoordinationResult) -> dict[tuple[str, str], tuple[int, float, int, int]]:
    return {
        (e.account, e.other): (e.weight, e.avg_time_delta, e.n_content_id, e.n_content_id_y)
        for e in result.edges
    }


BOUNDARY = [
    # a and b share p1 exactly 60 s apart; a and c share p2 61 s apart.
    ("p1", "a", "a1", T0),
    ("p1", "b", "b1", T0 + 60),
    ("p2", "a", "a2", T0 + 1_000),
    ("p2", "c", "c1", T0 + 1_061),
    # each account's second share, so all pass min_participation = 2
    ("p3", "b", "b2", T0 + 5_000),
    ("p4", "c", "c2", T0 + 9_000),
]


def test_window_is_inclusive(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path, BOUNDARY)
    at_60 = detect_coordination(db, time_window=60, min_participation=1)
    assert _edges(at_60) == {("twitter:a", "twitter:b"): (1, 60.0, 1, 1)}
    at_61 = detect_coordination(db, time_window=61, min_participation=1)
    assert _edges(at_61) == {
        ("twitter:a", "twitter:b"): (1, 60.0, 1, 1),
        ("twitter:a", "twitter:c"): (1, 61.0, 1, 1),
    }
    at_59 = detect_coordination(db, time_window=59, min_participation=1)
    assert _edges(at_59) == {}
    assert at_59.weight_quantile is None


def test_min_participation_counts_shares_then_shares_in_pairs(db: Driver, tmp_path: Path) -> None:
    rows = [
        *BOUNDARY,
        # d has one share only: dropped before pairing, so its pair with a on p1 never forms.
        ("p1", "d", "d1", T0 + 30),
        # e and f pass the first filter (two shares each) but have one share each in pairs.
        ("p5", "e", "e1", T0),
        ("p5", "f", "f1", T0 + 10),
        ("p6", "e", "e2", T0 + 20_000),
        ("p7", "f", "f2", T0 + 30_000),
    ]
    _load(db, tmp_path, rows)
    two = detect_coordination(db, time_window=60, min_participation=2)
    # a and b have one share each in pairs too: neither qualifies, so the a-b pair goes as well.
    assert _edges(two) == {}
    one = detect_coordination(db, time_window=60, min_participation=1)
    assert _edges(one) == {
        ("twitter:a", "twitter:b"): (1, 60.0, 1, 1),
        ("twitter:a", "twitter:d"): (1, 30.0, 1, 1),
        ("twitter:b", "twitter:d"): (1, 30.0, 1, 1),
        ("twitter:e", "twitter:f"): (1, 10.0, 1, 1),
    }


def test_a_pair_stays_when_either_account_qualifies(db: Driver, tmp_path: Path) -> None:
    rows = [
        # g is paired twice (with h on p8, with i on p9); h and i once each.
        ("p8", "g", "g1", T0),
        ("p8", "h", "h1", T0 + 5),
        ("p9", "g", "g2", T0 + 100),
        ("p9", "i", "i1", T0 + 120),
        ("p10", "h", "h2", T0 + 5_000),
        ("p11", "i", "i2", T0 + 6_000),
    ]
    _load(db, tmp_path, rows)
    result = detect_coordination(db, time_window=60, min_participation=2)
    assert _edges(result) == {
        ("twitter:g", "twitter:h"): (1, 5.0, 1, 1),
        ("twitter:g", "twitter:i"): (1, 20.0, 1, 1),
    }


def test_loops_are_removed(db: Driver, tmp_path: Path) -> None:
    rows = [
        # the same account sharing one object twice
        ("p1", "a", "a1", T0),
        ("p1", "a", "a2", T0 + 10),
        # b's own post p2 is the object: its pairs with c and d are loops; c-d is not
        ("p2", "b", "p2", T0 + 100),
        ("p2", "c", "c1", T0 + 105),
        ("p2", "d", "d1", T0 + 107),
        # two rows naming the same post
        ("p3", "e", "x", T0 + 200),
        ("p3", "f", "x", T0 + 201),
    ]
    _load(db, tmp_path, rows)
    result = detect_coordination(db, time_window=60, min_participation=1)
    assert _edges(result) == {("twitter:c", "twitter:d"): (1, 2.0, 1, 1)}
    assert coordination_evidence(db, "twitter:b", "twitter:c", time_window=60) == []
    assert coordination_evidence(db, "twitter:e", "twitter:f", time_window=60) == []
    assert coordination_evidence(db, "twitter:c", "twitter:d", time_window=60) == [
        EvidencePair(
            "twitter:p2",
            "c1",
            datetime.fromtimestamp(T0 + 105, UTC),
            "d1",
            datetime.fromtimestamp(T0 + 107, UTC),
            2.0,
        )
    ]


def test_weight_counts_pairs_and_posts_are_counted_by_side(db: Driver, tmp_path: Path) -> None:
    rows = [
        # j shares p1 once, k twice within the window: two pairs, j's post earlier in both.
        ("p1", "j", "j1", T0),
        ("p1", "k", "k1", T0 + 10),
        ("p1", "k", "k2", T0 + 40),
        # on p2, k is first.
        ("p2", "k", "k3", T0 + 1_000),
        ("p2", "j", "j2", T0 + 1_030),
    ]
    _load(db, tmp_path, rows)
    result = detect_coordination(db, time_window=60, min_participation=2)
    # earlier posts: j1 (twice), k3; later posts: k1, k2, j2
    assert _edges(result) == {("twitter:j", "twitter:k"): (3, (10 + 40 + 30) / 3, 2, 3)}
    edge = result.edges[0]
    assert edge.edge_symmetry_score == 2 / 3
    assert edge.weight_threshold == 0  # the only weight is the median: not strictly above


def test_quantile_is_rs_type_7() -> None:
    assert quantile_type7([1, 1, 1, 2, 3], 0.5) == 1.0
    assert quantile_type7([4, 1, 3, 2], 0.5) == 2.5
    assert quantile_type7([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6, rel=1e-15)
    assert quantile_type7([5], 0.99) == 5.0
    assert (quantile_type7([1, 9], 0.0), quantile_type7([1, 9], 1.0)) == (1.0, 9.0)


def test_bad_parameters_are_refused(db: Driver) -> None:
    with pytest.raises(ValueError, match="edge_weight"):
        detect_coordination(db, time_window=60, min_participation=2, edge_weight=1.5)
    with pytest.raises(ValueError, match="time_window"):
        detect_coordination(db, time_window=-1, min_participation=2)
    with pytest.raises(ValueError, match="two different accounts"):
        coordination_evidence(db, "twitter:a", "twitter:a", time_window=60)


def test_the_python_definition_agrees_with_the_sql_on_the_russian_data(russian: Driver) -> None:
    """The pure-Python computation over events read from Neo4j, kept as the cross-check."""
    params = CoordinationParams(time_window=60, min_participation=2)
    shares = read_share_events(russian, min_participation=2)
    python = compute_coordination(shares, params)
    sql = detect_coordination(russian, time_window=60, min_participation=2)
    assert list(python.all_edges()) == list(sql.all_edges())
    assert python.heavy == sql.heavy
    assert len(sql.heavy) == 60
    assert (python.share_events, python.coordinated_pairs, python.accounts) == (
        sql.share_events,
        sql.coordinated_pairs,
        sql.accounts,
    )
