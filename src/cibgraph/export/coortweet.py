"""The coordination edges of a selection as CooRTweet's edge list (`from,to,weight,...` CSV).

CooRTweet 2.1's `generate_coordinated_network` gives one row per pair of accounts with these
columns; `tests/detection/test_coordination.py` matches cibgraph's COORDINATED_WITH edges to
CooRTweet's own output on the Russian data column by column. Accounts are named by their
native platform id (the part of the key after `<platform>:`, hashed in a redacted export), as
CooRTweet's `account_id` is. Other relationships are not part of this format.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from cibgraph.export.model import Subgraph

COLUMNS = (
    "from", "to", "weight", "avg_time_delta", "n_content_id", "n_content_id_y",
    "edge_symmetry_score", "weight_threshold",
)  # fmt: skip


def _account_id(export_id: str) -> str:
    # `Account:<platform>:<native id>`; the native id may itself hold colons.
    return export_id.split(":", 2)[-1]


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def write_coortweet(subgraph: Subgraph, out: IO[str]) -> tuple[int, int]:
    """Write the edge list; returns (accounts named, edges written)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    accounts: set[str] = set()
    m = 0
    for edge in subgraph.edges():
        if edge.type != "COORDINATED_WITH":
            continue
        p = edge.props
        a, b = _account_id(edge.start), _account_id(edge.end)
        writer.writerow([a, b, *(_cell(p.get(c)) for c in COLUMNS[2:])])
        accounts.update((a, b))
        m += 1
    return len(accounts), m
