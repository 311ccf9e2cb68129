"""Twitter API v2 / twarc2 JSON lines: pages, flattened tweets, bad lines, a bad file, reload.

The fixture follows the v2 tweet object as documented (id, text, author_id, created_at, lang,
source, referenced_tweets, entities.urls/hashtags/mentions) and twarc2's two shapes: response
pages with `includes.users`, and `twarc2 flatten`'s one tweet per line with `author` inline.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, ShareTally, run_load
from cibgraph.ingest.twarc import TwarcLoader
from cibgraph.neo4j.db import read
from cibgraph.sharelog import ShareLog

T0 = "2022-01-01T00:00:"
USERS = [
    {"id": "100", "username": "alice", "name": "Alice", "public_metrics": {"followers_count": 5}},
    {"id": "200", "username": "bob", "name": "Bob", "location": "Lyon"},
    {"id": "300", "username": "carol", "name": "Carol"},
]
DAVE = {"id": "400", "username": "dave", "name": "Dave"}


def _entities(
    urls: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    mentions: tuple[tuple[str, str], ...] = (),
) -> dict[str, list[dict[str, Any]]]:
    return {
        "urls": [{"start": 0, "end": 23, "url": "https://t.co/x", "expanded_url": u} for u in urls],
        "hashtags": [{"start": 0, "end": 5, "tag": t} for t in tags],
        "mentions": [{"start": 0, "end": 5, "username": n, "id": i} for n, i in mentions],
    }


T1: dict[str, Any] = {
    "id": "1",
    "author_id": "100",
    "text": "Vote! #Election https://t.co/x @bob",
    "created_at": f"{T0}00.000Z",
    "lang": "en",
    "source": "Twitter Web App",
    "entities": _entities(
        ("https://www.news.example.org/a?utm_source=twitter",), ("Election",), (("bob", "200"),)
    ),
}
T2 = {
    "id": "2",
    "author_id": "200",
    "text": "RT @alice: Vote! #Election",
    "created_at": f"{T0}10.000Z",
    "referenced_tweets": [{"type": "retweeted", "id": "1"}],
    "entities": _entities((), ("Election",), (("alice", "100"),)),
}
T3 = {**T2, "id": "3", "author_id": "300", "created_at": f"{T0}20.000Z"}
T4 = {
    "id": "4",
    "author_id": "200",
    "text": "@alice yes #election",
    "created_at": f"{T0}30.000Z",
    "referenced_tweets": [{"type": "replied_to", "id": "1"}],
    "entities": _entities(("http://news.example.org/a/",), ("election",), (("alice", "100"),)),
}
T5 = {
    "id": "5",
    "author_id": "300",
    "text": "look https://t.co/q https://t.co/r",
    "created_at": f"{T0}40.000Z",
    "referenced_tweets": [{"type": "quoted", "id": "1"}],
    "entities": _entities(("https://twitter.com/alice/status/1", "https://blog.example.net/x")),
}


def _lines() -> list[str]:
    page1 = {"data": [T1, T2, T3], "includes": {"users": USERS, "tweets": [T1]}, "meta": {}}
    t6 = {k: v for k, v in T4.items() if k != "author_id"} | {"id": "6"}
    page2 = {"data": [T4, T5, t6, T1], "includes": {"users": USERS}, "__twarc": {"v": "2"}}
    t7 = {"id": "7", "author_id": "400", "text": "x", "created_at": "yesterday"}
    t8 = {"id": "8", "author_id": "400", "text": "hello", "created_at": f"{T0}50.000Z"}
    return [
        json.dumps(page1),
        json.dumps(page2),
        '{"data": [{"id": "9"',  # cut short
        "",
        json.dumps({"errors": [{"resource_id": "10", "title": "Not Found Error"}]}),
        json.dumps({"foo": 1}),
        json.dumps({"data": t7, "matching_rules": [{"id": "r1"}]}),  # a filtered-stream line
        json.dumps({"data": t8, "includes": {"users": [DAVE]}}),
    ]


NODES = (
    "RETURN COUNT { (:Account) } AS accounts, COUNT { (:Post) } AS posts, "
    "COUNT { (:Url) } AS urls, COUNT { (:Domain) } AS domains, COUNT { (:Hashtag) } AS tags, "
    "COUNT { ()-[:SHARED]->() } AS shared, COUNT { ()-[:POSTED]->() } AS posted"
)
SHARES = (
    "MATCH (a:Account)-[s:SHARED]->(o) RETURN s.content_id AS c, a.platform_id AS a, "
    "labels(o)[0] AS label, o.key AS o, s.via AS via ORDER BY c, label, o"
)


def test_pages_load_tweets_and_their_share_events(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "search.jsonl"
    path.write_text("\n".join(_lines()) + "\n")
    report = run_load(TwarcLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (11, 6, 4)
    assert (report.duplicates, report.skipped) == (1, 0)
    assert report.shares == {
        "url": ShareTally(events=4, repeats=1),
        "hashtag": ShareTally(events=3, repeats=1),
        "mention": ShareTally(events=3, repeats=1),
        "retweet": ShareTally(events=2, repeats=0),
        "reply": ShareTally(events=1, repeats=0),
        "quote": ShareTally(events=1, repeats=0),
    }
    nodes = read(db, NODES)[0].data()
    assert nodes == {
        "accounts": 4,
        "posts": 6,
        "urls": 2,
        "domains": 2,
        "tags": 1,
        "shared": 11,
        "posted": 6,
    }
    story = "https://news.example.org/a"
    assert [tuple(r.values()) for r in read(db, SHARES)] == [
        ("1", "100", "Account", "twitter:200", None),
        ("1", "100", "Hashtag", "election", None),
        ("1", "100", "Url", story, None),
        ("2", "200", "Post", "twitter:1", "retweet"),
        ("3", "300", "Post", "twitter:1", "retweet"),
        ("4", "200", "Account", "twitter:100", None),
        ("4", "200", "Hashtag", "election", None),
        ("4", "200", "Post", "twitter:1", "reply"),
        ("4", "200", "Url", story, None),
        # the link to the quoted tweet is not a URL share: the quote says it already
        ("5", "300", "Post", "twitter:1", "quote"),
        ("5", "300", "Url", "https://blog.example.net/x", None),
    ]
    post = read(
        db,
        "MATCH (a:Account)-[:POSTED]->(p:Post {key: 'twitter:1'}) RETURN a.handle AS h, "
        "a.followers AS f, p.text AS t, p.language AS l, p.client AS c, p.at.epochSeconds AS at",
    )[0].data()
    assert post == {
        "h": "alice",
        "f": 5,
        "t": T1["text"],
        "l": "en",
        "c": "Twitter Web App",
        "at": 1640995200,
    }
    handles = read(db, "MATCH (a:Account) RETURN a.platform_id AS id, a.handle AS h ORDER BY id")
    assert [tuple(r.values()) for r in handles] == [
        ("100", "alice"),
        ("200", "bob"),
        ("300", "carol"),
        ("400", "dave"),
    ]
    with (tmp_path / "search.jsonl.rejects.csv").open() as fh:
        rejects = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(fh)]
    assert [r[:2] for r in rejects] == [
        ("2", "author_id"),
        ("3", ""),
        ("6", ""),
        ("7", "created_at"),
    ]
    assert rejects[2][2] == "neither a response page nor a tweet"
    synced = ShareLog.for_database().sync(db)
    assert (synced.events, synced.rebuilt) == (11, False)

    again = run_load(TwarcLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.duplicates, again.rows_rejected) == (6, 1, 4)
    assert read(db, NODES)[0].data() == nodes


def test_flattened_tweets_with_the_author_inline(db: Driver, tmp_path: Path) -> None:
    flat = [
        {**T1, "author": USERS[0], "__twarc": {"url": "https://api.twitter.com/2/tweets"}},
        {**T2, "author": USERS[1], "referenced_tweets": [{"type": "retweeted", **T1}]},
    ]
    path = tmp_path / "flat.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in flat))
    report = run_load(TwarcLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    assert read(db, NODES)[0].data() == {
        "accounts": 2,
        "posts": 2,
        "urls": 1,
        "domains": 1,
        "tags": 1,
        "shared": 4,
        "posted": 2,
    }
    bob = read(db, "MATCH (a:Account {key: 'twitter:200'}) RETURN a.location AS l")[0]["l"]
    assert bob == "Lyon"


@pytest.mark.parametrize(
    ("first", "message"),
    [
        ("not json at all", "line 1 is not JSON"),
        ('{"users": []}', "line 1 is neither a Twitter API v2 response page"),
        ('["a", "list"]', "line 1 is neither"),
    ],
)
def test_a_file_that_is_not_twarc_output_writes_nothing(
    db: Driver, tmp_path: Path, first: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(first + "\n" + json.dumps({"data": [T1]}) + "\n")
    with pytest.raises(LoadError, match=message):
        run_load(TwarcLoader(), path, driver=db, rejects_dir=tmp_path)
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_loads_a_gzipped_file(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "search.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(_lines()) + "\n").encode()))
    result = CliRunner().invoke(
        app, ["load", "twarc", str(path), "--rejects-dir", str(tmp_path / "rej")]
    )
    assert result.exit_code == 2, result.output
    assert "mention" in result.output
    assert read(db, "MATCH ()-[s:SHARED]->() RETURN count(s) AS n")[0]["n"] == 11
