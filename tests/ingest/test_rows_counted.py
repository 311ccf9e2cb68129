"""No row vanishes: each loader's write queries count their rows, and a short count fails."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from neo4j import Driver

from cibgraph.ingest.base import Item, LoadError, run_load
from cibgraph.ingest.bundle import BundleLoader
from cibgraph.ingest.shares import ShareEventsLoader
from cibgraph.ingest.twitter_io import TwitterIOLoader
from cibgraph.neo4j.db import read
from cibgraph.neo4j.runner import RowsLostError, prepare, run_in

PARAMS = {"source": "sha256:test", "now": datetime(2024, 1, 1, tzinfo=UTC)}


def test_bundle_follows_whose_endpoints_are_missing_fail_their_batch(db: Driver) -> None:
    loader = BundleLoader()
    link = {"follower_key": "twitter:1", "target_key": "facebook:p1"}
    with db.session() as session, pytest.raises(RowsLostError, match="1 of 1 rows found no node"):
        session.execute_write(loader.write, [Item("follows_page", link)], PARAMS)
    items = [
        Item("account", {"key": "twitter:1", "platform": "twitter", "platform_id": "1"}),
        Item("page", {"key": "facebook:p1", "platform": "facebook", "platform_id": "p1"}),
        Item("follows_page", link),
    ]
    with db.session() as session:
        session.execute_write(loader.write, items, PARAMS)
    assert read(db, "MATCH (:Account)-[f:FOLLOWS]->(:Page) RETURN count(f) AS n")[0]["n"] == 1


def _tweet(post: str, author: str, **lists: list[object]) -> dict[str, object]:
    row: dict[str, object] = {
        "post_key": f"twitter:{post}",
        "account_key": f"twitter:{author}",
        "content_id": post,
        "at_ms": 1_500_000_000_000,
        "client": None,
        "props": {"platform": "twitter", "platform_id": post},
    }
    names = ("hashtags", "urls", "retweets", "posts", "mention_shares", "retweeted")
    for name in (*names, "replied_to", "mentioned"):
        row[name] = lists.get(name, [])
    return row


def test_twitter_tweet_queries_count_each_row_they_are_sent(db: Driver) -> None:
    mention = {"key": "twitter:9", "platform_id": "9", "hashed": False}
    tweets = [
        _tweet("100", "1", hashtags=["a"], mentioned=[mention], mention_shares=[mention]),
        # a repeated tweet id
        _tweet("100", "1", hashtags=["a"], mentioned=[mention], mention_shares=[mention]),
        _tweet("101", "1", urls=[{"url": "https://x.example/a", "domain": "x.example"}]),
        _tweet(
            "102", "2", posts=[{"post_key": "twitter:100", "platform_id": "100", "via": "reply"}]
        ),
    ]
    with db.session() as session:
        session.execute_write(
            TwitterIOLoader().write, [Item("tweet", t) for t in tweets], dict(PARAMS)
        )
    counts = read(
        db,
        "MATCH (p:Post) WITH count(p) AS posts "
        "MATCH ()-[s:SHARED]->() WITH posts, count(s) AS shares "
        "MATCH ()-[m:MENTIONED]->() RETURN posts, shares, sum(m.count) AS mentions",
    )[0]
    assert (counts["posts"], counts["shares"], counts["mentions"]) == (3, 4, 1)
    # A tweet row whose Post and author were never written is a lost row, not a silent one.
    call = prepare("load/twitter_interactions", {"rows": [_tweet("999", "8")], **PARAMS})
    with db.session() as session, pytest.raises(RowsLostError, match="1 of 1 rows"):
        session.execute_write(run_in, call)


class _SharesWithoutNodes(ShareEventsLoader):
    """Share events whose account and object nodes are never written."""

    queries: ClassVar[dict[str, tuple[str, ...]]] = {"share": ("load/share_events",)}
    node_kinds: ClassVar[frozenset[str]] = frozenset()
    endpoint_kinds: ClassVar[frozenset[str]] = frozenset()


def test_a_load_whose_rows_find_no_node_stops_with_a_load_error(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "shares.csv"
    path.write_text(
        "object_id,account_id,content_id,timestamp_share\n1,2,c1,1600000000\n3,4,c2,1600000001\n"
    )
    with pytest.raises(LoadError, match="load/share_events: 2 of 2 rows found no node to link"):
        run_load(_SharesWithoutNodes(), path, driver=db, rejects_dir=tmp_path)
    assert read(db, "MATCH (s:Source) RETURN count(s) AS n")[0]["n"] == 0
