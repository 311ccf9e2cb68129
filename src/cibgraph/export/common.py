"""Helpers the format writers share: flat attribute values, their types, and edge statistics."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# GraphML and GEXF type names, keyed by our inferred kinds.
KINDS = ("boolean", "long", "double", "string")
# Characters XML 1.0 cannot hold at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def flat(value: Any) -> Any:
    """A scalar for formats without lists: lists and maps become JSON text."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def merge_kinds(kinds: dict[str, str], props: Mapping[str, Any]) -> None:
    """Widen each attribute's kind by one more value (long + double is double, else string)."""
    for name, value in props.items():
        if value is None:
            continue
        new = kind_of(flat(value))
        old = kinds.get(name)
        if old is None or old == new:
            kinds[name] = new
        elif {old, new} == {"long", "double"}:
            kinds[name] = "double"
        else:
            kinds[name] = "string"


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def text_of(value: Any, kind: str) -> str:
    v = flat(value)
    if kind == "boolean":
        return "true" if v else "false"
    if kind == "double" and isinstance(v, int | float):
        return repr(float(v))
    return xml_text(str(v))


def attribute_kinds(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for props in items:
        merge_kinds(kinds, props)
    return dict(sorted(kinds.items()))


# --- what the graph formats derive from the edges: degree, time spans, networks ---------------

#: Colours (RGB) by node label, for GEXF's viz and the report; anything else is grey.
LABEL_COLOURS: dict[str, tuple[int, int, int]] = {
    "Account": (31, 119, 180),
    "Page": (255, 127, 14),
    "Group": (44, 160, 44),
    "IP": (214, 39, 40),
    "Subnet": (227, 119, 194),
    "Url": (148, 103, 189),
    "Domain": (140, 86, 75),
    "Hashtag": (188, 189, 34),
    "Campaign": (23, 190, 207),
    "Network": (0, 0, 0),
}
#: Colours by network, in the order networks are met; members of none are grey.
NETWORK_COLOURS: tuple[tuple[int, int, int], ...] = (
    (228, 26, 28), (55, 126, 184), (77, 175, 74), (152, 78, 163), (255, 127, 0),
    (166, 86, 40), (247, 129, 191), (0, 139, 139),
)  # fmt: skip
GREY = (160, 160, 160)
# Edge properties that say when a link was seen: (start, end) pairs, the first one present wins.
_TIME_PAIRS = (("first_seen", "last_seen"), ("at", "at"), ("joined_at", "joined_at"))


def when(value: Any) -> datetime | None:
    """An ISO 8601 text as an aware datetime (naive ones taken as UTC), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def edge_span(props: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """When a link was first and last seen, from its own properties."""
    for first, last in _TIME_PAIRS:
        a, b = when(props.get(first)), when(props.get(last))
        if a is not None:
            return a, b if b is not None and b >= a else a
    return None


def edge_weight(rel_type: str, props: Mapping[str, Any]) -> float:
    """A positive weight for layouts: the detection's weight or score, a login count, else 1."""
    for name in ("weight", "score", "count"):
        value = props.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return 1.0


@dataclass(slots=True)
class EdgeStats:
    """Per node: degree, first and last time seen, and the network it belongs to most."""

    degree: Counter[str] = field(default_factory=Counter)
    first: dict[str, datetime] = field(default_factory=dict)
    last: dict[str, datetime] = field(default_factory=dict)
    network: dict[str, tuple[float, str]] = field(default_factory=dict)  # id -> (score, network)

    def add(self, start: str, end: str, rel_type: str, props: Mapping[str, Any]) -> None:
        self.degree[start] += 1
        self.degree[end] += 1
        span = edge_span(props)
        if span is not None:
            for node in (start, end):
                self.seen(node, *span)
        if rel_type == "IN_NETWORK":
            score = props.get("score")
            value = float(score) if isinstance(score, int | float) else 0.0
            if value >= self.network.get(start, (-1.0, ""))[0]:
                self.network[start] = (value, end)

    def seen(self, node: str, first: datetime, last: datetime) -> None:
        if node not in self.first or first < self.first[node]:
            self.first[node] = first
        if node not in self.last or last > self.last[node]:
            self.last[node] = last

    def span(self, node: str, created: Any = None) -> tuple[datetime, datetime] | None:
        """From the node's creation (when known) to the last time one of its links was seen."""
        born = when(created)
        first, last = self.first.get(node), self.last.get(node)
        if born is not None and (first is None or born < first):
            first = born
        if first is None:
            return None
        return first, last if last is not None and last >= first else first
