"""A small graph of posts, replies and mentions, written as the loaders write them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from neo4j import Driver

from cibgraph.neo4j.db import write

T0 = 1_700_000_000_000  # epoch ms of every test's time zero


@dataclass(frozen=True)
class P:
    """One post: account (without platform), id, seconds after T0, text, and what it does."""

    account: str
    id: str
    at: int
    text: str | None = None
    retweet_of: str | None = None  # a repost of this post id (shared via 'retweet')
    is_retweet: bool = False  # flagged as Twitter archives flag retweets
    reply_to: str | None = None  # a reply to this post id (shared via 'reply')
    mentions: Sequence[str] = field(default_factory=tuple)  # accounts mentioned


def key(x: str) -> str:
    return f"twitter:{x}"


def write_posts(driver: Driver, posts: Sequence[P]) -> None:
    """Accounts, Posts POSTED by them, and their SHARED events (retweets, replies, mentions)."""
    rows = [
        {
            "account": key(p.account),
            "post": key(p.id),
            "id": p.id,
            "at": T0 + p.at * 1000,
            "text": p.text,
            "is_retweet": p.is_retweet,
            "shares": (
                (
                    [{"to": key(p.retweet_of), "label": "Post", "via": "retweet"}]
                    if p.retweet_of
                    else []
                )
                + ([{"to": key(p.reply_to), "label": "Post", "via": "reply"}] if p.reply_to else [])
                + [{"to": key(m), "label": "Account", "via": None} for m in p.mentions]
            ),
        }
        for p in posts
    ]
    write(
        driver,
        """
        UNWIND $rows AS row
        MERGE (a:Account {key: row.account})
          ON CREATE SET a.platform = 'twitter', a.platform_id = substring(row.account, 8)
        MERGE (p:Post {key: row.post})
        SET p.platform = 'twitter', p.platform_id = row.id, p.text = row.text,
            p.at = datetime({epochMillis: row.at}),
            p.is_retweet = CASE WHEN row.is_retweet THEN true ELSE null END
        MERGE (a)-[:POSTED]->(p)
        WITH a, row
        UNWIND row.shares AS s
        CALL (a, row, s) {
          WITH s WHERE s.label = 'Post'
          MERGE (t:Post {key: s.to}) ON CREATE SET t.platform = 'twitter'
          MERGE (a)-[r:SHARED {content_id: row.id, at: datetime({epochMillis: row.at})}]->(t)
          SET r.via = s.via
        }
        CALL (a, row, s) {
          WITH s WHERE s.label = 'Account'
          MERGE (t:Account {key: s.to}) ON CREATE SET t.platform = 'twitter'
          MERGE (a)-[:SHARED {content_id: row.id, at: datetime({epochMillis: row.at})}]->(t)
        }
        """,
        {"rows": rows},
    )
