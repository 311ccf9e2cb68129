"""A generated Twitter IO tweets file loaded as coordination input: what it gives, and a reload.

Writes a seeded tweets file in the archives' columns (`<campaign>_tweets_csv_hashed.csv`):
accounts (a third with hashed ids) tweeting over a week, with retweets, replies, quotes,
mentions, hashtags and URLs (some written in two spellings of one URL), and a crew doing each in
bursts. Loads it (`cibgraph load twitter-io`'s loader) on the Neo4j the environment names
(NEO4J_URI and friends), prints the load's counts, its share events per object type, the
graph's and the share log's share events, then loads it again (nothing may change), and runs a
coordination per object type (`--object-type T --time-window 60 --min-participation 2`).

    .venv/bin/python bench/io_archive_counts.py [--tweets 20000] [--seed 1] [--wipe]

The graph must be empty unless `--wipe` says it may be emptied.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from neo4j import Driver  # noqa: E402

from cibgraph.detection.coordination import CoordinationParams, compute_from_log  # noqa: E402
from cibgraph.ingest.base import run_load  # noqa: E402
from cibgraph.ingest.twitter_io import TWEET_COLUMNS, TwitterIOLoader  # noqa: E402
from cibgraph.neo4j.db import read  # noqa: E402
from cibgraph.neo4j.driver import get_driver  # noqa: E402
from cibgraph.sharelog import ShareLog  # noqa: E402

T0 = datetime(2019, 8, 1, tzinfo=UTC)
TAGS = ("hongkong", "hk", "police", "antielab", "香港", "standwithhk", "news")


def _hashed(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(rng.choice(alphabet) for _ in range(43)) + "="


def generate(n: int, *, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    users = [str(10**9 + i) if i % 3 else _hashed(rng) for i in range(max(n // 40, 30))]
    crew = users[:15]
    rows: list[dict[str, str]] = []
    ids = iter(range(10**17, 2 * 10**17))

    def row(user: str, at: datetime, **cells: str) -> dict[str, str]:
        r = dict.fromkeys(TWEET_COLUMNS, "")
        r |= {
            "tweetid": str(next(ids)),
            "userid": user,
            "user_display_name": user,
            "user_screen_name": user,
            "follower_count": str(rng.randrange(10_000)),
            "following_count": str(rng.randrange(1_000)),
            "account_creation_date": "2017-08-30",
            "account_language": "zh-cn",
            "tweet_language": rng.choice(("zh", "en", "und")),
            "tweet_text": " ".join(rng.choice(TAGS) for _ in range(6)),
            "tweet_time": at.strftime("%Y-%m-%d %H:%M"),
            "tweet_client_name": rng.choice(("Twitter Web Client", "Twitter for Android")),
            "is_retweet": "False",
            "latitude": "absent",
            "longitude": "absent",
            "quote_count": "0",
            "reply_count": "0",
            "like_count": "0",
            "retweet_count": "0",
            "hashtags": "[]",
            "urls": "[]",
            "user_mentions": "[]",
        }
        return r | cells

    def extras() -> dict[str, str]:
        tags = rng.sample(TAGS, rng.choice((0, 0, 1, 2)))
        links = [f"https://news.example/{rng.randrange(n // 5)}" for _ in range(rng.choice((0, 1)))]
        links = [u.replace("https://", "http://www.") if rng.random() < 0.2 else u for u in links]
        mentions = rng.sample(users, rng.choice((0, 0, 1, 2)))
        return {"hashtags": repr(tags), "urls": repr(links), "user_mentions": repr(mentions)}

    while len(rows) < n * 0.8:
        user, at = rng.choice(users), T0 + timedelta(minutes=rng.randrange(7 * 24 * 60))
        roll = rng.random()
        if roll < 0.3 and rows:
            o = rng.choice(rows)
            rows.append(
                row(user, at, is_retweet="True", retweet_userid=o["userid"],
                    retweet_tweetid=o["tweetid"], hashtags=o["hashtags"], urls=o["urls"],
                    user_mentions=repr([o["userid"]]))
            )  # fmt: skip
        elif roll < 0.5 and rows:
            o = rng.choice(rows)
            rows.append(
                row(user, at, in_reply_to_userid=o["userid"], in_reply_to_tweetid=o["tweetid"],
                    **extras())
            )  # fmt: skip
        elif roll < 0.55 and rows:
            rows.append(row(user, at, quoted_tweet_tweetid=rng.choice(rows)["tweetid"], **extras()))
        else:
            rows.append(row(user, at, **extras()))
    targets = rng.sample(rows, 50)
    while len(rows) < n:
        at = T0 + timedelta(minutes=rng.randrange(7 * 24 * 60))
        o, cells = rng.choice(targets), extras()
        kind = rng.choice(("retweet", "reply", "quote", "link"))
        for user in rng.sample(crew, rng.randint(4, 10)):
            if kind == "retweet":
                c = {"is_retweet": "True", "retweet_userid": o["userid"],
                     "retweet_tweetid": o["tweetid"]}  # fmt: skip
            elif kind == "reply":
                c = {"in_reply_to_userid": o["userid"], "in_reply_to_tweetid": o["tweetid"]}
            elif kind == "quote":
                c = {"quoted_tweet_tweetid": o["tweetid"]}
            else:
                c = {}
            rows.append(row(user, at + timedelta(seconds=rng.randrange(50)), **cells, **c))
    return rows


GRAPH = """
RETURN COUNT { (:Post) } AS posts, COUNT { ()-[:SHARED]->() } AS shared,
       COUNT { (:Post) WHERE EXISTS { (:Account)-[:POSTED]->(p) WHERE p.text IS NOT NULL } }
         AS posts_with_text,
       COUNT { ()-[:MENTIONED]->() } AS mentioned, COUNT { (:Url) } AS urls
"""


def graph(driver: Driver) -> dict[str, int]:
    row = read(driver, GRAPH)[0]
    return {k: int(row[k]) for k in row.keys()}  # noqa: SIM118  (a Record, not a dict)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tweets", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wipe", action="store_true", help="empty the graph first")
    args = ap.parse_args()
    driver = get_driver()
    if read(driver, "MATCH (n) RETURN count(n) > 0 AS any")[0]["any"]:
        if not args.wipe:
            sys.exit("the graph is not empty: give --wipe to empty it, or another NEO4J_URI")
        with driver.session() as session:  # CALL IN TRANSACTIONS needs an auto-commit one
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="cibgraph-io-archive-") as tmp:
        path = Path(tmp) / "bench_082019_1_tweets_csv_hashed.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=TWEET_COLUMNS, quoting=csv.QUOTE_ALL)
            w.writeheader()
            w.writerows(generate(args.tweets, seed=args.seed))
        for attempt in ("load", "reload"):
            started = time.perf_counter()
            report = run_load(TwitterIOLoader(), path, driver=driver, rejects_dir=Path(tmp))
            seconds = time.perf_counter() - started
            log = ShareLog.for_database().sync(driver)
            print(
                f"{attempt}: read {report.rows_read:,}, loaded {report.rows_loaded:,}, rejected "
                f"{report.rows_rejected:,}, duplicates {report.duplicates:,}, skipped "
                f"{report.skipped:,} in {seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)"
            )
            tally = ", ".join(
                f"{k} {t.events:,} ({t.repeats:,} repeats)"
                for k, t in sorted(report.shares.items())
            )
            print(f"  share events read: {tally}")
            print(f"  graph: {graph(driver)}; share log {log.events:,} (rebuilt: {log.rebuilt})")
    for kind in ("retweet", "reply", "quote", "mention", "url", "hashtag"):
        params = CoordinationParams(time_window=60, min_participation=2, object_type=(kind,))
        result = compute_from_log(driver, params)
        print(
            f"coordination --object-type {kind}: {result.share_events:,} share events, "
            f"{result.edge_count:,} edges, {result.accounts:,} accounts"
        )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
