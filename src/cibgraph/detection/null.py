"""How unlikely an edge is by chance: a permutation null that moves each account's times at random.

The null keeps what each account did and over which period, and breaks only *when* it did it
relative to the others: every event of an account gets a new time drawn uniformly (in whole
milliseconds) from that account's own active span, [its first event, its last event]. The
signal's edges are recomputed on `permutations` such shuffles (seeded, so a run is
reproducible), and each observed edge of weight w gets

- `p_value` = (1 + shuffles in which the same pair reached a weight >= w) / (1 + permutations),
  the usual add-one permutation p-value (never 0: with 20 shuffles the smallest is 1/21);
- `z` = (w - mean) / sd of the pair's weight over the shuffles (absent when sd is 0: the pair's
  weight never varied).

An account with a single event has a span of one instant and keeps its time, so two accounts
that posted once, at the same moment, stay paired in every shuffle (p = 1): the null is
conservative there, never the reverse.

A network's significance per signal (`network_significance`) counts its edges of that signal
with p <= `alpha`: under the null each is significant with probability at most `alpha`, so k of
n edges give the binomial tail P(Binomial(n, alpha) >= k). Edges of one network share accounts
and are not independent; the tail is a yardstick for the explanation, not an exact test.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import Field
from pydantic.dataclasses import dataclass as params_model

from cibgraph.detection.signal import PARAMS_CONFIG

Pair = tuple[str, str]
#: Weights of account pairs, given the events' times (one list entry per event).
Weigh = Callable[[list[int]], Mapping[Pair, float]]
ALPHA = 0.05


@params_model(config=PARAMS_CONFIG)
class NullParams:
    """The null's two knobs, for a signal's parameter model to inherit."""

    null_permutations: int = Field(
        default=50,
        ge=0,
        le=1000,
        description="Shuffles of the permutation null giving each edge a p-value (0: none).",
    )
    seed: int = Field(default=0, ge=0, description="Seed of the permutation null's shuffles.")


@dataclass(frozen=True, slots=True)
class EdgeNull:
    """One edge's standing against the null."""

    p_value: float
    z: float | None
    null_mean: float


def active_spans(accounts: Sequence[str], at_ms: Sequence[int]) -> dict[str, tuple[int, int]]:
    """Each account's first and last event time."""
    spans: dict[str, tuple[int, int]] = {}
    for a, t in zip(accounts, at_ms, strict=True):
        lo_hi = spans.get(a)
        spans[a] = (t, t) if lo_hi is None else (min(lo_hi[0], t), max(lo_hi[1], t))
    return spans


def shuffled_times(
    accounts: Sequence[str], spans: Mapping[str, tuple[int, int]], rng: random.Random
) -> list[int]:
    """A new time for every event, uniform within its account's active span."""
    out = []
    for a in accounts:
        lo, hi = spans[a]
        out.append(lo if lo == hi else lo + math.floor(rng.random() * (hi - lo + 1)))
    return out


def permutation_null(
    observed: Mapping[Pair, float],
    accounts: Sequence[str],
    at_ms: Sequence[int],
    weigh: Weigh,
    *,
    permutations: int,
    seed: int = 0,
) -> dict[Pair, EdgeNull]:
    """Every observed edge's p-value and z-score over `permutations` shuffles (see above)."""
    if permutations < 1:
        raise ValueError("permutations must be at least 1")
    spans = active_spans(accounts, at_ms)
    rng = random.Random(seed)
    reached = dict.fromkeys(observed, 0)
    total = dict.fromkeys(observed, 0.0)
    squares = dict.fromkeys(observed, 0.0)
    for _ in range(permutations):
        weights = weigh(shuffled_times(accounts, spans, rng))
        for pair, w_obs in observed.items():
            w = weights.get(pair, 0.0)
            if w >= w_obs:
                reached[pair] += 1
            total[pair] += w
            squares[pair] += w * w
    out = {}
    for pair, w_obs in observed.items():
        mean = total[pair] / permutations
        var = max(squares[pair] / permutations - mean * mean, 0.0)
        sd = math.sqrt(var)
        z = (w_obs - mean) / sd if sd > 1e-12 else None
        out[pair] = EdgeNull((1 + reached[pair]) / (1 + permutations), z, mean)
    return out


def binomial_tail(n: int, k: int, p: float) -> float:
    """P(Binomial(n, p) >= k)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    lp, lq = math.log(p), math.log1p(-p)

    def term(i: int) -> float:  # in logs: comb(n, i) overflows a float for large n
        log_comb = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
        return math.exp(log_comb + i * lp + (n - i) * lq)

    return min(1.0, sum(term(i) for i in range(k, n + 1)))


@dataclass(frozen=True, slots=True)
class Significance:
    """A network's edges of one signal against the null."""

    edges: int  # edges with a p-value
    significant: int  # of them, with p <= alpha
    alpha: float
    tail: float  # P(Binomial(edges, alpha) >= significant)
    min_p: float

    def text(self) -> str:
        return (
            f"{self.significant:,} of {self.edges:,} edges at p <= {self.alpha:g} by the "
            f"permutation null (chance of as many: {self.tail:.2g}; smallest p {self.min_p:.2g})"
        )


def network_significance(p_values: Sequence[float], alpha: float = ALPHA) -> Significance | None:
    """The significance of a network's edges of one signal (None when none has a p-value)."""
    if not p_values:
        return None
    k = sum(p <= alpha for p in p_values)
    n = len(p_values)
    return Significance(n, k, alpha, binomial_tail(n, k, alpha), min(p_values))
