"""The coordination-network-toolkit CSV: exact counts, share kinds, bad rows, a bad file, reload."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, ShareTally, run_load
from cibgraph.ingest.qut import QutLoader
from cibgraph.neo4j.db import read
from cibgraph.sharelog import ShareLog

DATA = Path(__file__).parent / "data"
MESSAGES = DATA / "qut_messages.csv"

SHARES = (
    "MATCH (a:Account)-[s:SHARED]->(o) RETURN a.platform_id AS a, labels(o)[0] AS label, "
    "o.key AS o, s.via AS via, s.content_id AS c, s.at.epochMillis AS t ORDER BY c, label, o"
)
NODES = (
    "RETURN COUNT { (:Account) } AS accounts, COUNT { (:Post) } AS posts, "
    "COUNT { (:Url) } AS urls, COUNT { (:Domain) } AS domains, COUNT { (:Hashtag) } AS tags, "
    "COUNT { ()-[:SHARED]->() } AS shared, COUNT { ()-[:POSTED]->() } AS posted"
)


def test_messages_load_as_posts_and_share_events(db: Driver, tmp_path: Path) -> None:
    report = run_load(QutLoader(), MESSAGES, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (13, 8, 4)
    assert (report.duplicates, report.skipped) == (1, 0)
    assert report.shares == {
        "retweet": ShareTally(events=2, repeats=0),
        "reply": ShareTally(events=2, repeats=0),
        "url": ShareTally(events=7, repeats=2),
        "hashtag": ShareTally(events=3, repeats=0),
    }
    nodes = read(db, NODES)[0].data()
    assert nodes == {
        "accounts": 4,
        "posts": 8,
        "urls": 3,
        "domains": 2,
        "tags": 2,
        "shared": 12,
        "posted": 8,
    }
    story = "https://news.example.org/a"
    assert [tuple(r.values()) for r in read(db, SHARES)] == [
        ("u1", "Hashtag", "election2024", None, "m1", 1600000000000),
        ("u1", "Url", story, None, "m1", 1600000000000),
        ("u1", "Hashtag", "multi", None, "m13", 1600000080000),
        # a repost shares the reposted post only (its URL is the original's)
        ("u2", "Post", "twitter:m1", "retweet", "m2", 1600000010000),
        ("u3", "Post", "twitter:m1", "retweet", "m3", 1600000020000),
        ("u2", "Hashtag", "election2024", None, "m4", 1600000030000),
        ("u2", "Post", "twitter:m1", "reply", "m4", 1600000030000),
        ("u2", "Url", story, None, "m4", 1600000030000),  # `news.example.org/a`, no scheme
        ("u3", "Post", "twitter:m1", "reply", "m5", 1600000035000),
        ("u3", "Url", story, None, "m5", 1600000035000),
        ("u4", "Url", "https://blog.example.net/x", None, "m7", 1600000050500),
        ("u4", "Url", "https://blog.example.net/y", None, "m7", 1600000050500),
    ]
    posts = read(
        db,
        "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.handle AS handle, p.platform_id AS id, "
        "p.text AS text, p.is_retweet AS rt ORDER BY id",
    )
    texts = {r["id"]: (r["handle"], r["text"], r["rt"]) for r in posts}
    assert texts["m6"] == ("dave", "plain text, no objects", False)
    assert texts["m13"] == ("alice", "line one\nline two #Multi", False)
    assert texts["m2"][2] is True
    with (tmp_path / "qut_messages.csv.rejects.csv").open() as fh:
        rejects = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(fh)]
    assert [r[:2] for r in rejects] == [
        ("10", "timestamp"),
        ("11", "user_id"),
        ("12", "urls"),
        ("13", ""),
    ]
    assert rejects[1][2] == "empty id"
    assert rejects[2][2] == "not an http(s) URL: 'ftp://files.example.org/f'"
    assert rejects[3][2] == "9 fields, expected 8"
    # detection reads the share log: it holds exactly the graph's share events
    synced = ShareLog.for_database().sync(db)
    assert (synced.events, synced.rebuilt) == (12, False)
    source = read(db, "MATCH (s:Source) RETURN s.rows_read AS r, s.rows_loaded AS l")[0]
    assert (source["r"], source["l"]) == (13, 8)

    again = run_load(QutLoader(), MESSAGES, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.duplicates, again.rows_rejected) == (8, 1, 4)
    assert read(db, NODES)[0].data() == nodes
    assert read(db, "MATCH (s:Source) RETURN count(s) AS n")[0]["n"] == 1


@pytest.mark.parametrize(
    "header",
    [
        "message_id,user_id,username,repost_id,reply_id,message,timestamp",  # no urls
        "message_id,user_id,username,repost_id,reply_id,text,timestamp,urls",
    ],
)
def test_wrong_header_writes_nothing(db: Driver, tmp_path: Path, header: str) -> None:
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(gzip.compress(f"{header}\nm1,u1,a,,,hi,1600000000,\n".encode()))
    with pytest.raises(LoadError, match="expected columns: message_id, user_id, username"):
        run_load(QutLoader(), path, driver=db, rejects_dir=tmp_path)
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_loads_the_file(db: Driver, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["load", "qut", str(MESSAGES), "--rejects-dir", str(tmp_path / "rej")]
    )
    assert result.exit_code == 2, result.output  # finished, with rejects
    assert "retweet" in result.output
    assert read(db, "MATCH ()-[s:SHARED]->() RETURN count(s) AS n")[0]["n"] == 12
