"""The permutation null: shuffles within each account's span, p-values, z-scores, the tail."""

from __future__ import annotations

import random

from cibgraph.detection.coordination import (
    CoordinationParams,
    ShareColumns,
    compute_coordination,
    coordination_null,
)
from cibgraph.detection.null import (
    active_spans,
    binomial_tail,
    network_significance,
    permutation_null,
    shuffled_times,
)
from cibgraph.export.model import edge_evidence


def test_shuffles_stay_in_each_accounts_span() -> None:
    accounts = ["a", "a", "a", "b", "c", "c"]
    at = [100, 500, 300, 42, 7, 9]
    spans = active_spans(accounts, at)
    assert spans == {"a": (100, 500), "b": (42, 42), "c": (7, 9)}
    rng = random.Random(1)
    for _ in range(200):
        new = shuffled_times(accounts, spans, rng)
        assert all(spans[a][0] <= t <= spans[a][1] for a, t in zip(accounts, new, strict=True))
        assert new[3] == 42  # a single event keeps its time


def test_p_values_and_z_scores() -> None:
    # a weigh function whose pair weight is the number of events of `a` before 250
    def weigh(at_ms: list[int]) -> dict[tuple[str, str], float]:
        return {("a", "b"): float(sum(t < 250 for t in at_ms[:3]))}

    nulls = permutation_null(
        {("a", "b"): 3.0}, ["a", "a", "a", "b"], [100, 200, 500, 0], weigh, permutations=9
    )
    null = nulls[("a", "b")]
    # the last event is the span's end (500) in the data; a shuffle moves all three in [100, 500]
    assert 0.1 <= null.p_value <= 1.0
    assert null.p_value * 10 == round(null.p_value * 10)  # (1 + k) / 10
    assert null.z is None or null.z > 0


def test_binomial_tail_and_network_significance() -> None:
    assert binomial_tail(3, 0, 0.05) == 1.0
    assert binomial_tail(3, 4, 0.05) == 0.0
    assert abs(binomial_tail(3, 2, 0.05) - (3 * 0.05**2 * 0.95 + 0.05**3)) < 1e-15
    assert binomial_tail(2_000, 1_000, 0.05) < 1e-300 or binomial_tail(2_000, 1_000, 0.05) == 0
    sig = network_significance([0.01, 0.2, 0.04, 1.0])
    assert sig is not None
    assert (sig.edges, sig.significant, sig.min_p) == (4, 2, 0.01)
    assert sig.text() == (
        "2 of 4 edges at p <= 0.05 by the permutation null (chance of as many: 0.014; "
        "smallest p 0.01)"
    )
    assert network_significance([]) is None


def test_coordination_null_tells_lockstep_from_chance() -> None:
    cols = ShareColumns([], [], [], [], [])

    def share(account: str, obj: str, content: str, at_s: int) -> None:
        cols.account.append(account)
        cols.object_key.append(f"Url:{obj}")
        cols.object_id.append(f"Url:{obj}")
        cols.content_id.append(content)
        cols.at_ms.append(at_s * 1000)

    day = 86_400
    for k in range(8):  # x and y share eight URLs seconds apart, over eight days
        share("x", f"u{k}", f"x{k}", k * day)
        share("y", f"u{k}", f"y{k}", k * day + 5)
    for k in range(2):  # p and q share two URLs, all four shares in one instant
        share("p", f"viral{k}", f"p{k}", 3 * day)
        share("q", f"viral{k}", f"q{k}", 3 * day)
    params = CoordinationParams(time_window=60, min_participation=2, null_permutations=49)
    result = compute_coordination(cols, params)
    assert [(e.account, e.other, e.weight) for e in result.edges] == [("p", "q", 2), ("x", "y", 8)]
    nulls = coordination_null(cols, result)
    assert nulls[("x", "y")].p_value == 1 / 50
    assert nulls[("x", "y")].z is None or nulls[("x", "y")].z > 5
    # spans of one instant: the null cannot move them, and says so (p = 1, never the reverse)
    assert (nulls[("p", "q")].p_value, nulls[("p", "q")].z) == (1.0, None)


def test_exports_state_an_edges_p_value() -> None:
    assert edge_evidence("COPY_PASTE_WITH", {"weight": 2, "p_value": 0.0196, "run": "r1"}) == (
        "copy paste with: weight 2, p 0.02 by the permutation null (run r1)"
    )
    assert edge_evidence("CO_REPLY_WITH", {"weight": 3, "run": "r2"}) == (
        "co reply with: weight 3 (run r2)"
    )
