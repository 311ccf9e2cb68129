"""cibgraph's co-retweet, co-link, co-tweet and co-reply networks beside coordination-network-
toolkit 1.5.2's, on one file in the toolkit's CSV, in the same run.

The input (`message_id, user_id, username, repost_id, reply_id, message, timestamp, urls`) is
generated (seeded: organic users posting, reposting, replying and linking at random, and a crew
doing each in bursts), or given with `--input`. Then:

- the toolkit, in its bench-only virtualenv, through its own CLI: `preprocess --format csv`, then
  `compute co_retweet|co_link|co_tweet|co_reply --time_window W --min_edge_weight 1`; its
  networks are read from its SQLite tables (directed, `user_1 -> user_2`, self-pairs included);
- cibgraph, on a Neo4j given by the environment (NEO4J_URI and friends, as cibgraph reads them):
  `load qut` of the same file (cibgraph.ingest.qut), then the detections as the CLI runs them:
  co-retweet and co-link are coordination runs scoped to one object type
  (`--object-type retweet` / `url`, `--min-participation 1`, CooRTweet's counting), co-tweet is
  the copy-paste signal with the toolkit's normalisation (`strip_urls=False,
  strip_retweet_prefix=False, min_chars=0`), co-reply the co-reply signal with no cap.

Compared: the account pairs (edges) of each network, the toolkit's self-pairs set aside; for
co-tweet and co-reply also the toolkit's directed weights (distinct messages of user_1 with a
match by user_2), which our edges carry as `a_posts` / `b_posts`. Co-retweet and co-link weights
are CooRTweet's (pairs of shares), another counting rule: only their edges are compared.
One artefact of the toolkit is set aside and counted: a message with an empty `urls` cell is
stored with the URL '' (`''.split(' ') == ['']`), which links every such message to every other
within the window in co_link; those rows are deleted from its `message_url` table before co_link
is computed, and the edges they add are reported (co_link computed with them first).

    python3 -m venv /work/bench-venv-det
    /work/bench-venv-det/bin/pip install coordination-network-toolkit==1.5.2
    .venv/bin/python bench/toolkit_parity.py --venv /work/bench-venv-det [--messages 10000]
        [--window 60] [--input FILE] [--respell 0.2] [--expected] [--wipe]

`--respell P` writes a share P of the links in a second spelling (`http://www.` for
`https://`): cibgraph's URL normaliser makes them one URL, the toolkit two, so cibgraph's co-link
has the edges the toolkit's lacks (listed as "extra"); every other network stays identical.

The graph must be empty (the bench loads its input into it) unless `--wipe` says it may be
emptied. `--expected` prints the toolkit's edges, self-pairs aside, as Python literals: how the
expected edge lists of tests/detection/test_toolkit_parity.py were obtained.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.text_bench import Message, toolkit, toolkit_edges, write_csv  # noqa: E402
from cibgraph.detection import copypaste, coreply  # noqa: E402
from cibgraph.detection.coordination import CoordinationParams, compute_from_log  # noqa: E402
from cibgraph.ingest.base import run_load  # noqa: E402
from cibgraph.ingest.qut import QutLoader  # noqa: E402
from cibgraph.neo4j.db import read  # noqa: E402
from cibgraph.neo4j.driver import get_driver  # noqa: E402

TOOLKIT = "coordination-network-toolkit==1.5.2"
NETWORKS = ("co_retweet", "co_link", "co_tweet", "co_reply")
_WORDS = (
    "police protest city people government stop violence support law order today students "
    "world peace freedom media news truth video watch rally vote market weather football"
)
WORDS = _WORDS.split(" ")
SLOGANS = (
    "Support the police and restore order now",
    "Foreign media lies, watch the real video",
    "The rioters do not speak for our city",
    "Vote for peace and stability this weekend",
)

Directed = dict[tuple[str, str], int]


def generate(n: int, *, seed: int = 1, hours: int = 12, respell: float = 0.0) -> list[Message]:
    """About `n` messages over `hours`: organic posts, reposts, replies and links at random,
    and a crew of 12 reposting, replying, linking and copying one text in bursts. A `respell`
    share of the links is written `http://www.…` instead of `https://…` (one URL to cibgraph's
    normaliser, two strings to the toolkit)."""
    rng = random.Random(seed)
    spell = random.Random(seed + 1)

    def spelled(url: str) -> str:
        return url.replace("https://", "http://www.") if spell.random() < respell else url

    span = hours * 3600
    users = [f"u{i}" for i in range(max(n // 25, 20))]
    crew = [f"crew{i}" for i in range(12)]
    ids = iter(range(10**9, 2 * 10**9))
    out: list[Message] = []

    def text() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12)))

    def urls() -> str:
        k = rng.choice([0, 0, 1, 1, 1, 2])
        return " ".join(
            spelled(f"https://news.example/story/{rng.randrange(n // 4 + 5)}") for _ in range(k)
        )

    while len(out) < n * 0.8:
        user, t, roll, mid = rng.choice(users), rng.randrange(span), rng.random(), str(next(ids))
        if roll < 0.25 and out:
            target = rng.choice(out)
            out.append(Message(mid, user, target.message_id, "", target.text, t, ""))
        elif roll < 0.45 and out:
            out.append(Message(mid, user, "", rng.choice(out).message_id, text(), t, urls()))
        else:
            out.append(Message(mid, user, "", "", text(), t, urls()))
    originals = [m for m in rng.sample(out, 60) if not m.repost_id]
    while len(out) < n:
        burst, kind = rng.randrange(span), rng.choice(("repost", "reply", "link", "copy"))
        target = rng.choice(originals)
        link = f"https://crew.example/p/{rng.randrange(100)}"
        slogan = rng.choice(SLOGANS)
        for user in rng.sample(crew, rng.randint(3, 8)):
            t, mid = burst + rng.randrange(120), str(next(ids))
            if kind == "repost":
                out.append(Message(mid, user, target.message_id, "", target.text, t, ""))
            elif kind == "reply":
                out.append(Message(mid, user, "", target.message_id, text(), t, urls()))
            elif kind == "link":
                out.append(Message(mid, user, "", "", text(), t, spelled(link)))
            else:  # copies the toolkit's normalisation makes identical: case, spaces, mentions
                variant = rng.choice(
                    (slogan, slogan.upper(), f"@{rng.choice(users)} {slogan}", f"{slogan}  ")
                )
                out.append(Message(mid, user, "", "", variant, t, urls()))
    return out


# ---- the toolkit ---------------------------------------------------------------------------


def toolkit_table(db: Path, network: str) -> Directed:
    return toolkit_edges(db, f"{network}_network")


@dataclass(frozen=True, slots=True)
class ToolkitRun:
    networks: dict[str, Directed]
    seconds: dict[str, float]
    empty_url_rows: int  # message_url rows with the URL '' (set aside)
    empty_url_edges: int  # co_link directed edges, self-pairs aside, that only '' made


def run_toolkit(venv: Path, path: Path, window: int, workdir: Path) -> ToolkitRun:
    db = workdir / "toolkit.db"
    common = ["--time_window", str(window), "--min_edge_weight", "1", "--n_cpus", "2"]
    seconds = {"preprocess": toolkit(venv, db, "preprocess", "--format", "csv", str(path))}
    networks: dict[str, Directed] = {}
    for network in NETWORKS:
        seconds[network] = toolkit(venv, db, "compute", network, *common)
        networks[network] = toolkit_table(db, network)
    with sqlite3.connect(db) as con:
        empty = con.execute("select count(*) from message_url where url = ''").fetchone()[0]
        con.execute("delete from message_url where url = ''")
    raw = networks["co_link"]
    seconds["co_link"] += toolkit(venv, db, "compute", "co_link", *common)
    networks["co_link"] = toolkit_table(db, "co_link")
    added = {p for p in set(raw) - set(networks["co_link"]) if p[0] != p[1]}
    return ToolkitRun(networks, seconds, int(empty), len(added))


# ---- cibgraph ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ours:
    edges: set[tuple[str, str]]  # undirected, smaller id first
    directed: Directed | None  # the toolkit's directed weights, where the signal keeps them


def _native(key: str) -> str:
    return key.partition(":")[2]


def run_cibgraph(
    path: Path, window: int, workdir: Path
) -> tuple[dict[str, Ours], dict[str, float]]:
    driver = get_driver()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    report = run_load(QutLoader(), path, driver=driver, rejects_dir=workdir / "rejects")
    seconds["load qut"] = time.perf_counter() - started
    if report.rows_rejected:
        sys.exit(f"load qut rejected {report.rows_rejected} rows (see {report.rejects_path})")
    ours: dict[str, Ours] = {}
    for network, kind in (("co_retweet", "retweet"), ("co_link", "url")):
        started = time.perf_counter()
        params = CoordinationParams(time_window=window, min_participation=1, object_type=(kind,))
        result = compute_from_log(driver, params)
        seconds[network] = time.perf_counter() - started
        ours[network] = Ours(
            {(_native(e.account), _native(e.other)) for e in result.all_edges()}, None
        )
    started = time.perf_counter()
    cp = copypaste.SIGNAL.detect(
        driver,
        copypaste.CopyPasteParams(
            time_window=window, min_chars=0, strip_urls=False, strip_retweet_prefix=False
        ),
    )
    seconds["co_tweet"] = time.perf_counter() - started
    started = time.perf_counter()
    cr = coreply.CO_REPLY.detect(
        driver, coreply.InteractionParams(time_window=window, max_accounts=10**9)
    )
    seconds["co_reply"] = time.perf_counter() - started
    for network, text in (("co_tweet", cp), ("co_reply", cr)):
        directed: Directed = {}
        for edge in text.edges:
            a, b = _native(edge.a), _native(edge.b)
            directed[(a, b)] = edge.a_posts
            directed[(b, a)] = edge.b_posts
        ours[network] = Ours({(min(p), max(p)) for p in directed}, directed)
    return ours, seconds


# ---- the comparison ------------------------------------------------------------------------


def undirected(theirs: Directed) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in theirs if a != b}


def compare(network: str, ours: Ours, theirs: Directed) -> str:
    self_pairs = sum(1 for a, b in theirs if a == b)
    others = {p: w for p, w in theirs.items() if p[0] != p[1]}
    symmetric = all((b, a) in others for a, b in others)
    edges = undirected(theirs)
    missing, extra = edges - ours.edges, ours.edges - edges
    text = (
        f"{network}: cibgraph {len(ours.edges):,} edges; toolkit {len(others):,} directed "
        f"(symmetric: {symmetric}) = {len(edges):,} edges, +{self_pairs:,} self-pairs set aside; "
        f"missing {len(missing)}, extra {len(extra)}"
    )
    if ours.directed is not None:
        wrong = sum(1 for p, w in others.items() if ours.directed.get(p, w) != w)
        text += f"; directed weights differing {wrong}"
    else:
        text += "; weights: CooRTweet's pairs, not compared"
    for what, pairs in (("missing", missing), ("extra", extra)):
        if pairs:
            text += f"\n    {what}, first: {sorted(pairs)[:5]}"
    return text


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--window", type=int, default=60, help="time window, seconds")
    ap.add_argument("--input", type=Path, help="a file in the toolkit's CSV instead of one made")
    ap.add_argument(
        "--respell", type=float, default=0.0, help="share of links written in a second spelling"
    )
    ap.add_argument("--venv", type=Path, default=Path("/work/bench-venv-det"))
    ap.add_argument("--expected", action="store_true", help="print the toolkit's edges")
    ap.add_argument("--wipe", action="store_true", help="empty the graph first")
    args = ap.parse_args()
    if not (args.venv / "bin" / "python").exists():
        sys.exit(f"no toolkit at {args.venv}: python3 -m venv {args.venv} && "
                 f"{args.venv}/bin/pip install {TOOLKIT}")  # fmt: skip
    driver = get_driver()
    if read(driver, "MATCH (n) RETURN count(n) > 0 AS any")[0]["any"]:
        if not args.wipe:
            sys.exit("the graph is not empty: give --wipe to empty it, or another NEO4J_URI")
        with driver.session() as session:  # CALL IN TRANSACTIONS needs an auto-commit one
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
    with tempfile.TemporaryDirectory(prefix="cibgraph-toolkit-parity-") as tmp:
        workdir = Path(tmp)
        path = args.input
        if path is None:
            path = workdir / f"messages_{args.messages}_{args.seed}.csv"
            write_csv(generate(args.messages, seed=args.seed, respell=args.respell), path)
        with path.open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        print(f"input: {path.name}, {rows:,} messages, window {args.window} s; "
              f"load average {load_avg()}")  # fmt: skip
        theirs = run_toolkit(args.venv, path, args.window, workdir)
        ours, ours_seconds = run_cibgraph(path, args.window, workdir)
    print("toolkit seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in theirs.seconds.items()))
    print("cibgraph seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in ours_seconds.items()))
    print(f"toolkit artefact set aside: {theirs.empty_url_rows:,} messages stored with the URL '' "
          f"gave co_link {theirs.empty_url_edges:,} directed edges more")  # fmt: skip
    for network in NETWORKS:
        print(compare(network, ours[network], theirs.networks[network]))
    print(f"load average {load_avg()}")
    if args.expected:
        for network in NETWORKS:
            others = {p: w for p, w in sorted(theirs.networks[network].items()) if p[0] != p[1]}
            print(f"{network.upper()} = {others!r}")


if __name__ == "__main__":
    main()
