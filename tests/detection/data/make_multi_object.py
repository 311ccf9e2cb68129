"""Writes coortweet_multi_object.csv: a small file in CooRTweet's multi-object format.

The columns are those of CooRTweet's `german_elections` example data as its documentation
describes them (account ids prefixed by platform, integer post, URL, hashtag, domain and image
hash ids, epoch seconds); a post with two hashtags is two rows repeating its other objects,
and a cell without an object is empty or `NA`. Eight accounts on two platforms share the same
objects in bursts (up to 40 s apart), the rest post at random; every post has its own second,
so that no two shares of an object tie. URL ids are small integers that also occur as post ids.

    python tests/detection/data/make_multi_object.py   # rewrites the CSV (seeded: the same file)
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADER = ["account_id", "post_id", "url_id", "hashtag_id", "domain_id", "phash_id", "timestamp"]


def rows(seed: int = 11) -> list[list[str]]:
    rng = random.Random(seed)
    crew = [f"tw_{i}" for i in range(1, 5)] + [f"fb_{i}" for i in range(1, 5)]
    others = [f"tw_{i}" for i in range(5, 16)] + [f"fb_{i}" for i in range(5, 16)]
    t = 1_630_000_000
    used: set[int] = set()
    out: list[list[str]] = []
    post = 0

    def empty() -> str:
        return rng.choice(["", "NA"])

    def write(account: str, at: int, url: int | None, tags: list[int], phash: int | None) -> None:
        nonlocal post
        post += 1
        url_cell = str(url) if url is not None else empty()
        domain_cell = str(1 + url % 6) if url is not None else empty()
        phash_cell = str(phash) if phash is not None else empty()
        for tag in tags or [None]:
            tag_cell = str(tag) if tag is not None else empty()
            out.append([account, str(post), url_cell, tag_cell, domain_cell, phash_cell, str(at)])

    def second(at: int) -> int:
        while at in used:
            at += 1
        used.add(at)
        return at

    for _ in range(45):  # bursts of the crew
        t += rng.randrange(300, 900)
        url = rng.randrange(1, 21) if rng.random() < 0.8 else None
        tag = rng.randrange(1, 11)
        phash = rng.randrange(1, 13) if rng.random() < 0.6 else None
        for account in rng.sample(crew, rng.randrange(2, 6)):
            at = second(t + rng.randrange(0, 41))
            tags = [tag] + ([rng.randrange(1, 11)] if rng.random() < 0.3 else [])
            write(account, at, url if rng.random() < 0.9 else None, tags, phash)
    end = t
    for _ in range(160):  # everyone else, at random
        at = second(1_630_000_000 + rng.randrange(0, end - 1_630_000_000))
        url = rng.randrange(1, 21) if rng.random() < 0.7 else None
        tags = rng.sample(range(1, 11), rng.randrange(0, 3))
        phash = rng.randrange(1, 13) if rng.random() < 0.3 else None
        write(rng.choice(others + crew[:2]), at, url, tags, phash)
    return out


def main() -> None:
    path = Path(__file__).with_name("coortweet_multi_object.csv")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows())


if __name__ == "__main__":
    main()
