"""cibgraph's co-retweet, co-link, co-tweet and co-reply networks equal coordination-network-
toolkit 1.5.2's on one input, edge for edge, its self-pairs set aside.

The input is tests/detection/data/toolkit_messages.csv, in the toolkit's CSV, made by
bench/toolkit_parity.py's generator (`generate(240, seed=5, hours=1)`). The expected edges below
are the toolkit's own networks on that file (`--time_window 60 --min_edge_weight 1`), directed
(`user_1 -> user_2`: distinct messages of user_1 with a match by user_2), printed by
`bench/toolkit_parity.py --input tests/detection/data/toolkit_messages.csv --expected` with the
toolkit in its bench-only virtualenv; its self-pairs (a user with itself) are left out, and so
are the co_link edges only its empty URL made (a message with no URL is stored with the URL ''
there). Co-retweet and co-link weights are CooRTweet's (pairs of shares) here: only their edges
are compared; co-tweet and co-reply keep the toolkit's directed weights as a_posts / b_posts.
docs/formats.md ("Parity with coordination-network-toolkit") explains the counting rules.
"""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver

from cibgraph.detection import copypaste, coreply
from cibgraph.detection.cooccur import CoEdge
from cibgraph.detection.coordination import CoordinationParams, compute_from_log
from cibgraph.ingest.base import run_load
from cibgraph.ingest.qut import QutLoader

FIXTURE = Path(__file__).parent / "data" / "toolkit_messages.csv"
WINDOW = 60
Directed = dict[tuple[str, str], int]

CO_RETWEET: Directed = {
    ("crew0", "crew10"): 1,
    ("crew0", "crew2"): 1,
    ("crew10", "crew0"): 1,
    ("crew10", "crew2"): 1,
    ("crew10", "crew3"): 1,
    ("crew10", "crew5"): 1,
    ("crew10", "crew7"): 1,
    ("crew2", "crew0"): 1,
    ("crew2", "crew10"): 1,
    ("crew3", "crew10"): 1,
    ("crew3", "crew5"): 1,
    ("crew3", "crew7"): 1,
    ("crew5", "crew10"): 1,
    ("crew5", "crew3"): 1,
    ("crew5", "crew7"): 1,
    ("crew7", "crew10"): 1,
    ("crew7", "crew3"): 1,
    ("crew7", "crew5"): 1,
}
CO_LINK: Directed = {
    ("crew10", "u10"): 1,
    ("crew4", "crew6"): 1,
    ("crew6", "crew4"): 1,
    ("crew7", "u13"): 1,
    ("crew7", "u18"): 1,
    ("u0", "u12"): 1,
    ("u10", "crew10"): 1,
    ("u12", "u0"): 1,
    ("u12", "u16"): 1,
    ("u13", "crew7"): 1,
    ("u13", "u18"): 1,
    ("u16", "u12"): 1,
    ("u18", "crew7"): 1,
    ("u18", "u13"): 1,
    ("u2", "u8"): 1,
    ("u8", "u2"): 1,
}
CO_TWEET: Directed = {
    ("crew0", "crew1"): 2,
    ("crew0", "crew10"): 4,
    ("crew0", "crew11"): 1,
    ("crew0", "crew2"): 1,
    ("crew0", "crew3"): 2,
    ("crew0", "crew4"): 2,
    ("crew0", "crew5"): 2,
    ("crew0", "crew6"): 4,
    ("crew0", "crew7"): 1,
    ("crew0", "crew8"): 3,
    ("crew0", "crew9"): 2,
    ("crew1", "crew0"): 2,
    ("crew1", "crew10"): 2,
    ("crew1", "crew11"): 1,
    ("crew1", "crew3"): 2,
    ("crew1", "crew4"): 2,
    ("crew1", "crew5"): 1,
    ("crew1", "crew6"): 1,
    ("crew1", "crew8"): 3,
    ("crew10", "crew0"): 4,
    ("crew10", "crew1"): 2,
    ("crew10", "crew11"): 1,
    ("crew10", "crew2"): 1,
    ("crew10", "crew3"): 2,
    ("crew10", "crew4"): 2,
    ("crew10", "crew5"): 2,
    ("crew10", "crew6"): 3,
    ("crew10", "crew7"): 2,
    ("crew10", "crew8"): 3,
    ("crew10", "crew9"): 1,
    ("crew11", "crew0"): 1,
    ("crew11", "crew1"): 1,
    ("crew11", "crew10"): 1,
    ("crew11", "crew3"): 1,
    ("crew11", "crew6"): 1,
    ("crew11", "crew8"): 2,
    ("crew11", "crew9"): 1,
    ("crew2", "crew0"): 1,
    ("crew2", "crew10"): 1,
    ("crew2", "crew6"): 1,
    ("crew2", "crew7"): 1,
    ("crew3", "crew0"): 2,
    ("crew3", "crew1"): 2,
    ("crew3", "crew10"): 2,
    ("crew3", "crew11"): 1,
    ("crew3", "crew4"): 1,
    ("crew3", "crew5"): 1,
    ("crew3", "crew6"): 1,
    ("crew3", "crew8"): 1,
    ("crew3", "crew9"): 1,
    ("crew4", "crew0"): 2,
    ("crew4", "crew1"): 2,
    ("crew4", "crew10"): 2,
    ("crew4", "crew3"): 1,
    ("crew4", "crew5"): 1,
    ("crew4", "crew6"): 2,
    ("crew4", "crew7"): 1,
    ("crew4", "crew8"): 3,
    ("crew4", "crew9"): 1,
    ("crew5", "crew0"): 2,
    ("crew5", "crew1"): 1,
    ("crew5", "crew10"): 2,
    ("crew5", "crew3"): 1,
    ("crew5", "crew4"): 1,
    ("crew5", "crew6"): 1,
    ("crew5", "crew7"): 1,
    ("crew5", "crew8"): 1,
    ("crew5", "crew9"): 1,
    ("crew6", "crew0"): 4,
    ("crew6", "crew1"): 1,
    ("crew6", "crew10"): 3,
    ("crew6", "crew11"): 1,
    ("crew6", "crew2"): 1,
    ("crew6", "crew3"): 1,
    ("crew6", "crew4"): 2,
    ("crew6", "crew5"): 1,
    ("crew6", "crew7"): 2,
    ("crew6", "crew8"): 3,
    ("crew6", "crew9"): 2,
    ("crew7", "crew0"): 1,
    ("crew7", "crew10"): 2,
    ("crew7", "crew2"): 1,
    ("crew7", "crew4"): 1,
    ("crew7", "crew5"): 1,
    ("crew7", "crew6"): 2,
    ("crew7", "crew8"): 1,
    ("crew7", "crew9"): 1,
    ("crew8", "crew0"): 3,
    ("crew8", "crew1"): 3,
    ("crew8", "crew10"): 3,
    ("crew8", "crew11"): 2,
    ("crew8", "crew3"): 1,
    ("crew8", "crew4"): 3,
    ("crew8", "crew5"): 1,
    ("crew8", "crew6"): 3,
    ("crew8", "crew7"): 1,
    ("crew8", "crew9"): 3,
    ("crew9", "crew0"): 2,
    ("crew9", "crew10"): 1,
    ("crew9", "crew11"): 1,
    ("crew9", "crew3"): 1,
    ("crew9", "crew4"): 1,
    ("crew9", "crew5"): 1,
    ("crew9", "crew6"): 2,
    ("crew9", "crew7"): 1,
    ("crew9", "crew8"): 3,
}
CO_REPLY: Directed = {
    ("crew1", "crew3"): 1,
    ("crew1", "crew4"): 1,
    ("crew10", "crew2"): 1,
    ("crew10", "crew3"): 1,
    ("crew10", "crew7"): 1,
    ("crew2", "crew10"): 1,
    ("crew2", "crew3"): 1,
    ("crew2", "crew7"): 1,
    ("crew3", "crew1"): 1,
    ("crew3", "crew10"): 1,
    ("crew3", "crew2"): 1,
    ("crew3", "crew4"): 1,
    ("crew3", "crew5"): 1,
    ("crew3", "crew7"): 1,
    ("crew4", "crew1"): 1,
    ("crew4", "crew3"): 1,
    ("crew5", "crew3"): 1,
    ("crew7", "crew10"): 1,
    ("crew7", "crew2"): 1,
    ("crew7", "crew3"): 1,
}


def _undirected(directed: Directed) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in directed}


def _native(key: str) -> str:
    return key.partition(":")[2]


def _load(db: Driver, tmp_path: Path) -> None:
    report = run_load(QutLoader(), FIXTURE, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded) == (241, 241)


def test_co_retweet_and_co_link_have_the_toolkits_edges(db: Driver, tmp_path: Path) -> None:
    _load(db, tmp_path)
    for kind, expected in (("retweet", CO_RETWEET), ("url", CO_LINK)):
        params = CoordinationParams(time_window=WINDOW, min_participation=1, object_type=(kind,))
        edges = {
            (_native(e.account), _native(e.other)) for e in compute_from_log(db, params).all_edges()
        }
        assert edges == _undirected(expected), kind


def _directed(edges: tuple[CoEdge, ...]) -> Directed:
    out: Directed = {}
    for e in edges:
        a, b = _native(e.a), _native(e.b)
        out[(a, b)] = e.a_posts
        out[(b, a)] = e.b_posts
    return out


def test_co_tweet_and_co_reply_have_the_toolkits_directed_weights(
    db: Driver, tmp_path: Path
) -> None:
    _load(db, tmp_path)
    cp = copypaste.SIGNAL.detect(
        db,
        copypaste.CopyPasteParams(
            time_window=WINDOW, min_chars=0, strip_urls=False, strip_retweet_prefix=False
        ),
    )
    assert _directed(cp.edges) == CO_TWEET
    cr = coreply.CO_REPLY.detect(
        db, coreply.InteractionParams(time_window=WINDOW, max_accounts=10**9)
    )
    assert _directed(cr.edges) == CO_REPLY
