"""Co-reply and co-mention: accounts replying to the same post, or mentioning the same account,
within a time window.

Both read the share events the loaders write for interactions: a reply is a SHARED edge
`via: 'reply'` to the replied-to Post (its `content_id` the reply's own id), a mention a SHARED
edge to the mentioned Account. Co-reply is coordination-network-toolkit's co_reply: two replies
to one post by two different accounts at most `time_window` seconds apart (inclusive), reposts
left out (a reply its author also shared `via: 'retweet'`). Co-mention is the same rule over
mentioned accounts (an account mentioning itself is left out).

A target replied to or mentioned by `max_accounts` accounts or more is ignored: a celebrity
mentioned by a crowd ties nobody, and the work stays below max_accounts^2 / 2 pairs per window.
Edges (CO_REPLY_WITH, CO_MENTION_WITH) carry cibgraph.detection.cooccur's counts, `weight` being
distinct targets; `null_permutations` > 0 adds the permutation null's `p_value` and `z`. The
evidence listing is read from the share events on demand (detect/co_reply_pairs,
detect/co_mention_pairs), with the run's own window.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
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

_STRENGTH = "1 - exp(-weight / 2): one target 0.39, two 0.63, four 0.86"


@params_model(config=PARAMS_CONFIG)
class InteractionParams(NullParams):
    """The knobs of co-reply and co-mention detection (and of their permutation null, off by
    default)."""

    null_permutations: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Shuffles of the permutation null giving each edge a p-value (0: none).",
    )

    time_window: int = Field(
        default=600, ge=0, description="Seconds between the two replies or mentions (inclusive)."
    )
    max_accounts: int = Field(
        default=100, ge=2, description="Targets reached by this many accounts or more are ignored."
    )


def read_interactions(driver: Driver, query: str, *, database: str | None = None) -> Events:
    """The events of one interaction query: account, its post (content id), target, time."""
    events = Events()
    for r in QueryRunner(driver, database=database).run(query):
        for post, target, at in zip(r["posts"], r["targets"], r["at_ms"], strict=True):
            events.add(r["account"], post, target, at)
    return events


def capped(events: Events, max_accounts: int) -> Events:
    """The events whose target fewer than `max_accounts` accounts reached."""
    reach: dict[str, set[str]] = {}
    for a, g in zip(events.account, events.group, strict=True):
        reach.setdefault(g, set()).add(a)
    out = Events()
    for a, p, g, t in zip(events.account, events.post, events.group, events.at_ms, strict=True):
        if len(reach[g]) < max_accounts:
            out.add(a, p, g, t)
    return out


def compute_interactions(events: Events, params: InteractionParams) -> TextResult:
    """The co-action edges of interaction events (pure; see the module docstring)."""
    kept = capped(events, params.max_accounts)
    return window_result(
        kept,
        params,
        posts=len(events),
        permutations=params.null_permutations,
        seed=params.seed,
    )


def _signal(
    kind: str, label: str, what: str, rel_type: RelType, stem: str
) -> Signal[InteractionParams, TextResult]:
    def detect(
        driver: Driver, params: InteractionParams, *, database: str | None = None
    ) -> TextResult:
        events = read_interactions(driver, f"detect/{stem}_events", database=database)
        result = compute_interactions(events, params)
        logger.info("%s: %d events, %d edges", kind, len(events), len(result.edges))
        return result

    def evidence(row: Mapping[str, Any]) -> str:
        return (
            f"{row['a']} and {row['b']} {what} within the time window ({int(row['weight'])} "
            f"in common; {int(row['pairs'])} pairs of posts, on average "
            f"{float(row['avg_delta'] or 0):.0f} s apart{significance_text(row)})"
        )

    summary = f"Accounts that {what} within a time window."
    words = Words(label, summary, _STRENGTH)
    return co_action_signal(
        kind, words, (rel_type,), InteractionParams, detect, stem=stem, evidence=evidence, scale=2
    )


CO_REPLY = _signal(
    "coreply", "co-reply", "replied to the same posts", RelType.CO_REPLY_WITH, "co_reply"
)
CO_MENTION = _signal(
    "comention", "co-mention", "mentioned the same accounts", RelType.CO_MENTION_WITH, "co_mention"
)
