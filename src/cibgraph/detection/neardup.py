"""Near-duplicate text: accounts posting near-copies of one text within a time window, in any
script.

Texts are normalised as copy-paste normalises them (cibgraph.detection.copypaste), then cut into
overlapping character shingles of `shingle` characters (spaces kept, so words still count in
space-separated languages, and Chinese, Japanese or Thai need no word segmentation). Two texts
are near-duplicates when the Jaccard similarity of their shingle sets is at least `threshold`.

Candidates come from MinHash LSH (`datasketch`: `num_perm` permutations, bands chosen by
datasketch for the threshold, favouring recall: `LSH_WEIGHTS`) over the distinct normalised
texts, and every candidate is checked against its exact Jaccard similarity, so no pair below
the threshold is ever reported; a pair LSH misses is lost (recall is measured against exact
all-pairs similarity in tests and in bench/text_bench.py). Texts shorter than `min_chars`
characters, or with fewer than two shingles, are left out. Identical texts belong to
copy-paste: unless `include_exact`, only pairs of two different normalised texts count, so
fusion does not count one copy twice.

Two posts by two different accounts, with near-duplicate texts, at most `time_window` seconds
apart (inclusive), are a pair. NEAR_DUPLICATE_WITH edges carry cibgraph.detection.cooccur's
counts (`weight`: distinct pairs of texts) and `max_similarity`; the pairs themselves are written
as (earlier:Post)-[:NEAR_DUPLICATE_OF {run, delta, similarity}]->(later:Post), at most 20 per
edge, most similar first: the evidence listing.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from datasketch import MinHash, MinHashLSH
from neo4j import Driver
from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.cooccur import (
    EVIDENCE_PAIRS,
    EdgeAggregate,
    Events,
    TextPair,
    TextResult,
    Words,
    by_group,
    co_action_signal,
    cross_pairs,
    window_pairs,
)
from cibgraph.detection.copypaste import TextPosts, normalise, read_text_posts
from cibgraph.detection.signal import PARAMS_CONFIG, Signal
from cibgraph.neo4j.schema import RelType

logger = logging.getLogger(__name__)

KIND = "neardup"
WORDS = Words(
    "near-duplicate text",
    "Accounts posting near-copies of a text (character shingles, MinHash LSH) within a time "
    "window.",
    "1 - exp(-weight / 1.5): one near-copy 0.49, two 0.74, four 0.93",
)
# datasketch picks the LSH bands minimising a weighted sum of the chances of a false candidate
# and of a missed pair: missed pairs weigh 9 times more, since every candidate is checked
# exactly anyway (measured: recall 0.61 at equal weights, 0.96 at these, 2.3x the candidates).
LSH_WEIGHTS = (0.1, 0.9)


@params_model(config=PARAMS_CONFIG)
class NearDupParams:
    """The knobs of near-duplicate detection."""

    time_window: int = Field(
        default=3600, ge=0, description="Seconds between two posts of the texts (inclusive)."
    )
    threshold: float = Field(
        default=0.6,
        gt=0.0,
        le=1.0,
        description="Smallest Jaccard similarity of two texts' shingle sets.",
    )
    shingle: int = Field(default=3, ge=1, le=10, description="Characters per shingle.")
    min_chars: int = Field(
        default=10, ge=0, description="Characters a normalised text needs to count."
    )
    num_perm: int = Field(default=128, ge=16, le=1024, description="MinHash permutations.")
    include_exact: bool = Field(
        default=False, description="Count identical texts too (copy-paste's otherwise)."
    )
    strip_urls: bool = Field(default=True, description="Remove URLs before comparing.")
    strip_retweet_prefix: bool = Field(
        default=True, description="Remove a leading 'RT @name:' before comparing."
    )


def shingles(text: str, n: int) -> frozenset[str]:
    """The text's overlapping character n-grams (the whole text when shorter than n)."""
    if len(text) <= n:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _hash(shingle: bytes) -> int:
    return zlib.crc32(shingle)


@dataclass(frozen=True, slots=True)
class Texts:
    """Distinct normalised texts, their shingle sets, and the events posting each."""

    texts: list[str]
    sets: list[frozenset[str]]
    events: Events  # group = the text's index, as a string


def distinct_texts(posts: TextPosts, params: NearDupParams) -> Texts:
    """The posts' distinct normalised texts that are long enough to compare."""
    index: dict[str, int] = {}
    texts: list[str] = []
    sets: list[frozenset[str]] = []
    events = Events()
    for account, post, text, at in zip(
        posts.account, posts.post, posts.text, posts.at_ms, strict=True
    ):
        norm = normalise(
            text, strip_urls=params.strip_urls, strip_retweet_prefix=params.strip_retweet_prefix
        )
        if len(norm) < params.min_chars:
            continue
        k = index.get(norm)
        if k is None:
            s = shingles(norm, params.shingle)
            if len(s) < 2:
                index[norm] = -1
                continue
            k = index[norm] = len(texts)
            texts.append(norm)
            sets.append(s)
        if k >= 0:
            events.add(account, post, str(k), at)
    return Texts(texts, sets, events)


def similar_texts(
    sets: list[frozenset[str]], *, threshold: float, num_perm: int
) -> dict[tuple[int, int], float]:
    """Pairs (i < j) of distinct texts whose exact Jaccard similarity is at least `threshold`,
    among the candidates MinHash LSH gives."""
    if len(sets) < 2:
        return {}
    hashes = MinHash.bulk(
        ([s.encode("utf-8") for s in sorted(x)] for x in sets), num_perm=num_perm, hashfunc=_hash
    )
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            session.insert(i, m, check_duplication=False)
    found: dict[tuple[int, int], float] = {}
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j <= i:
                continue
            sim = jaccard(sets[i], sets[j])
            if sim >= threshold:
                found[(i, j)] = sim
    return found


def exact_similar_texts(
    sets: list[frozenset[str]], *, threshold: float
) -> dict[tuple[int, int], float]:
    """Every pair (i < j) at or above `threshold`, by exact all-pairs similarity: the reference
    LSH's recall is measured against (quadratic: for samples)."""
    found = {}
    for i, j in combinations(range(len(sets)), 2):
        sim = jaccard(sets[i], sets[j])
        if sim >= threshold:
            found[(i, j)] = sim
    return found


def _pairs_of(
    texts: Texts, similar: Mapping[tuple[int, int], float], params: NearDupParams
) -> Iterator[tuple[int, int, str, float]]:
    """(event, event, text-pair key, similarity) for every pair of posts in a window."""
    ev = texts.events
    window = params.time_window * 1000
    buckets = by_group(ev.group, ev.at_ms)
    for (i, j), sim in similar.items():
        left, right = buckets.get(str(i)), buckets.get(str(j))
        if left and right:
            for x, y in cross_pairs(left, right, ev.at_ms, ev.account, window):
                yield x, y, f"{i}~{j}", sim
    if params.include_exact:
        for k, bucket in buckets.items():
            for x, y in window_pairs(bucket, ev.at_ms, ev.account, window):
                yield x, y, f"{k}~{k}", 1.0


def compute_neardup(
    posts: TextPosts,
    params: NearDupParams,
    *,
    similar: Mapping[tuple[int, int], float] | None = None,
) -> NearDupResult:
    """The near-duplicate edges of `posts` (pure; `similar` replaces LSH's text pairs, e.g. by
    `exact_similar_texts` for a recall reference)."""
    texts = distinct_texts(posts, params)
    if similar is None:
        similar = similar_texts(texts.sets, threshold=params.threshold, num_perm=params.num_perm)
    ev = texts.events
    agg = EdgeAggregate(ev)
    listed: dict[tuple[str, str], list[TextPair]] = {}
    best: dict[tuple[str, str], float] = {}
    for x, y, key, sim in _pairs_of(texts, similar, params):
        i, j = (x, y) if (ev.at_ms[x], x) <= (ev.at_ms[y], y) else (y, x)
        pair = agg.add(i, j, key)
        best[pair] = max(best.get(pair, 0.0), sim)
        listed.setdefault(pair, []).append(
            TextPair(ev.post[i], ev.post[j], (ev.at_ms[j] - ev.at_ms[i]) / 1000, sim)
        )
    evidence = {
        pair: sorted(pairs, key=lambda p: (-p.similarity, p.delta, p.earlier, p.later))[
            :EVIDENCE_PAIRS
        ]
        for pair, pairs in listed.items()
    }
    return NearDupResult(
        params=params,
        edges=agg.edges(),
        nulls={},
        evidence=evidence,
        posts=len(posts),
        compared=len(ev),
        max_similarity=best,
        text_pairs=len(similar),
    )


@dataclass(frozen=True, slots=True)
class NearDupResult(TextResult):
    """A near-duplicate result: also each edge's highest similarity and the text pairs found."""

    max_similarity: dict[tuple[str, str], float] | None = None
    text_pairs: int = 0

    def rows(self) -> list[dict[str, Any]]:
        rows = TextResult.rows(self)  # slotted dataclasses break a bare super()
        best = self.max_similarity or {}
        for row in rows:
            row["max_similarity"] = best.get((row["a"], row["b"]))
        return rows

    def report(self) -> list[tuple[str, str | int | float | bool | None]]:
        return [
            ("posts read", self.posts),
            ("posts compared", self.compared),
            ("near-duplicate text pairs", self.text_pairs),
            ("accounts", self.accounts),
            ("edges", len(self.edges)),
        ]


def _evidence(row: Mapping[str, Any]) -> str:
    return (
        f"{row['a']} and {row['b']} posted {int(row['weight'])} near-copies of each other's "
        f"texts within the time window (similarity up to {float(row['max_similarity'] or 0):.2f};"
        f" {int(row['pairs'])} pairs of posts)"
    )


def detect_neardup(
    driver: Driver, params: NearDupParams | None = None, *, database: str | None = None
) -> NearDupResult:
    """Read the posts from Neo4j and compute the near-duplicate edges."""
    p = params or NearDupParams()
    result = compute_neardup(read_text_posts(driver, database=database), p)
    logger.info("neardup: %d text pairs, %d edges", result.text_pairs, len(result.edges))
    return result


SIGNAL: Signal[NearDupParams, NearDupResult] = co_action_signal(
    KIND,
    WORDS,
    (RelType.NEAR_DUPLICATE_WITH, RelType.NEAR_DUPLICATE_OF),
    NearDupParams,
    detect_neardup,
    stem="near_duplicate",
    evidence=_evidence,
    scale=1.5,
)
