"""The share-events loader on the real CooRTweet data and on corrupted files."""

from __future__ import annotations

import csv
import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import Item, LoadError, run_load
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.neo4j.db import read
from cibgraph.neo4j.runner import RowsLostError

COUNTS = (
    "RETURN COUNT { (:Account) } AS accounts, COUNT { (:Post) } AS objects, "
    "COUNT { ()-[:SHARED]->() } AS shares, COUNT { (:Source) } AS sources"
)


def _counts(db: Driver) -> tuple[int, int, int, int]:
    r = read(db, COUNTS)[0]
    return (r["accounts"], r["objects"], r["shares"], r["sources"])


def test_russian_share_events_load_exactly(db: Driver, data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "coortweet" / "russian_coord_tweets.csv.gz"
    report = run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded) == (35_125, 35_124)
    assert (report.duplicates, report.rows_rejected) == (1, 0)
    assert report.rejects_path is None
    assert _counts(db) == (9_509, 7_285, 35_124, 1)
    hashed = read(db, "MATCH (a:Account) WHERE a.hashed RETURN count(a) AS n")[0]["n"]
    assert hashed == 9_509  # the dataset's ids are hex digests

    again = run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    assert again.rows_loaded == 35_124
    assert _counts(db) == (9_509, 7_285, 35_124, 1)
    src = read(db, "MATCH (s:Source) RETURN s.rows_read AS r, s.duplicates AS d, s.loader AS l")
    assert (src[0]["r"], src[0]["d"], src[0]["l"]) == (35_125, 1, "share-events")


def _write(path: Path, rows: list[list[str]]) -> Path:
    with gzip.open(path, "wt", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["object_id", "account_id", "content_id", "timestamp_share"]


def test_bad_rows_are_rejected_and_good_rows_load(db: Driver, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "shares.csv.gz",
        [
            HEADER,
            ["https://example.org/a", "1", "c1", "1623881091"],
            ["https://example.org/a", "2", "c2", "not-a-time"],
            ["ftp://example.org/b", "3", "c3", "1623881091"],
            ["https://example.org/a", "", "c4", "1623881091"],
            ["https://example.org/a", "5", "c5"],
            ["https://example.org/a", "6", "c6", "2021-06-16T22:04:51Z"],
            ["https://example.org/a", "1", "c1", "1623881091"],
        ],
    )
    loader = ShareEventsLoader(object_type=ObjectType.URL)
    report = run_load(loader, path, driver=db, rejects_dir=tmp_path / "rejects")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected, report.duplicates) == (
        7,
        2,
        4,
        1,
    )
    assert report.rejects_path is not None
    with report.rejects_path.open() as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["line"], r["field"]) for r in rejects] == [
        ("3", "timestamp_share"),
        ("4", "object_id"),
        ("5", "account_id"),
        ("6", ""),
    ]
    assert rejects[0]["reason"].startswith("not a date/time: 'not-a-time' (")
    assert rejects[3]["reason"] == "3 fields, expected 4"
    rows = read(
        db,
        "MATCH (a:Account)-[s:SHARED]->(u:Url)-[:ON_DOMAIN]->(d:Domain) "
        "RETURN a.key AS a, s.at.epochSeconds AS at, d.key AS d ORDER BY a",
    )
    assert [(r["a"], r["at"], r["d"]) for r in rows] == [
        ("twitter:1", 1623881091, "example.org"),
        ("twitter:6", 1623881091, "example.org"),
    ]


def test_wrong_header_fails_before_writing(db: Driver, tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv.gz", [["object", "account_id", "content_id", "ts"], ["a"]])
    with pytest.raises(LoadError, match="expected columns: object_id, account_id"):
        run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    assert _counts(db) == (0, 0, 0, 0)


def test_dry_run_writes_nothing(db: Driver, data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "coortweet" / "russian_coord_tweets.csv.gz"
    report = run_load(ShareEventsLoader(), path, driver=None, rejects_dir=tmp_path, dry_run=True)
    assert (report.rows_loaded, report.duplicates) == (35_124, 1)
    assert _counts(db) == (0, 0, 0, 0)


def test_cli_exit_code_says_whether_rows_were_rejected(db: Driver, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.csv.gz", [HEADER, ["p1", "1", "c1", "1623881091"]])
    bad = _write(tmp_path / "bad.csv.gz", [HEADER, ["p1", "1", "c1", "yesterday"]])
    runner = CliRunner()
    args = ["load", "share-events", "--rejects-dir", str(tmp_path / "rj")]
    ok = runner.invoke(app, [*args, str(good)])
    assert ok.exit_code == 0, ok.output
    rejected = runner.invoke(app, [*args, str(bad)])
    assert rejected.exit_code == 2, rejected.output
    assert (tmp_path / "rj" / "bad.csv.gz.rejects.csv").is_file()
    missing = runner.invoke(app, [*args, str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1
    assert "no such file" in missing.output


class _Interrupt(Exception):
    """Stands for Ctrl-C arriving midway through a load."""


def test_interrupted_load_rerun_ends_with_the_same_graph(
    db: Driver, data_dir: Path, tmp_path: Path
) -> None:
    path = data_dir / "coortweet" / "russian_coord_tweets.csv.gz"

    def stop_midway(rows: int) -> None:
        if rows >= 12_000:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        run_load(
            ShareEventsLoader(),
            path,
            driver=db,
            rejects_dir=tmp_path,
            batch_size=2_000,
            progress=stop_midway,
        )
    partial = _counts(db)
    assert 0 < partial[2] < 35_124  # some batches were written, not all
    assert partial[3] == 0  # no Source is recorded for an unfinished load

    report = run_load(ShareEventsLoader(), path, driver=db, rejects_dir=tmp_path)
    assert report.rows_loaded == 35_124
    assert _counts(db) == (9_509, 7_285, 35_124, 1)


def test_a_share_whose_nodes_are_missing_fails_its_batch(db: Driver) -> None:
    """The share query MATCHes nodes written before it; a row that finds none is never lost."""
    loader = ShareEventsLoader()
    share = {"account_key": "twitter:1", "object_key": "twitter:2", "content_id": "c", "at_ms": 0}
    params = {"source": "sha256:test", "now": datetime.now(UTC)}
    with db.session() as session, pytest.raises(RowsLostError, match="1 of 1 rows found no node"):
        session.execute_write(loader.write, [Item("share", share)], params)
    assert read(db, "MATCH ()-[s:SHARED]->() RETURN count(s) AS n")[0]["n"] == 0


def test_a_failing_file_keeps_the_summaries_of_the_files_before_it(
    db: Driver, tmp_path: Path
) -> None:
    first = _write(tmp_path / "first.csv.gz", [HEADER, ["p1", "1", "c1", "1623881091"]])
    second = _write(tmp_path / "second.csv.gz", [HEADER, ["p2", "2", "c2", "1623881092"]])
    broken = _write(tmp_path / "broken.csv.gz", [["object", "who", "when"], ["p1", "1", "x"]])
    last = _write(tmp_path / "last.csv.gz", [HEADER, ["p3", "3", "c3", "1623881093"]])
    args = ["load", "share-events", "--rejects-dir", str(tmp_path / "rj")]
    done = CliRunner().invoke(app, [*args, str(first), str(second), str(broken), str(last)])
    assert done.exit_code == 1, done.output
    summary = [line for line in done.output.splitlines() if ".csv.gz" in line]
    assert [line.split()[1] for line in summary[:2]] == ["first.csv.gz", "second.csv.gz"]
    error = summary[-1]
    assert "broken.csv.gz" in error and error.endswith("(1 later file(s) not loaded)")
    assert _counts(db)[2] == 2  # the two good files' share events, nothing of the broken one
