"""The Twitter/X IO archive loader: the real users file, synthetic tweets files, corrupted rows."""

from __future__ import annotations

import csv
import gzip
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, run_load
from cibgraph.ingest.twitter_io import (
    TWEET_COLUMNS,
    USER_COLUMNS,
    TwitterIOLoader,
    campaign_from_name,
    parse_list,
)
from cibgraph.ingest.values import FieldError
from cibgraph.neo4j.db import read

runner = CliRunner()

REAL_USERS = Path("twitter-io") / "china_082019_1_users_csv_hashed.csv"

# Every label and relationship type, and the sum of the aggregated counts: what "loading again
# changes nothing" compares.
GRAPH_COUNTS = """
CALL () { MATCH (n) UNWIND labels(n) AS label RETURN label AS what, count(*) AS n
  UNION ALL
  MATCH ()-[r]->() RETURN type(r) AS what, count(*) AS n
  UNION ALL
  MATCH ()-[r:RETWEETED|REPLIED_TO|MENTIONED]->() RETURN type(r) + '.count' AS what,
        sum(r.count) AS n }
RETURN what, n ORDER BY what
"""


def graph_counts(db: Driver) -> dict[str, int]:
    return {r["what"]: r["n"] for r in read(db, GRAPH_COUNTS)}


def test_campaign_comes_from_the_file_name() -> None:
    assert campaign_from_name(Path("china_082019_1_users_csv_hashed.csv")) == "china_082019_1"
    assert campaign_from_name(Path("china_082019_1_tweets_csv_hashed.csv.zip")) == "china_082019_1"
    assert campaign_from_name(Path("ira_tweets_csv_hashed_2.csv.gz")) == "ira"
    assert campaign_from_name(Path("users.csv")) is None
    assert campaign_from_name(Path("accounts.csv")) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("['HongKong', '#hk']", ["HongKong", "#hk"]),
        ("[]", []),
        ("", []),
        ("[123, 'ab+c=']", ["123", "ab+c="]),
    ],
)
def test_list_columns_are_python_literals(text: str, expected: list[str]) -> None:
    assert parse_list({"hashtags": text}, "hashtags") == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("['a', 'b'", "malformed list literal (SyntaxError)"),
        ("[__import__('os')]", "malformed list literal (ValueError)"),
        ("('a',)", "not a list literal: \"('a',)\""),
        ("[['a']]", "list element is not a string or number: ['a']"),
        ("['']", "empty list element"),
    ],
)
def test_malformed_lists_are_field_errors(text: str, reason: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_list({"urls": text}, "urls")
    assert (info.value.field, info.value.reason) == ("urls", reason)


def test_real_users_file(db: Driver, data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / REAL_USERS
    report = run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (744, 744, 0)
    assert report.rejects_path is None
    rows = read(
        db,
        "MATCH (a:Account)-[:ATTRIBUTED_TO]->(:Campaign {key: 'china_082019_1'}) "
        "RETURN count(a) AS accounts, count(CASE WHEN a.hashed THEN 1 END) AS hashed, "
        "count(CASE WHEN a.hashed AND (a.handle IS NOT NULL OR a.name IS NOT NULL) "
        "THEN 1 END) AS hashed_named, "
        "count(CASE WHEN a.language = 'zh-cn' THEN 1 END) AS zh_cn, "
        "count(CASE WHEN a.created_at = datetime('2017-08-30T00:00:00Z') THEN 1 END) AS aug30, "
        "count(CASE WHEN a.created_at = datetime('2017-08-18T00:00:00Z') THEN 1 END) AS aug18",
    )[0]
    assert rows.data() == {
        "accounts": 744,
        "hashed": 254,
        "hashed_named": 0,
        "zh_cn": 582,  # 569 `zh-cn` and 13 `zh-CN`
        "aug30": 119,
        "aug18": 97,
    }
    assert graph_counts(db) == {
        "ATTRIBUTED_TO": 744,
        "Account": 744,
        "Campaign": 1,
        "Source": 1,
    }
    account = read(db, "MATCH (a:Account {key: 'twitter:747292706536226816'}) RETURN a")[0]["a"]
    assert {k: v for k, v in account.items() if not k.endswith("loaded_at")} == {
        "key": "twitter:747292706536226816",
        "platform": "twitter",
        "platform_id": "747292706536226816",
        "hashed": False,
        "name": "牛小牛",
        "handle": "gurevadona88",
        "followers": 23949,
        "following": 52,
        "created_at": account["created_at"],
        "language": "zh-cn",
        "sources": [report.source_key],
    }
    assert account["created_at"].to_native() == datetime(2016, 6, 27, tzinfo=UTC)
    hashed = read(
        db,
        "MATCH (a:Account {key: 'twitter:q2SMGvHasu+nugbpNMDCjr2qlZp3FCiGYDLht+gW5pw='}) "
        "RETURN a.platform_id AS id, a.handle AS handle, a.name AS name, a.hashed AS hashed, "
        "a.language AS language",
    )[0]
    assert hashed.data() == {
        "id": "q2SMGvHasu+nugbpNMDCjr2qlZp3FCiGYDLht+gW5pw=",
        "handle": None,
        "name": None,
        "hashed": True,
        "language": "es",
    }

    before = graph_counts(db)
    again = run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.rows_rejected) == (744, 0)
    assert graph_counts(db) == before


# --- synthetic tweets -------------------------------------------------------------------------

ALICE = "1001"
HASHED = "k3Jd+abc/XYZ0123456789abcdefghijklmnopqrst="  # a hashed small account
ORIGINAL = "2002"  # author of a retweeted tweet
MENTIONED_HASH = "ZmFrZWhhc2g="

USER_FIELDS: dict[str, dict[str, str]] = {
    ALICE: {
        "user_display_name": "Alice",
        "user_screen_name": "alice_hk",
        "user_reported_location": "Hong Kong",
        "user_profile_description": 'line one\nline two, "quoted"',
        "user_profile_url": "https://t.co/abc",
        "follower_count": "6000",
        "following_count": "absent",
        "account_creation_date": "2017-08-30",
        "account_language": "zh-CN",
    },
    HASHED: {
        "user_display_name": HASHED,
        "user_screen_name": HASHED,
        "user_reported_location": "",
        "user_profile_description": "",
        "user_profile_url": "",
        "follower_count": "12",
        "following_count": "40",
        "account_creation_date": "2018-01-02",
        "account_language": "EN",
    },
    ORIGINAL: {
        "user_display_name": "Original",
        "user_screen_name": "orig_author",
        "user_reported_location": "",
        "user_profile_description": "",
        "user_profile_url": "",
        "follower_count": "9000",
        "following_count": "1",
        "account_creation_date": "2012-05-06",
        "account_language": "en",
    },
}


def tweet(tweetid: str, userid: str, time: str, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(TWEET_COLUMNS, "")
    row.update(USER_FIELDS[userid], tweetid=tweetid, userid=userid, tweet_time=time)
    row.update(
        tweet_language="en",
        tweet_text=f"tweet {tweetid}",
        tweet_client_name="Twitter Web Client",
        is_retweet="False",
        latitude="absent",
        longitude="absent",
        quote_count="0",
        reply_count="0",
        like_count="0",
        retweet_count="0",
        hashtags="[]",
        urls="[]",
        user_mentions="[]",
    )
    row.update(fields)
    return row


TWEETS = [
    tweet(
        "9001",
        ALICE,
        "2019-07-14 13:05",
        tweet_language="ZH-cn",
        tweet_text="多行\n文字, with a comma",
        tweet_client_name="Twitter for Android",
        hashtags="['HongKong', '#hk']",
        urls="['https://www.example.com/a', 'http://news.example.org/b?x=1']",
        user_mentions=f"['{ORIGINAL}', '{MENTIONED_HASH}']",
        like_count="5",
        quote_count="absent",
    ),
    tweet(
        "9002",
        ALICE,
        "2019-07-14 14:00",
        tweet_text="RT @orig_author: hello",
        tweet_client_name="TweetDeck",
        is_retweet="True",
        retweet_userid=ORIGINAL,
        retweet_tweetid="8001",
        user_mentions=f"['{ORIGINAL}']",
    ),
    tweet(
        "9003",
        HASHED,
        "2019-07-15 00:00",
        tweet_text="",
        in_reply_to_userid=ALICE,
        in_reply_to_tweetid="9001",
        user_mentions=f"[{ALICE}]",
        hashtags="['HONGKONG']",
        latitude="22.3",
        longitude="114.2",
    ),
    tweet(
        "9004",
        HASHED,
        "2019-07-15 01:00",
        is_retweet="true",
        retweet_userid=ALICE,
        retweet_tweetid="9001",
    ),
    # The retweeted original shows up as a row of its own after its retweet: its mention must
    # still be counted once.
    tweet("8001", ORIGINAL, "2019-07-13 09:00", user_mentions=f"['{ALICE}']"),
    tweet(
        "9005",
        ALICE,
        "2019-07-16 08:30",
        tweet_client_name="Twitter for iPhone",
        in_reply_to_userid=ORIGINAL,
        in_reply_to_tweetid="8001",
        user_mentions=f"['{ORIGINAL}', '{ORIGINAL}']",
    ),
]
# The archive repeats a row: it must not count twice.
TWEETS_WITH_REPEAT = [*TWEETS[:3], TWEETS[0], *TWEETS[3:]]

EXPECTED_TWEET_GRAPH = {
    "Account": 4,
    "Campaign": 1,
    "Domain": 2,
    "Hashtag": 2,
    "Post": 6,
    "Source": 1,
    "Url": 2,
    "ATTRIBUTED_TO": 3,
    "ON_DOMAIN": 2,
    "POSTED": 6,
    "SHARED": 14,
    "MENTIONED": 4,
    "MENTIONED.count": 6,
    "REPLIED_TO": 2,
    "REPLIED_TO.count": 2,
    "RETWEETED": 2,
    "RETWEETED.count": 2,
}

INTERACTIONS = """
MATCH (a:Account)-[r:RETWEETED|REPLIED_TO|MENTIONED]->(b:Account)
RETURN a.platform_id AS source, type(r) AS type, b.platform_id AS target, r.count AS count
ORDER BY source, type, target
"""
EXPECTED_INTERACTIONS = [
    (ALICE, "MENTIONED", ORIGINAL, 3),
    (ALICE, "MENTIONED", MENTIONED_HASH, 1),
    (ALICE, "REPLIED_TO", ORIGINAL, 1),
    (ALICE, "RETWEETED", ORIGINAL, 1),
    (ORIGINAL, "MENTIONED", ALICE, 1),
    (HASHED, "MENTIONED", ALICE, 1),
    (HASHED, "REPLIED_TO", ALICE, 1),
    (HASHED, "RETWEETED", ALICE, 1),
]

SHARES = """
MATCH (a:Account)-[s:SHARED]->(o)
RETURN a.platform_id AS account, labels(o)[0] AS label, o.key AS object, s.content_id AS tweet,
       s.via AS via, s.at AS at
ORDER BY account, tweet, label, object
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Every tweet's share events: hashtags, URLs (normalised), the post it retweets, replies to or
# quotes, and the accounts it mentions (a retweet's mentions are the original's: none).
EXPECTED_SHARES = [
    (ALICE, "Account", f"twitter:{ORIGINAL}", "9001", None, at("2019-07-14 13:05")),
    (ALICE, "Account", f"twitter:{MENTIONED_HASH}", "9001", None, at("2019-07-14 13:05")),
    (ALICE, "Hashtag", "hk", "9001", None, at("2019-07-14 13:05")),
    (ALICE, "Hashtag", "hongkong", "9001", None, at("2019-07-14 13:05")),
    (ALICE, "Url", "https://example.com/a", "9001", None, at("2019-07-14 13:05")),
    (ALICE, "Url", "https://news.example.org/b?x=1", "9001", None, at("2019-07-14 13:05")),
    (ALICE, "Post", "twitter:8001", "9002", "retweet", at("2019-07-14 14:00")),
    (ALICE, "Account", f"twitter:{ORIGINAL}", "9005", None, at("2019-07-16 08:30")),
    (ALICE, "Post", "twitter:8001", "9005", "reply", at("2019-07-16 08:30")),
    (ORIGINAL, "Account", f"twitter:{ALICE}", "8001", None, at("2019-07-13 09:00")),
    (HASHED, "Account", f"twitter:{ALICE}", "9003", None, at("2019-07-15 00:00")),
    (HASHED, "Hashtag", "hongkong", "9003", None, at("2019-07-15 00:00")),
    (HASHED, "Post", "twitter:9001", "9003", "reply", at("2019-07-15 00:00")),
    (HASHED, "Post", "twitter:9001", "9004", "retweet", at("2019-07-15 01:00")),
]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    """Write rows as the archives do (every field quoted) to a plain, .gz or .zip file."""

    def dump(fh: Any) -> None:
        writer = csv.DictWriter(fh, fieldnames=columns, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
            dump(fh)
    elif path.suffix == ".zip":
        plain = path.with_suffix("")
        with plain.open("w", encoding="utf-8", newline="") as fh:
            dump(fh)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.write(plain, plain.name)
        plain.unlink()
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            dump(fh)
    return path


def assert_tweet_graph(db: Driver) -> None:
    assert graph_counts(db) == EXPECTED_TWEET_GRAPH
    assert [tuple(r.values()) for r in read(db, INTERACTIONS)] == EXPECTED_INTERACTIONS
    shares = [(*tuple(r.values())[:5], r["at"].to_native()) for r in read(db, SHARES)]
    assert shares == EXPECTED_SHARES


@pytest.mark.parametrize(
    ("name", "batch_size"),
    [
        ("hk_test_1_tweets_csv_hashed.csv", 1_000),
        ("hk_test_1_tweets_csv_hashed.csv.zip", 2),  # the repeated row falls in another batch
        ("hk_test_1_tweets_csv_hashed.csv.gz", 1),
    ],
)
def test_synthetic_tweets_load_exactly_and_idempotently(
    db: Driver, tmp_path: Path, name: str, batch_size: int
) -> None:
    path = write_csv(tmp_path / name, TWEET_COLUMNS, TWEETS_WITH_REPEAT)
    loader = TwitterIOLoader()
    report = run_load(loader, path, driver=db, rejects_dir=tmp_path, batch_size=batch_size)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (7, 7, 0)
    assert_tweet_graph(db)

    campaign = read(
        db,
        "MATCH (a:Account)-[:ATTRIBUTED_TO]->(c:Campaign) "
        "RETURN c.key AS campaign, collect(a.platform_id) AS accounts",
    )
    assert [(r["campaign"], sorted(r["accounts"])) for r in campaign] == [
        ("hk_test_1", sorted([ALICE, HASHED, ORIGINAL]))
    ]
    alice = read(db, "MATCH (a:Account {key: 'twitter:1001'}) RETURN a")[0]["a"]
    assert (alice["handle"], alice["name"], alice["language"], alice["hashed"]) == (
        "alice_hk",
        "Alice",
        "zh-cn",
        False,
    )
    assert (alice["followers"], alice.get("following")) == (6000, None)
    assert alice["description"] == 'line one\nline two, "quoted"'
    assert alice["client"] == "Twitter for iPhone"  # from her last tweet in the file
    small = read(db, f"MATCH (a:Account {{key: 'twitter:{HASHED}'}}) RETURN a")[0]["a"]
    assert (small.get("handle"), small.get("name"), small["hashed"], small["language"]) == (
        None,
        None,
        True,
        "en",
    )
    assert small["platform_id"] == HASHED

    posts = read(
        db,
        "MATCH (p:Post) OPTIONAL MATCH (a:Account)-[r:POSTED]->(p) "
        "RETURN p.platform_id AS id, a.platform_id AS author, r.at AS at, p.text AS text, "
        "p.language AS language, p.client AS client, p.is_retweet AS rt, "
        "p.latitude AS lat, p.like_count AS likes, p.quote_count AS quotes "
        "ORDER BY id",
    )
    assert [(*tuple(r.values())[:2], r["at"] and r["at"].to_native()) for r in posts] == [
        ("8001", ORIGINAL, at("2019-07-13 09:00")),
        ("9001", ALICE, at("2019-07-14 13:05")),
        ("9002", ALICE, at("2019-07-14 14:00")),
        ("9003", HASHED, at("2019-07-15 00:00")),
        ("9004", HASHED, at("2019-07-15 01:00")),
        ("9005", ALICE, at("2019-07-16 08:30")),
    ]
    by_id = {r["id"]: r for r in posts}
    assert by_id["9001"]["text"] == "多行\n文字, with a comma"
    assert (by_id["9001"]["language"], by_id["9001"]["likes"], by_id["9001"]["quotes"]) == (
        "zh-cn",
        5,
        None,
    )
    assert (by_id["9002"]["client"], by_id["9002"]["rt"]) == ("TweetDeck", True)
    assert (by_id["9003"]["text"], by_id["9003"]["lat"]) == (None, 22.3)
    domains = read(db, "MATCH (u:Url)-[:ON_DOMAIN]->(d:Domain) RETURN d.key AS d ORDER BY d")
    assert [r["d"] for r in domains] == ["example.com", "example.org"]  # registered domains
    originals = read(
        db, "MATCH (u:Url) RETURN u.key AS url, u.original_url AS original ORDER BY url"
    )
    assert [(r["url"], r["original"]) for r in originals] == [
        ("https://example.com/a", "https://www.example.com/a"),
        ("https://news.example.org/b?x=1", "http://news.example.org/b?x=1"),
    ]
    # the report tallies the share events per object type (9001's repeated row: repeats)
    assert {k: (t.events, t.repeats) for k, t in report.shares.items()} == {
        "hashtag": (5, 2),
        "mention": (7, 2),
        "reply": (2, 0),
        "retweet": (2, 0),
        "url": (4, 2),
    }

    again = run_load(loader, path, driver=db, rejects_dir=tmp_path, batch_size=batch_size)
    assert again.rows_loaded == 7
    assert_tweet_graph(db)


def test_resuming_after_an_interruption_counts_once(db: Driver, tmp_path: Path) -> None:
    # A load that stopped after three rows, then the whole file: as if loaded once.
    head = write_csv(tmp_path / "part" / "hk_test_1_tweets.csv", TWEET_COLUMNS, TWEETS[:3])
    full = write_csv(tmp_path / "hk_test_1_tweets.csv", TWEET_COLUMNS, TWEETS)
    run_load(TwitterIOLoader(), head, driver=db, rejects_dir=tmp_path, batch_size=2)
    run_load(TwitterIOLoader(), full, driver=db, rejects_dir=tmp_path, batch_size=2)
    assert [tuple(r.values()) for r in read(db, INTERACTIONS)] == EXPECTED_INTERACTIONS
    assert graph_counts(db) == {**EXPECTED_TWEET_GRAPH, "Source": 2}


def test_corrupted_rows_are_rejected_and_good_rows_load(db: Driver, tmp_path: Path) -> None:
    good = TWEETS[0]
    rows = [
        good,  # lines 2-4: Alice's description and the tweet text hold newlines
        {**TWEETS[1], "hashtags": "['a', 'b'"},  # lines 5-6
        {**TWEETS[2], "latitude": "north"},  # line 7
        {**TWEETS[3], "tweet_time": "yesterday"},  # line 8
        {**TWEETS[4], "is_retweet": "maybe"},  # line 9
        {**TWEETS[5], "urls": "['ftp://example.org/x']"},  # lines 10-11
        {**TWEETS[5], "tweetid": "9006", "follower_count": "12x"},  # lines 12-13
        {**TWEETS[5], "tweetid": "9007", "account_creation_date": "2017-13-45"},  # 14-15
        {**TWEETS[5], "tweetid": "9008", "userid": " "},  # lines 16-17
        {**TWEETS[5], "tweetid": "9009", "user_mentions": "['ok', ]x"},  # lines 18-19
        {**TWEETS[5], "tweetid": "9010", "like_count": "-1"},  # lines 20-21
        {**TWEETS[5], "tweetid": "9011"},  # lines 22-23: good
    ]
    path = write_csv(tmp_path / "hk_bad_1_tweets_csv_hashed.csv", TWEET_COLUMNS, rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('"9012","1001","only three fields"\n')  # line 24
    report = run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path / "rejects")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (13, 2, 11)
    assert report.rejects_path == tmp_path / "rejects" / f"{path.name}.rejects.csv"
    with report.rejects_path.open(encoding="utf-8") as fh:
        rejects = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(fh)]
    assert rejects == [
        ("5", "hashtags", "malformed list literal (SyntaxError)"),
        ("7", "latitude", "not a number: 'north'"),
        ("8", "tweet_time", "not a date/time: 'yesterday' (Invalid isoformat string: 'yesterday')"),
        ("9", "is_retweet", "not true or false: 'maybe'"),
        ("10", "urls", "not an http(s) URL: 'ftp://example.org/x'"),
        ("12", "follower_count", "not a non-negative whole number: '12x'"),
        ("14", "account_creation_date", "not a date/time: '2017-13-45' (month must be in 1..12)"),
        ("16", "userid", "empty id"),
        ("18", "user_mentions", "malformed list literal (SyntaxError)"),
        ("20", "like_count", "not a non-negative whole number: '-1'"),
        ("24", "", "3 fields, expected 31"),
    ]
    posts = read(db, "MATCH (p:Post) WHERE p.at IS NOT NULL RETURN p.platform_id AS id ORDER BY id")
    assert [r["id"] for r in posts] == ["9001", "9011"]


def test_corrupted_users_rows(db: Driver, tmp_path: Path) -> None:
    def user(userid: str, **fields: str) -> dict[str, str]:
        return {"userid": userid, **USER_FIELDS[ALICE], **fields}

    rows = [
        user("1"),  # lines 2-3
        user("2", following_count="3.5"),  # 4-5
        user("3", account_creation_date="not a date"),  # 6-7
        user("4", user_display_name="", user_profile_description=""),  # 8
    ]
    path = write_csv(tmp_path / "hk_bad_1_users.csv", USER_COLUMNS, rows)
    report = run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8") as fh:
        rejects = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(fh)]
    assert rejects == [
        ("4", "following_count", "not a non-negative whole number: '3.5'"),
        (
            "6",
            "account_creation_date",
            "not a date/time: 'not a date' (Invalid isoformat string: 'not a date')",
        ),
    ]
    loaded = read(
        db,
        "MATCH (a:Account)-[:ATTRIBUTED_TO]->(:Campaign {key: 'hk_bad_1'}) "
        "RETURN a.platform_id AS id, a.name AS name, a.description AS d ORDER BY id",
    )
    assert [tuple(r.values()) for r in loaded] == [
        ("1", "Alice", 'line one\nline two, "quoted"'),
        ("4", None, None),  # empty strings are missing values
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ["user_id", *USER_COLUMNS[1:]],
            "neither a users nor a tweets file; expected users columns: userid, user_display_name,",
        ),
        (list(USER_COLUMNS[:-1]), r"\(missing account_language\); expected columns: userid,"),
        ([*TWEET_COLUMNS, "extra"], r"\(unexpected extra\); expected columns: tweetid, userid,"),
    ],
)
def test_wrong_header_fails_and_writes_nothing(
    db: Driver, tmp_path: Path, header: list[str], message: str
) -> None:
    path = tmp_path / "hk_test_1_users.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, ["1"] * len(header)])
    with pytest.raises(LoadError, match=message):
        run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path / "rejects")
    assert graph_counts(db) == {}
    assert not (tmp_path / "rejects" / f"{path.name}.rejects.csv").exists()


def test_a_file_without_campaign_needs_one(db: Driver, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", USER_COLUMNS, [{"userid": "1"}])
    with pytest.raises(LoadError, match="give one with --campaign"):
        run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path)
    assert graph_counts(db) == {}

    cli = runner.invoke(app, ["load", "twitter-io", str(path), "--rejects-dir", str(tmp_path)])
    assert cli.exit_code == 1
    assert "does not start with a campaign label" in cli.output
    assert graph_counts(db) == {}

    run_load(TwitterIOLoader(campaign="given"), path, driver=db, rejects_dir=tmp_path)
    campaigns = read(db, "MATCH (:Account)-[:ATTRIBUTED_TO]->(c:Campaign) RETURN c.key AS c")
    assert [r["c"] for r in campaigns] == ["given"]


def test_cli_dry_run_writes_nothing_and_rejects_exit_2(db: Driver, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "hk_test_1_tweets.csv.gz", TWEET_COLUMNS, TWEETS)
    bad = write_csv(
        tmp_path / "hk_test_2_users.csv",
        USER_COLUMNS,
        [{"userid": "1"}, {"userid": "2", "follower_count": "many"}],
    )
    rejects = tmp_path / "rejects"
    args = ["load", "twitter-io", str(good), str(bad), "--rejects-dir", str(rejects)]

    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 2, dry.output
    assert "dry run: nothing was written" in dry.output
    assert graph_counts(db) == {}

    clean = runner.invoke(
        app, ["load", "twitter-io", str(good), "--batch-size", "2", "--rejects-dir", str(rejects)]
    )
    assert clean.exit_code == 0, clean.output
    assert graph_counts(db)["Post"] == 6

    loaded = runner.invoke(app, [*args, "--campaign", "hk_cli"])
    assert loaded.exit_code == 2, loaded.output
    with (rejects / f"{bad.name}.rejects.csv").open(encoding="utf-8") as fh:
        assert [(r["line"], r["field"]) for r in csv.DictReader(fh)] == [("3", "follower_count")]
    campaigns = read(
        db,
        "MATCH (a:Account)-[:ATTRIBUTED_TO]->(c:Campaign) "
        "RETURN c.key AS c, count(a) AS n ORDER BY c",
    )
    assert [tuple(r.values()) for r in campaigns] == [("hk_cli", 4), ("hk_test_1", 3)]


def test_a_tweets_file_is_coordination_input_for_every_share_type(
    db: Driver, tmp_path: Path
) -> None:
    from cibgraph.detection.coordination import CoordinationParams, compute_from_log
    from cibgraph.sharelog import ShareLog

    rows = []
    for i, target in enumerate(("8001", "9001")):  # Alice and the hashed account, 10 s apart
        for n, user in enumerate((ALICE, HASHED)):
            rows.append(
                tweet(
                    f"70{i}{n}",
                    user,
                    f"2019-07-20 1{i}:00:{10 * n:02d}",
                    in_reply_to_tweetid=target,
                    quoted_tweet_tweetid="8001",  # the reply to 8001 quotes it too: one share
                    user_mentions=f"['{ORIGINAL}']",
                    urls="['https://www.example.com/a?utm_source=x', 'http://example.com/a']",
                )
            )
    path = write_csv(tmp_path / "hk_test_1_tweets_csv_hashed.csv", TWEET_COLUMNS, rows)
    report = run_load(TwitterIOLoader(), path, driver=db, rejects_dir=tmp_path)
    assert {k: (t.events, t.repeats) for k, t in report.shares.items()} == {
        "mention": (4, 0),
        "quote": (2, 0),  # the replies to 9001 also quote 8001
        "reply": (4, 0),
        "url": (4, 0),  # two spellings of one URL: one share per tweet
    }
    synced = ShareLog.for_database().sync(db)
    assert (synced.events, synced.rebuilt) == (14, False)  # the log holds the graph's shares
    edges = {}
    for kind in ("reply", "quote", "mention", "url"):
        p = CoordinationParams(time_window=60, min_participation=1, object_type=(kind,))
        edges[kind] = [(e.account, e.other, e.weight) for e in compute_from_log(db, p).edges]
    pair = (f"twitter:{ALICE}", f"twitter:{HASHED}")
    assert edges == {
        "reply": [(*pair, 2)],
        "quote": [(*pair, 1)],
        "mention": [(*pair, 2)],
        "url": [(*pair, 2)],
    }
