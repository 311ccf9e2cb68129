"""Text and reply signals side by side with coordination-network-toolkit 1.5.2 on one input.

Writes one synthetic input in the toolkit's CSV format (`message_id, user_id, username,
repost_id, reply_id, message, timestamp, urls`): organic users posting and replying at random,
plus a crew posting copies and near-copies (Chinese and English, with mentions, URLs and manual
retweet prefixes) and replying to the same posts within minutes, and reposts. Then:

1. **co-tweet parity**: the toolkit's `co_tweet` and our copy-paste with the toolkit's
   normalisation (`strip_urls=False, strip_retweet_prefix=False, min_chars=0`), compared edge
   for edge and weight for weight: each of our undirected edges (a, b) must be the toolkit's
   (a, b) and (b, a) with weights `a_posts` and `b_posts`; the toolkit's self-pairs are set aside;
2. **co-reply parity**: the toolkit's `co_reply` and our co-reply (no cap), the same way;
3. **near-duplicate speed**: the toolkit's `co_similar_tweet` (word-token Jaccard >= 0.8) and our
   near-duplicate signal (3-character shingles, MinHash LSH, Jaccard >= 0.8, exact copies
   included as the toolkit includes them) on the same input and window, timed, with how many
   edges each finds and how many they share; and our LSH's recall against exact all-pairs
   similarity on a sample of distinct texts;
4. **the null's cost** (`--null-permutations N`): the permutation null on the Russian CooRTweet
   sample (CIBGRAPH_DATA_DIR/coortweet/russian_coord_tweets.csv.gz, 35,125 shares; co-sharing at
   60 s, min_participation 2) and copy-paste's on the synthetic input, each against one
   detection's time, with how many edges come out significant at p <= 0.05.

Ours is computed by the same functions the signals run after reading posts from Neo4j
(cibgraph.detection.copypaste/neardup/coreply), from the CSV's rows, so the times are the
computation alone; the toolkit's are its SQLite preprocessing and its computation, each in its
own process. The toolkit lives in a bench-only virtualenv (never a project dependency):

    python3 -m venv .neo4j/bench-venv-text
    .neo4j/bench-venv-text/bin/pip install coordination-network-toolkit==1.5.2
    .venv/bin/python bench/text_bench.py [--messages 20000] [--window 600] [--venv PATH]
"""

# ruff: noqa: RUF001  # Chinese text uses full-width punctuation on purpose

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cibgraph.detection.cooccur import CoEdge, Events  # noqa: E402
from cibgraph.detection.coordination import (  # noqa: E402
    CoordinationParams,
    ShareColumns,
    compute_coordination,
    coordination_null,
)
from cibgraph.detection.copypaste import (  # noqa: E402
    CopyPasteParams,
    TextPosts,
    compute_copypaste,
)
from cibgraph.detection.coreply import InteractionParams, compute_interactions  # noqa: E402
from cibgraph.detection.neardup import (  # noqa: E402
    NearDupParams,
    compute_neardup,
    distinct_texts,
    exact_similar_texts,
    similar_texts,
)

TOOLKIT = "coordination-network-toolkit==1.5.2"
VENV = ROOT / ".neo4j" / "bench-venv-text"
WORKDIR = ROOT / ".neo4j" / "bench-data" / "text"
COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)
SIMILARITY = 0.8

EN_TEXT = (
    "the police protest city rioters people government must stop violence support law order "
    "today hong kong students young world peace freedom media news truth lies video watch"
)
EN_WORDS = EN_TEXT.split()
ZH_CHARS = "香港警察市民政府暴徒支持法治秩序和平自由媒体新闻真相谎言视频年轻学生社会生活恢复平静"
SLOGANS = [
    "香港警察辛苦了，支持警察依法执法，严惩暴徒，还香港和平",
    "反对暴力，守护香港，我们支持香港警察，止暴制乱恢复秩序",
    "the rioters do not speak for hong kong, support the police and restore order now",
    "foreign media lies about hong kong, watch the real video and learn the truth",
]


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    user_id: str
    repost_id: str
    reply_id: str
    text: str
    timestamp: int
    urls: str


def _organic_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(6, 16)))
    return "".join(rng.choice(ZH_CHARS) for _ in range(rng.randint(10, 30)))


def _variant(rng: random.Random, slogan: str) -> str:
    """A copy of a slogan: exact, with a mention, a URL or a retweet prefix, or a near-copy."""
    roll = rng.random()
    if roll < 0.3:
        return slogan
    if roll < 0.45:
        return f"@user{rng.randrange(50)} {slogan}"
    if roll < 0.6:
        return f"{slogan} https://t.co/{rng.randrange(10**6)}"
    if roll < 0.7:
        return f"RT @crew{rng.randrange(30)}: {slogan}"
    chars = list(slogan)
    for _ in range(rng.randint(1, 3)):
        chars[rng.randrange(len(chars))] = rng.choice(ZH_CHARS if slogan[0] > "~" else "aeiou ")
    return "".join(chars)


def generate(n: int, *, seed: int = 1, hours: int = 24) -> list[Message]:
    """About `n` messages over `hours`: organic posts, replies and reposts, and a crew's."""
    rng = random.Random(seed)
    span = hours * 3600
    users = [f"u{i}" for i in range(max(n // 20, 10))]
    crew = [f"crew{i}" for i in range(30)]
    out: list[Message] = []
    ids = iter(range(10**9, 2 * 10**9))
    while len(out) < n * 0.85:
        user = rng.choice(users)
        t = rng.randrange(span)
        roll = rng.random()
        mid = str(next(ids))
        if roll < 0.1 and out:
            target = rng.choice(out)
            out.append(Message(mid, user, target.message_id, "", target.text, t, ""))
        elif roll < 0.3 and out:
            target = rng.choice(out)
            out.append(Message(mid, user, "", target.message_id, _organic_text(rng), t, ""))
        else:
            out.append(Message(mid, user, "", "", _organic_text(rng), t, ""))
    targets = [m.message_id for m in rng.sample(out, 40)]
    while len(out) < n:
        burst = rng.randrange(span)
        members = rng.sample(crew, rng.randint(5, 15))
        slogan = rng.choice(SLOGANS)
        target = rng.choice(targets) if rng.random() < 0.4 else ""
        for user in members:
            t = burst + rng.randrange(300)
            text = _variant(rng, slogan)
            out.append(Message(str(next(ids)), user, "", target, text, t, ""))
    return out


def write_csv(messages: list[Message], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for m in messages:
            w.writerow(
                (
                    m.message_id,
                    m.user_id,
                    m.user_id,
                    m.repost_id,
                    m.reply_id,
                    m.text,
                    m.timestamp,
                    m.urls,
                )
            )


# ---- the toolkit -------------------------------------------------------------------------------


def toolkit(venv: Path, db: Path, *args: str) -> float:
    """One toolkit command in its own process; its wall time in seconds."""
    cmd = [str(venv / "bin" / "python"), "-m", "coordination_network_toolkit", str(db), *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"toolkit {' '.join(args[:2])} failed: {proc.stderr.strip()[-400:]}")
    return seconds


def toolkit_edges(db: Path, table: str) -> dict[tuple[str, str], int]:
    with sqlite3.connect(db) as con:
        rows = con.execute(f"select user_1, user_2, weight from {table}").fetchall()  # noqa: S608  (table from a fixed list)
    return {(str(a), str(b)): int(w) for a, b, w in rows}


# ---- ours ------------------------------------------------------------------------------------


def text_posts(messages: list[Message]) -> TextPosts:
    """What detect/text_posts reads: posts that are not reposts."""
    kept = [m for m in messages if not m.repost_id]
    return TextPosts(
        [m.user_id for m in kept],
        [m.message_id for m in kept],
        [m.text for m in kept],
        [m.timestamp * 1000 for m in kept],
    )


def reply_events(messages: list[Message]) -> Events:
    """What detect/co_reply_events reads: replies that are not reposts."""
    events = Events()
    for m in messages:
        if m.reply_id and not m.repost_id:
            events.add(m.user_id, m.message_id, m.reply_id, m.timestamp * 1000)
    return events


@dataclass(frozen=True, slots=True)
class Parity:
    ours: int  # undirected edges
    theirs: int  # directed edges, self-pairs aside
    self_pairs: int
    missing: int  # directed toolkit edges we lack
    extra: int  # directed edges we have and the toolkit lacks
    weight_mismatches: int

    def text(self) -> str:
        same = self.missing == self.extra == self.weight_mismatches == 0
        return (
            f"ours {self.ours:,} undirected = {2 * self.ours:,} directed; toolkit {self.theirs:,} "
            f"directed (+{self.self_pairs:,} self-pairs set aside); missing {self.missing}, "
            f"extra {self.extra}, weight mismatches {self.weight_mismatches}: "
            + ("IDENTICAL" if same else "DIFFERENT")
        )


def compare(ours: tuple[CoEdge, ...], theirs: dict[tuple[str, str], int]) -> Parity:
    directed = {}
    for e in ours:
        directed[(e.a, e.b)] = e.a_posts
        directed[(e.b, e.a)] = e.b_posts
    others = {p: w for p, w in theirs.items() if p[0] != p[1]}
    mismatches = sum(1 for p, w in directed.items() if p in others and others[p] != w)
    return Parity(
        ours=len(ours),
        theirs=len(others),
        self_pairs=len(theirs) - len(others),
        missing=len(set(others) - set(directed)),
        extra=len(set(directed) - set(others)),
        weight_mismatches=mismatches,
    )


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - started


def lines(items: Iterator[str]) -> None:
    for line in items:
        print(line, flush=True)


def russian_shares() -> ShareColumns:
    """The Russian sample as the share-events loader keys it (object ids are post ids)."""
    import gzip

    data = Path(os.environ.get("CIBGRAPH_DATA_DIR", ROOT.parent / "shared" / "data"))
    cols = ShareColumns([], [], [], [], [])
    seen = set()
    with gzip.open(data / "coortweet" / "russian_coord_tweets.csv.gz", "rt", newline="") as fh:
        for r in csv.DictReader(fh):
            row = (r["object_id"], r["account_id"], r["content_id"], r["timestamp_share"])
            if row in seen:  # the loader counts an exact repeat as a duplicate
                continue
            seen.add(row)
            cols.account.append(f"twitter:{r['account_id']}")
            cols.object_key.append(f"twitter:{r['object_id']}")
            cols.object_id.append(r["object_id"])
            cols.content_id.append(r["content_id"])
            cols.at_ms.append(int(r["timestamp_share"]) * 1000)
    return cols


def null_cost(permutations: int, messages: list[Message], window: int) -> None:
    shares = russian_shares()
    params = CoordinationParams(time_window=60, min_participation=2, null_permutations=permutations)
    result, t_detect = timed(compute_coordination, shares, params)
    nulls, t_null = timed(coordination_null, shares, result)
    significant = sum(n.p_value <= 0.05 for n in nulls.values())
    print(
        f"4. null on the Russian sample ({len(shares):,} shares, {len(result.edges):,} edges): "
        f"{permutations} shuffles in {t_null:.1f} s ({t_null / permutations:.2f} s each; one "
        f"detection {t_detect:.2f} s); {significant:,} edges at p <= 0.05"
    )
    posts = text_posts(messages)
    cp = CopyPasteParams(time_window=window, null_permutations=permutations)
    res, t_cp = timed(compute_copypaste, posts, cp)
    significant = sum(n.p_value <= 0.05 for n in res.nulls.values())
    print(
        f"   copy-paste null on {len(posts):,} posts ({len(res.edges):,} edges): "
        f"{res.seconds_null:.1f} s for {permutations} shuffles (detection and null {t_cp:.1f} s); "
        f"{significant:,} edges at p <= 0.05"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--window", type=int, default=600, help="time window, seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--sample", type=int, default=1_500, help="distinct texts (seeded) for the recall check"
    )
    ap.add_argument("--venv", type=Path, default=VENV)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--null-permutations", type=int, default=0, help="measure the null's cost")
    ap.add_argument("--null-only", action="store_true", help="only the null's cost")
    args = ap.parse_args()
    if not (args.venv / "bin" / "python").exists():
        sys.exit(
            f"no toolkit virtualenv at {args.venv}: python3 -m venv {args.venv} && "
            f"{args.venv}/bin/pip install {TOOLKIT}"
        )
    WORKDIR.mkdir(parents=True, exist_ok=True)
    messages = generate(args.messages, seed=args.seed)
    path = WORKDIR / f"messages_{args.messages}_{args.seed}.csv"
    write_csv(messages, path)
    db = WORKDIR / f"messages_{args.messages}_{args.seed}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if args.null_only:
        null_cost(args.null_permutations or 20, messages, args.window)
        return
    w = str(args.window)
    common = ["--time_window", w, "--min_edge_weight", "1", "--n_cpus", str(args.threads)]
    print(
        f"input: {len(messages):,} messages, {len({m.user_id for m in messages}):,} users, "
        f"window {args.window} s, {path}"
    )
    t_pre = toolkit(args.venv, db, "preprocess", "--format", "csv", str(path))
    t_cotweet = toolkit(args.venv, db, "compute", "co_tweet", *common)
    t_coreply = toolkit(args.venv, db, "compute", "co_reply", *common)
    t_cosim = toolkit(
        args.venv,
        db,
        "compute",
        "co_similar_tweet",
        *common,
        "--similarity_threshold",
        str(SIMILARITY),
    )
    print(
        f"toolkit: preprocess {t_pre:.2f} s, co_tweet {t_cotweet:.2f} s, co_reply "
        f"{t_coreply:.2f} s, co_similar_tweet {t_cosim:.2f} s ({args.threads} processes)"
    )

    posts = text_posts(messages)
    cp_params = CopyPasteParams(
        time_window=args.window,
        min_chars=0,
        strip_urls=False,
        strip_retweet_prefix=False,
        null_permutations=0,
    )
    cp, t_cp = timed(compute_copypaste, posts, cp_params)
    print(f"1. co-tweet: {compare(cp.edges, toolkit_edges(db, 'co_tweet_network')).text()}")
    print(f"   ours {t_cp:.2f} s vs toolkit co_tweet {t_cotweet:.2f} s")
    cr, t_cr = timed(
        compute_interactions,
        reply_events(messages),
        InteractionParams(time_window=args.window, max_accounts=10**9),
    )
    print(f"2. co-reply: {compare(cr.edges, toolkit_edges(db, 'co_reply_network')).text()}")
    print(f"   ours {t_cr:.2f} s vs toolkit co_reply {t_coreply:.2f} s")

    nd_params = NearDupParams(time_window=args.window, threshold=SIMILARITY, include_exact=True)
    nd, t_nd = timed(compute_neardup, posts, nd_params)
    theirs = {
        tuple(sorted(p)) for p in toolkit_edges(db, "co_similar_tweet_network") if p[0] != p[1]
    }
    mine = {(e.a, e.b) for e in nd.edges}
    print(
        f"3. near-duplicates: ours {t_nd:.2f} s ({len(mine):,} edges) vs toolkit "
        f"co_similar_tweet {t_cosim:.2f} s ({len(theirs):,} undirected edges): "
        f"{t_cosim / t_nd:.1f}x faster; {len(mine & theirs):,} edges in both "
        "(character shingles vs word tokens: not meant to agree edge for edge)"
    )
    texts = distinct_texts(posts, nd_params)
    picked = random.Random(args.seed).sample(
        range(len(texts.sets)), min(args.sample, len(texts.sets))
    )
    sample = [texts.sets[i] for i in sorted(picked)]
    exact, t_exact = timed(exact_similar_texts, sample, threshold=SIMILARITY)
    lsh, t_lsh = timed(similar_texts, sample, threshold=SIMILARITY, num_perm=nd_params.num_perm)
    recall = len(set(lsh) & set(exact)) / len(exact) if exact else 1.0
    print(
        f"   LSH recall on {len(sample):,} distinct texts: {len(lsh):,} of {len(exact):,} exact "
        f"pairs ({recall:.3f}), no false pair: {set(lsh) <= set(exact)}; exact all-pairs "
        f"{t_exact:.2f} s, LSH {t_lsh:.2f} s"
    )
    if args.null_permutations:
        null_cost(args.null_permutations, messages, args.window)


if __name__ == "__main__":
    main()
