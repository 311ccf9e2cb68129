"""Each source format's loader on the same share events, beside `load share-events`, in one run.

Generates N URL share events (accounts, URLs, one post per event, times over a day) and writes
them in every format a loader reads: the share-events CSV, CooRTweet's multi-object CSV, the
coordination-network-toolkit's CSV (`qut`), a column-mapped table, twarc2 JSON lines (pages of
100 tweets), a Telegram Desktop export and a CrowdTangle pages export. Then, on an emptied
database each time, it loads each file with its loader (`run_load`, as `cibgraph load` does) and
prints rows/s, the URL share events the load read and the SHARED edges it left, so the formats
are compared on the same events. A format that writes a Post per row (qut, twarc, telegram,
crowdtangle) does more work per row than share-events, which writes the share only: that is
the cost of the format, and the table says it.

Neo4j is the one NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE name (the settings);
the bench empties it. Usage:

    NEO4J_URI=neo4j://127.0.0.1:7701 NEO4J_PASSWORD=... \\
        .venv/bin/python bench/formats_bench.py [--events 200000] [--formats qut,twarc]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cibgraph.ingest.base import Loader, run_load  # noqa: E402
from cibgraph.ingest.coortweet import CooRTweetLoader  # noqa: E402
from cibgraph.ingest.crowdtangle import CrowdTangleLoader  # noqa: E402
from cibgraph.ingest.qut import QutLoader  # noqa: E402
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader  # noqa: E402
from cibgraph.ingest.table import TableLoader  # noqa: E402
from cibgraph.ingest.telegram import TelegramLoader  # noqa: E402
from cibgraph.ingest.twarc import TwarcLoader  # noqa: E402
from cibgraph.ingest.writing import LOAD_SWITCH_INTERVAL  # noqa: E402
from cibgraph.neo4j.driver import get_driver  # noqa: E402
from cibgraph.neo4j.schema import apply_schema  # noqa: E402
from cibgraph.settings import get_settings  # noqa: E402

T0 = 1_640_995_200  # 2022-01-01T00:00:00Z
Event = tuple[int, int, int, int]  # account, url, post, epoch seconds


def events(n: int, seed: int = 11) -> list[Event]:
    rng = random.Random(seed)
    accounts, urls = max(n // 20, 2), max(n // 50, 2)
    return [
        (rng.randrange(accounts), rng.randrange(urls), i, T0 + rng.randrange(86_400))
        for i in range(n)
    ]


def url(u: int) -> str:
    return f"https://news{u % 97}.example.org/story/{u}"


def _csv(path: Path, header: list[str], rows: Any) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_share_events(ev: list[Event], path: Path) -> Path:
    rows = ((url(u), f"a{a}", f"p{p}", t) for a, u, p, t in ev)
    return _csv(path, ["object_id", "account_id", "content_id", "timestamp_share"], rows)


def write_coortweet(ev: list[Event], path: Path) -> Path:
    rows = ((f"a{a}", f"p{p}", url(u), t) for a, u, p, t in ev)
    return _csv(path, ["account_id", "post_id", "url_id", "timestamp"], rows)


def write_qut(ev: list[Event], path: Path) -> Path:
    header = [
        "message_id",
        "user_id",
        "username",
        "repost_id",
        "reply_id",
        "message",
        "timestamp",
        "urls",
    ]
    rows = (
        (f"p{p}", f"a{a}", f"user{a}", "", "", f"read this {url(u)}", t, url(u))
        for a, u, p, t in ev
    )
    return _csv(path, header, rows)


def write_table(ev: list[Event], path: Path) -> Path:
    rows = ((f"a{a}", url(u), f"p{p}", t, "x") for a, u, p, t in ev)
    return _csv(path, ["who", "link", "post", "when", "other"], rows)


def write_twarc(ev: list[Event], path: Path) -> Path:
    with path.open("w") as fh:
        for start in range(0, len(ev), 100):
            page = ev[start : start + 100]
            data = [
                {
                    "id": f"p{p}",
                    "author_id": f"a{a}",
                    "text": f"read this https://t.co/{u}",
                    "created_at": datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z"),
                    "lang": "en",
                    "entities": {"urls": [{"url": f"https://t.co/{u}", "expanded_url": url(u)}]},
                }
                for a, u, p, t in page
            ]
            users = [{"id": f"a{a}", "username": f"user{a}"} for a in {e[0] for e in page}]
            fh.write(json.dumps({"data": data, "includes": {"users": users}}) + "\n")
    return path


def write_telegram(ev: list[Event], path: Path) -> Path:
    with path.open("w") as fh:
        fh.write('{"name": "bench", "type": "public_supergroup", "id": 1, "messages": [')
        for i, (a, u, p, t) in enumerate(ev):
            message = {
                "id": p,
                "type": "message",
                "date_unixtime": str(t),
                "from": f"user{a}",
                "from_id": f"user{a}",
                "text": ["read this ", {"type": "link", "text": url(u)}],
                "text_entities": [
                    {"type": "plain", "text": "read this "},
                    {"type": "link", "text": url(u)},
                ],
            }
            fh.write(("," if i else "") + json.dumps(message))
        fh.write("]}")
    return path


def write_crowdtangle(ev: list[Event], path: Path) -> Path:
    header = [
        "Page Name",
        "User Name",
        "Facebook Id",
        "Post Created",
        "Type",
        "URL",
        "Message",
        "Link",
        "Final Link",
    ]
    rows = (
        (
            f"Page {a}",
            f"page{a}",
            str(1000 + a),
            datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "Link",
            f"https://www.facebook.com/page{a}/posts/{p}",
            "read this",
            url(u),
            "",
        )
        for a, u, p, t in ev
    )
    return _csv(path, header, rows)


FORMATS: dict[str, tuple[Callable[[list[Event], Path], Path], str, Callable[[], Loader]]] = {
    "share-events": (
        write_share_events,
        "share_events.csv",
        lambda: ShareEventsLoader(object_type=ObjectType.URL),
    ),
    "coortweet": (write_coortweet, "coortweet.csv", CooRTweetLoader),
    "qut": (write_qut, "qut.csv", QutLoader),
    "table": (
        write_table,
        "table.csv",
        lambda: TableLoader(
            account="who",
            object_column="link",
            object_type=ObjectType.URL,
            time="when",
            time_format="epoch",
            content="post",
        ),
    ),
    "twarc": (write_twarc, "twarc.jsonl", TwarcLoader),
    "telegram": (write_telegram, "result.json", TelegramLoader),
    "crowdtangle": (write_crowdtangle, "crowdtangle.csv", CrowdTangleLoader),
}


def wipe() -> None:
    with get_driver().session(database=get_settings().neo4j_database) as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def shared_edges() -> int:
    records, _, _ = get_driver().execute_query(
        "RETURN COUNT { ()-[:SHARED]->() } AS n", database_=get_settings().neo4j_database
    )
    return int(records[0]["n"])


def load(name: str, path: Path, rejects: Path) -> tuple[float, int, int, int]:
    """Seconds, rows read, URL share events read, SHARED edges after loading `path`."""
    wipe()
    loader = FORMATS[name][2]()
    report = run_load(
        loader, path, driver=get_driver(), rejects_dir=rejects, switch_seconds=LOAD_SWITCH_INTERVAL
    )
    tally = report.shares.get("url")  # share-events files keep no per-type tally: -1
    return report.seconds, report.rows_read, tally.events if tally else -1, shared_edges()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    names = [n for n in args.formats.split(",") if n]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise SystemExit(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    if "share-events" not in names:
        names.insert(0, "share-events")  # the baseline every other rate is compared with
    apply_schema(get_driver(), database=get_settings().neo4j_database)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cibgraph-formats-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ev = events(args.events)
    files = {n: FORMATS[n][0](ev, workdir / FORMATS[n][1]) for n in names}
    warm = FORMATS["share-events"][0](events(20_000, seed=3), workdir / "warm.csv")
    load("share-events", warm, workdir / "rejects")  # so no format pays the JIT warm-up alone
    print(
        f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
        f"{os.getloadavg()[2]:.2f}; {args.events:,} URL share events per format"
    )
    print(
        f"{'format':13} {'file MB':>8} {'rows':>9} {'seconds':>8} {'rows/s':>9} "
        f"{'vs share-events':>16} {'URL events read':>16} {'SHARED edges':>13}"
    )
    base = None
    for name in names:
        seconds, rows, url_events, edges = load(name, files[name], workdir / "rejects")
        rate = rows / seconds
        base = base or rate
        size = files[name].stat().st_size / 1e6
        print(
            f"{name:13} {size:>8.1f} {rows:>9,} {seconds:>8.1f} {rate:>9,.0f} "
            f"{rate / base:>16.2f} {url_events if url_events >= 0 else '-':>16} {edges:>13,}",
            flush=True,
        )
    la = os.getloadavg()
    print(f"load average after: {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")
    wipe()


if __name__ == "__main__":
    main()
