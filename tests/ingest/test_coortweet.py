"""CooRTweet's two layouts: exact counts, per-type tallies, bad rows, reload."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, ShareTally, run_load
from cibgraph.ingest.coortweet import CooRTweetLoader
from cibgraph.neo4j.db import read

DATA = Path(__file__).parent / "data"
MULTI = DATA / "coortweet_multi.csv"
SHARES = DATA / "coortweet_shares.csv"

SHARED_BY_LABEL = (
    "MATCH ()-[s:SHARED]->(o) WITH labels(o)[0] AS label, count(s) AS n "
    "RETURN label, n ORDER BY label"
)
NODES = (
    "RETURN COUNT { (:Account) } AS accounts, COUNT { (:Url) } AS urls, "
    "COUNT { (:Hashtag) } AS hashtags, COUNT { (:Domain) } AS domains, "
    "COUNT { (:Media) } AS media, COUNT { ()-[:ON_DOMAIN]->() } AS on_domain, "
    "COUNT { (:Source) } AS sources"
)


def _shared(db: Driver) -> dict[str, int]:
    return {r["label"]: r["n"] for r in read(db, SHARED_BY_LABEL)}


def test_multi_object_file_loads_every_column_as_its_own_type(db: Driver, tmp_path: Path) -> None:
    report = run_load(CooRTweetLoader(), MULTI, driver=db, rejects_dir=tmp_path)
    # 17 rows: 12 loaded, one with no object at all, one exact repeat, three bad.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (17, 12, 3)
    assert (report.duplicates, report.skipped) == (1, 1)
    assert report.rows_read == (
        report.rows_loaded + report.rows_rejected + report.duplicates + report.skipped
    )
    assert report.shares == {
        "url": ShareTally(events=9, repeats=2, empty=4),
        "hashtag": ShareTally(events=8, repeats=1, empty=5),
        "domain": ShareTally(events=9, repeats=2, empty=4),
        "media": ShareTally(events=5, repeats=0, empty=8),
    }
    assert _shared(db) == {"Domain": 7, "Hashtag": 7, "Media": 5, "Url": 7}
    nodes = read(db, NODES)[0].data()
    assert nodes == {
        "accounts": 5,
        "urls": 2,
        "hashtags": 3,
        # the URLs' registered domains (example.org, example.net) and the domain column's hosts
        "domains": 4,
        "media": 2,
        "on_domain": 2,
        "sources": 1,
    }
    # `TW_a1` is a dataset's own id, not a redacted hash.
    flags = read(db, "MATCH (a:Account) RETURN collect(DISTINCT a.hashed) AS h")[0]["h"]
    assert flags == [False]
    rejects = (tmp_path / "coortweet_multi.csv.rejects.csv").read_text().splitlines()
    assert [line.split(",")[1:3] for line in rejects[1:]] == [
        ["16", "timestamp"],
        ["17", "account_id"],
        ["18", ""],
    ]
    source = read(
        db,
        "MATCH (s:Source) RETURN s.rows_skipped AS skipped, s.share_types AS types, "
        "s.share_events AS events, s.share_repeats AS repeats",
    )[0].data()
    assert source == {
        "skipped": 1,
        "types": ["domain", "hashtag", "media", "url"],
        "events": [9, 8, 5, 9],
        "repeats": [2, 1, 0, 2],
    }

    again = run_load(CooRTweetLoader(), MULTI, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.duplicates, again.skipped) == (12, 1, 1)
    assert _shared(db) == {"Domain": 7, "Hashtag": 7, "Media": 5, "Url": 7}
    assert read(db, NODES)[0].data() == nodes


def test_share_edges_carry_post_and_time(db: Driver, tmp_path: Path) -> None:
    run_load(CooRTweetLoader(), MULTI, driver=db, rejects_dir=tmp_path)
    rows = read(
        db,
        "MATCH (a:Account)-[s:SHARED]->(u:Url) RETURN a.key AS a, s.content_id AS c, "
        "s.at.epochSeconds AS t, u.key AS u ORDER BY t",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("twitter:TW_a1", "p1", 1632000000, "https://news.example.org/story-1"),
        ("twitter:TW_b2", "p2", 1632000010, "https://news.example.org/story-1"),
        ("twitter:FB_c3", "p3", 1632000025, "https://news.example.org/story-1"),
        ("twitter:FB_d4", "p4", 1632000045, "https://news.example.org/story-1"),
        ("twitter:TW_a1", "p5", 1632000100, "https://blog.example.net/post?id=2"),
        ("twitter:TW_b2", "p6", 1632000130, "https://blog.example.net/post?id=2"),
        ("twitter:FB_c3", "p7", 1632000161, "https://blog.example.net/post?id=2"),
    ]


def test_four_column_layout_and_its_bad_rows(db: Driver, tmp_path: Path) -> None:
    report = run_load(CooRTweetLoader(), SHARES, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.duplicates) == (7, 5, 1)
    assert (report.rows_rejected, report.skipped) == (1, 0)
    assert report.shares == {"post": ShareTally(events=6, repeats=1, empty=0)}
    times = read(
        db,
        "MATCH (:Account {key: 'twitter:u3'})-[s:SHARED]->(p:Post {key: 'twitter:rt1'}) "
        "RETURN s.at.epochSeconds AS t",
    )
    assert [r["t"] for r in times] == [1632000030]  # '%Y-%m-%d %H:%M:%S' read as UTC
    assert _shared(db) == {"Post": 5}


def test_opaque_url_ids_load_without_a_domain(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "anon.csv"
    path.write_text("account_id,post_id,url_id,timestamp\nTW_1,10,4711,1\nTW_2,11,4711,2\n")
    report = run_load(CooRTweetLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_loaded, report.rows_rejected) == (2, 0)
    rows = read(db, "MATCH (u:Url) RETURN u.key AS k, COUNT { (u)-[:ON_DOMAIN]->() } AS d")
    assert [(r["k"], r["d"]) for r in rows] == [("4711", 0)]


def test_wrong_header_writes_nothing(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("account_id,post_id,timestamp,text\nTW_1,10,1,hello\n")
    with pytest.raises(LoadError, match="neither CooRTweet layout"):
        run_load(CooRTweetLoader(), path, driver=db, rejects_dir=tmp_path)
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_loads_a_zipped_file(db: Driver, tmp_path: Path) -> None:
    archive = shutil.make_archive(str(tmp_path / "multi"), "zip", DATA, MULTI.name)
    result = CliRunner().invoke(
        app, ["load", "coortweet", archive, "--rejects-dir", str(tmp_path / "rej")]
    )
    assert result.exit_code == 2, result.output  # finished, with rejects
    assert "skipped" in result.output
    assert _shared(db) == {"Domain": 7, "Hashtag": 7, "Media": 5, "Url": 7}
