"""The share log: written by every load, idempotent, never partial, rebuilt from the graph."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import file_sha256, run_load
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.ingest.twitter_io import TwitterIOLoader
from cibgraph.neo4j.db import read
from cibgraph.sharelog import ShareLog

T0 = 1_700_000_000
HEADER = ["object_id", "account_id", "content_id", "timestamp_share"]
ROWS = [
    ("p1", "a", "a1", T0),
    ("p1", "b", "b1", T0 + 30),
    ("p1", "b", "b1", T0 + 30),  # an exact repeat: one event
    ("p2", "a", "a2", T0 + 3_456_000),  # 40 days later: another month
]


def _csv(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def _rows(log: ShareLog) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        return con.execute(
            "SELECT account, actor_type, object, object_type, content_id, at_ms, via, source "
            "FROM read_parquet($glob) ORDER BY ALL",
            {"glob": log.glob},
        ).fetchall()
    finally:
        con.close()


@pytest.fixture()
def log(db: Driver) -> ShareLog:
    """The test database's share log, emptied with the database."""
    log = ShareLog.for_database()
    log.sync(db)
    assert log.files() == []
    # loaders killed by SIGKILL in other tests (tests/hostile/test_faults.py) leave their spool
    # folders behind; they are not this test's, so they go before it starts
    if log.root.is_dir():
        for stale in log.root.glob(".load-*"):
            shutil.rmtree(stale)
    return log


def test_a_load_appends_its_events_once_per_month_and_a_reload_adds_nothing(
    db: Driver, log: ShareLog, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "shares.csv", ROWS)
    run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    source = f"sha256:{file_sha256(path)}"
    expected = [
        ("twitter:a", "Account", "twitter:p1", "Post", "a1", T0 * 1000, None, source),
        (
            "twitter:a",
            "Account",
            "twitter:p2",
            "Post",
            "a2",
            (T0 + 40 * 86_400) * 1000,
            None,
            source,
        ),
        ("twitter:b", "Account", "twitter:p1", "Post", "b1", (T0 + 30) * 1000, None, source),
    ]
    assert _rows(log) == expected
    assert sorted(p.parent.name for p in log.files()) == ["month=2023-11", "month=2023-12"]
    assert log.sources() == {source}

    run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    assert _rows(log) == expected
    assert len(log.files()) == 2
    # the log and the graph agree: nothing to rebuild
    report = log.sync(db)
    assert (report.events, report.rebuilt, report.dropped_sources) == (3, False, ())
    assert not [p for p in log.root.iterdir() if p.name.startswith(".load-")]


def test_an_interrupted_load_leaves_no_partial_file(
    db: Driver, log: ShareLog, tmp_path: Path
) -> None:
    rows = [(f"p{i % 50}", f"u{i % 70}", f"c{i}", T0 + i) for i in range(3_000)]
    path = _csv(tmp_path / "many.csv", rows)

    class Interrupt(Exception):
        pass

    def stop(n: int) -> None:
        if n >= 2_000:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_load(
            ShareEventsLoader(),
            path,
            driver=db,
            rejects_dir=tmp_path,
            batch_size=500,
            progress=stop,
        )
    assert log.files() == []  # some batches are in the graph, none in the log
    assert not [p for p in log.root.iterdir() if p.name.startswith(".load-")]
    shares = read(db, "RETURN COUNT { ()-[:SHARED]->() } AS n")[0]["n"]
    assert 0 < shares < 3_000
    # detection's check sees the difference and rebuilds the log from the graph
    report = log.sync(db)
    assert (report.events, report.rebuilt) == (shares, True)
    run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    assert log.sync(db).rebuilt is False
    assert log.event_count() == 3_000
    assert log.sources() == {f"sha256:{file_sha256(path)}"}


def test_rebuild_from_the_graph_gives_the_loaded_log(
    db: Driver, log: ShareLog, tmp_path: Path
) -> None:
    first = _csv(tmp_path / "one.csv", ROWS)
    second = _csv(tmp_path / "two.csv", [*ROWS[:2], ("p9", "c", "c9", T0 + 5)])
    run_load(ShareEventsLoader(), first, driver=db, rejects_dir=tmp_path)
    run_load(
        ShareEventsLoader(object_type=ObjectType.HASHTAG), second, driver=db, rejects_dir=tmp_path
    )
    loaded = _rows(log)
    assert len(loaded) == 3 + 3
    assert {r[3] for r in loaded} == {"Post", "Hashtag"}
    out = CliRunner().invoke(app, ["log", "rebuild"])
    assert out.exit_code == 0, out.output
    assert "6 share events" in " ".join(out.output.split())
    assert _rows(log) == loaded


def test_a_wiped_graph_drops_its_sources_from_the_log(
    db: Driver, log: ShareLog, tmp_path: Path
) -> None:
    run_load(ShareEventsLoader(), _csv(tmp_path / "s.csv", ROWS), driver=db, rejects_dir=tmp_path)
    assert log.event_count() == 3
    with db.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    report = log.sync(db)
    assert (report.events, report.rebuilt, len(report.dropped_sources)) == (0, False, 1)
    assert log.files() == []


def test_tweets_files_log_their_hashtags_urls_and_retweets(
    db: Driver, log: ShareLog, tmp_path: Path
) -> None:
    from tests.ingest.test_twitter_io import TWEET_COLUMNS, TWEETS, write_csv  # its fixtures

    path = write_csv(tmp_path / "hk_test_1_tweets.csv", TWEET_COLUMNS, TWEETS)
    run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path)
    shares = read(
        db,
        "MATCH (a)-[s:SHARED]->(o) RETURN a.key AS a, o.key AS o, labels(o)[0] AS t, "
        "s.content_id AS c, s.at.epochMillis AS at ORDER BY a, o, c, at",
    )
    assert len(shares) > 0
    logged = sorted((r[0], r[2], r[3], r[4], r[5]) for r in _rows(log))
    assert logged == sorted((r["a"], r["o"], r["t"], r["c"], r["at"]) for r in shares)
    assert log.sync(db).rebuilt is False


def test_detect_export_lists_every_edge_of_a_run_the_graph_holds_the_heavy_ones(
    db: Driver, log: ShareLog, tmp_path: Path
) -> None:
    rows = [
        ("p1", "a", "a1", T0),
        ("p1", "b", "b1", T0 + 10),
        ("p2", "a", "a2", T0 + 100),
        ("p2", "b", "b2", T0 + 110),
        ("p2", "c", "c1", T0 + 120),
        ("p3", "c", "c2", T0 + 9_000),
    ]
    run_load(ShareEventsLoader(), _csv(tmp_path / "s.csv", rows), driver=db, rejects_dir=tmp_path)
    out = CliRunner().invoke(
        app, ["detect", "coordination", "--time-window", "60", "--min-participation", "2"]
    )
    assert out.exit_code == 0, out.output
    run = out.output.split()[1]
    assert "written (weight >= 2) 1" in " ".join(out.output.split())
    exported = CliRunner().invoke(app, ["detect", "export", run])
    assert exported.exit_code == 0, exported.output
    lines = exported.output.splitlines()
    assert lines == [
        "from,to,weight,avg_time_delta,n_content_id,n_content_id_y,edge_symmetry_score,"
        "weight_threshold",
        "a,b,2,10.0,2,2,1.0,1",
        "a,c,1,20.0,1,1,1.0,0",
        "b,c,1,10.0,1,1,1.0,0",
    ]
    stored = read(
        db,
        "MATCH (x)-[c:COORDINATED_WITH {run: $run}]->(y) RETURN x.key AS x, y.key AS y, "
        "c.weight AS w",
        {"run": run},
    )
    assert [(r["x"], r["y"], r["w"]) for r in stored] == [("twitter:a", "twitter:b", 2)]
    heavy_only = tmp_path / "heavy.csv"
    done = CliRunner().invoke(
        app, ["detect", "export", run, "-o", str(heavy_only), "--min-weight", "2"]
    )
    assert done.exit_code == 0, done.output
    assert heavy_only.read_text().splitlines()[1:] == ["a,b,2,10.0,2,2,1.0,1"]
    missing = CliRunner().invoke(app, ["detect", "export", "coordination-nope"])
    assert missing.exit_code == 1
    assert "no edge file for run 'coordination-nope'" in missing.output


def test_format_loaders_log_each_object_type(db: Driver, log: ShareLog, tmp_path: Path) -> None:
    from cibgraph.ingest.coortweet import CooRTweetLoader

    path = tmp_path / "multi.csv"
    path.write_text(
        "account_id,post_id,url_id,hashtag_id,timestamp\n"
        f"a,a1,11,tag,{T0}\n"
        f"b,b1,11,,{T0 + 5}\n"
        f"b,b1,,other,{T0 + 5}\n"
    )
    run_load(CooRTweetLoader(), path, driver=db, rejects_dir=tmp_path)
    source = f"sha256:{file_sha256(path)}"
    assert _rows(log) == [
        ("twitter:a", "Account", "11", "Url", "a1", T0 * 1000, None, source),
        ("twitter:a", "Account", "tag", "Hashtag", "a1", T0 * 1000, None, source),
        ("twitter:b", "Account", "11", "Url", "b1", (T0 + 5) * 1000, None, source),
        ("twitter:b", "Account", "other", "Hashtag", "b1", (T0 + 5) * 1000, None, source),
    ]
    assert log.sync(db).rebuilt is False


def test_the_event_count_is_kept_until_a_file_changes(tmp_path: Path) -> None:
    log = ShareLog(tmp_path / "log")
    writer = log.writer("sha256:a")
    writer._spool.extend(
        [
            ("twitter:a", "Account", "twitter:p1", "Post", f"c{i}", 1_700_000_000_000 + i, None)
            for i in range(5)
        ]
    )
    writer.commit()
    assert log.event_count() == 5
    kept = tmp_path / "log" / "events.count"
    state = json.loads(kept.read_text())
    kept.write_text(json.dumps({**state, "events": 99}))
    assert log.event_count() == 99  # the same files: the kept count, the log not read
    writer = log.writer("sha256:a")  # a reload of the source replaces its file
    writer._spool.extend(
        [
            ("twitter:a", "Account", "twitter:p1", "Post", f"c{i}", 1_700_000_000_000 + i, None)
            for i in range(3)
        ]
    )
    writer.commit()
    assert log.event_count() == 3
    log.drop_sources(["sha256:a"])
    assert log.event_count() == 0
