"""Copy-paste text: accounts posting the same text, after normalisation, within a time window.

coordination-network-toolkit's co-tweet, with its semantics: posts that are not reposts, whose
texts are identical after normalisation, by two different accounts at most `time_window` seconds
apart (inclusive). The normalisation, in this order:

1. lower-case (`str.lower`);
2. `strip_retweet_prefix`: a leading `rt @name` (or several, `rt @a: rt @b:`) is removed, so a
   manual retweet matches the text it copies;
3. `strip_urls`: `http://…`, `https://…` and `www.…` up to the next space are removed (link
   shorteners give every copy its own URL);
4. mentions: every `@` up to the next space is removed (the toolkit's rule);
5. whitespace: runs of spaces, tabs and newlines become one space, none at either end.

With steps 2 and 3 off, this is exactly the toolkit's `message_preprocessor`; a text shorter
than `min_chars` characters after normalisation is left out (the toolkit has no minimum, so
empty texts match each other there). A repost is a Post flagged `is_retweet` or one its author
shared `via: 'retweet'` (the loaders' two ways of saying so); a reply is an ordinary post.

Each COPY_PASTE_WITH edge (cibgraph.detection.cooccur) counts `weight` = distinct texts the two
posted within the window of each other, `pairs` of posts, `a_posts` / `b_posts` (the toolkit's
directed weights), `avg_delta`, and, when `null_permutations` > 0, `p_value` and `z` from the
permutation null (cibgraph.detection.null). The pairs of posts themselves are written as
(earlier:Post)-[:SAME_TEXT_AS {run, delta}]->(later:Post), at most 20 per edge, earliest first:
the evidence listing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import Driver
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.cooccur import (
    Events,
    TextResult,
    Words,
    co_action_signal,
    significance_text,
    window_result,
)
from cibgraph.detection.null import NullParams
from cibgraph.detection.signal import PARAMS_CONFIG, Signal
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import RelType

logger = logging.getLogger(__name__)

KIND = "copypaste"
WORDS = Words(
    "copy-paste text",
    "Accounts posting the same normalised text within a time window (co-tweet).",
    "1 - exp(-weight / 1.5): one text copied 0.49, two 0.74, four 0.93",
)

_RETWEET_PREFIX = re.compile(r"^\s*(?:rt\s+@\S*\s*)+")
_URL = re.compile(r"(?:https?://|www\.)\S*")
_MENTION = re.compile(r"@\S*")


def normalise(text: str, *, strip_urls: bool = True, strip_retweet_prefix: bool = True) -> str:
    """The text as copy-paste compares it (see the module docstring for the steps)."""
    t = text.lower()
    if strip_retweet_prefix:
        t = _RETWEET_PREFIX.sub("", t)
    if strip_urls:
        t = _URL.sub("", t)
    return " ".join(_MENTION.sub("", t).split())


@params_model(config=PARAMS_CONFIG)
class CopyPasteParams(NullParams):
    """The knobs of copy-paste detection (and its permutation null's)."""

    time_window: int = Field(
        default=3600, ge=0, description="Seconds between two posts of the text (inclusive)."
    )
    min_chars: int = Field(
        default=10, ge=0, description="Characters a normalised text needs to count."
    )
    strip_urls: bool = Field(default=True, description="Remove URLs before comparing.")
    strip_retweet_prefix: bool = Field(
        default=True, description="Remove a leading 'RT @name:' before comparing."
    )


@dataclass(frozen=True, slots=True)
class TextPosts:
    """Posts with text as parallel columns (reposts already left out)."""

    account: list[str]
    post: list[str]
    text: list[str]
    at_ms: list[int]

    def __len__(self) -> int:
        return len(self.account)


def read_text_posts(driver: Driver, *, database: str | None = None) -> TextPosts:
    """Every post with a text and a time that is not a repost (READ)."""
    records = QueryRunner(driver, database=database).run("detect/text_posts")
    cols = TextPosts([], [], [], [])
    for r in records:
        posts: list[str] = r["posts"]
        cols.account.extend([r["account"]] * len(posts))
        cols.post.extend(posts)
        cols.text.extend(r["texts"])
        cols.at_ms.extend(r["at_ms"])
    return cols


def text_events(posts: TextPosts, params: CopyPasteParams) -> Events:
    """One event per post whose normalised text is long enough, grouped by that text."""
    events = Events()
    for account, post, text, at in zip(
        posts.account, posts.post, posts.text, posts.at_ms, strict=True
    ):
        norm = normalise(
            text, strip_urls=params.strip_urls, strip_retweet_prefix=params.strip_retweet_prefix
        )
        if len(norm) >= params.min_chars:
            events.add(account, post, norm, at)
    return events


def compute_copypaste(posts: TextPosts, params: CopyPasteParams) -> TextResult:
    """The copy-paste edges of `posts` (pure; see the module docstring)."""
    return window_result(
        text_events(posts, params),
        params,
        posts=len(posts),
        permutations=params.null_permutations,
        seed=params.seed,
    )


def detect_copypaste(
    driver: Driver, params: CopyPasteParams | None = None, *, database: str | None = None
) -> TextResult:
    """Read the posts from Neo4j and compute the copy-paste edges."""
    p = params or CopyPasteParams()
    posts = read_text_posts(driver, database=database)
    result = compute_copypaste(posts, p)
    logger.info(
        "copypaste: %d posts, %d compared, %d edges (null %.2f s)",
        result.posts,
        result.compared,
        len(result.edges),
        result.seconds_null,
    )
    return result


def _evidence(row: Mapping[str, Any]) -> str:
    return (
        f"{row['a']} and {row['b']} posted {int(row['weight'])} identical texts within the "
        f"time window ({int(row['pairs'])} pairs of posts, on average "
        f"{float(row['avg_delta'] or 0):.0f} s apart{significance_text(row)})"
    )


SIGNAL: Signal[CopyPasteParams, TextResult] = co_action_signal(
    KIND,
    WORDS,
    (RelType.COPY_PASTE_WITH, RelType.SAME_TEXT_AS),
    CopyPasteParams,
    detect_copypaste,
    stem="copy_paste",
    evidence=_evidence,
    scale=1.5,
)
