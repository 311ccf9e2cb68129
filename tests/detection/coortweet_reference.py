"""CooRTweet 2.1's detect_groups and generate_coordinated_network, step by step as its R code
reads, on plain rows: the independent reference the per-type tests compare cibgraph with.

Written from CooRTweet's R sources (`detect_groups.R`, `calc_group_combinations.R`,
`generate_coordinated_network.R`) and its multi-object example (`reproduce_examples.Rmd`):
each object column is prepared on its own (`prep_data`, `unique` on the four columns, rows
without an object dropped, object ids prefixed by their type), `detect_groups` runs per type,
the groups are bound together (`rbindlist`) and one network is generated from them.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

# the object columns of the multi-object format, and the prefix the example gives each
COLUMNS = {"url_id": "url_", "hashtag_id": "hashtag_", "domain_id": "domain_", "phash_id": "hash_"}


class Share(NamedTuple):
    object_id: str
    account_id: str
    content_id: str
    timestamp_share: int


class Group(NamedTuple):
    """One row of detect_groups' result: the older share first."""

    object_id: str
    account_id: str
    account_id_y: str
    content_id: str
    content_id_y: str
    time_delta: int


class Edge(NamedTuple):
    account: str
    other: str
    weight: int
    avg_time_delta: float
    n_content_id: int
    n_content_id_y: int
    edge_symmetry_score: float
    weight_threshold: int


def prep(path: Path, column: str) -> list[Share]:
    """prep_data on one object column, then unique(), then the rows with an object."""
    seen: dict[Share, None] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            value = r[column].strip()
            if not value or value == "NA":
                continue
            share = Share(
                COLUMNS[column] + value, r["account_id"], r["post_id"], int(r["timestamp"])
            )
            seen.setdefault(share, None)
    return list(seen)


def detect_groups(x: Sequence[Share], *, time_window: int, min_participation: int) -> list[Group]:
    per_account = Counter(s.account_id for s in x)
    x = [s for s in x if per_account[s.account_id] >= min_participation]
    by_object: dict[str, list[Share]] = {}
    for s in x:
        by_object.setdefault(s.object_id, []).append(s)
    result: list[tuple[str, str, str, str, str, int]] = []
    for object_id, group in by_object.items():
        for j, later in enumerate(group):  # each pair of rows once, the earlier row first
            for earlier in group[:j]:
                delta = earlier.timestamp_share - later.timestamp_share
                if abs(delta) <= time_window:
                    result.append(
                        (
                            object_id,
                            earlier.account_id,
                            later.account_id,
                            earlier.content_id,
                            later.content_id,
                            delta,
                        )
                    )
    # remove loops
    result = [g for g in result if g[0] != g[3] and g[0] != g[4] and g[3] != g[4] and g[1] != g[2]]
    # filter_min_participation
    in_pairs = {g[3] for g in result} | {g[4] for g in result}
    counts = Counter(s.account_id for s in x if s.content_id in in_pairs)
    kept = {
        s.content_id
        for s in x
        if s.content_id in in_pairs and counts[s.account_id] >= min_participation
    }
    result = [g for g in result if g[3] in kept or g[4] in kept]
    # the older share first
    out = []
    for obj, a, ay, c, cy, delta in result:
        if delta > 0:
            a, ay, c, cy = ay, a, cy, c
        out.append(Group(obj, a, ay, c, cy, abs(delta)))
    return out


def quantile_type7(values: Sequence[int], p: float) -> float:
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])


def generate_coordinated_network(x: Iterable[Group], *, edge_weight: float = 0.5) -> list[Edge]:
    pairs: dict[tuple[str, str], list[Group]] = {}
    for g in x:
        key = (min(g.account_id, g.account_id_y), max(g.account_id, g.account_id_y))
        pairs.setdefault(key, []).append(g)
    if not pairs:
        return []
    q = quantile_type7([len(v) for v in pairs.values()], edge_weight)
    edges = []
    for (a, b), groups in sorted(pairs.items()):
        n1 = len({g.content_id for g in groups})
        n2 = len({g.content_id_y for g in groups})
        edges.append(
            Edge(
                a,
                b,
                len(groups),
                sum(g.time_delta for g in groups) / len(groups),
                n1,
                n2,
                min(n1, n2) / max(n1, n2),
                int(len(groups) > q),
            )
        )
    return edges
