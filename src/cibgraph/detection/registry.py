"""The signal registry: every detection signal, defined once, in the order it is reported.

Each signal is one `Signal` (cibgraph.detection.signal) built in its own module: kind, label,
relationship types, parameter model with its defaults, detect and write functions, fusion reader
and strength, evidence text. Everything else derives from this registry: fusion and its
explanations, the pipeline (cibgraph.detection.pipeline), traversals.DETECTION_TYPES and the
`$types` of the queries that read every detection's edges (traverse/expand_network,
api/network_evidence), the export's evidence lines, the GraphQL DetectionKind enum and
DetectionParams input, the CLI's `detect` commands and their defaults, the quality evaluation.
tests/detection/test_registry.py checks the rest against it: a query naming detection types
literally names one signal's, and docs/model.md's signal table is `signal_table()`.

To add a signal:

1. write `cibgraph/detection/<kind>.py`: a pydantic parameter model (a `params_model` with
   `PARAMS_CONFIG`, each field a `Field(default, bounds, description=...)`), the detection, and
   `SIGNAL = Signal(...)`; its write must record a DetectionRun of the signal's kind
   (cibgraph.detection.runs) and put the run key on every edge;
2. add its relationship type to `RelType` (cibgraph.neo4j.schema), its queries under
   `cypher/detect/` (the writes and the fusion reader returning `a`, `b` and the properties its
   strength and evidence read);
3. register it: add `<kind>.SIGNAL` to `SIGNALS` below;
4. regenerate the table in docs/model.md from `signal_table()` (the test says when it differs).
"""

from __future__ import annotations

from typing import Any

from cibgraph.detection import (
    cohorts,
    control,
    coordination,
    copypaste,
    coreply,
    hours,
    infrastructure,
    neardup,
    repurposed,
)
from cibgraph.detection.signal import Signal
from cibgraph.neo4j.schema import RelType

#: Every signal, in the order reports and explanations list them.
SIGNALS: tuple[Signal[Any, Any], ...] = (
    coordination.SIGNAL,
    infrastructure.SIGNAL,
    control.SIGNAL,
    cohorts.SIGNAL,
    copypaste.SIGNAL,
    neardup.SIGNAL,
    coreply.CO_REPLY,
    coreply.CO_MENTION,
    hours.SIGNAL,
    repurposed.SIGNAL,
)

_BY_KIND: dict[str, Signal[Any, Any]] = {s.kind: s for s in SIGNALS}
if len(_BY_KIND) != len(SIGNALS):
    raise RuntimeError("two signals share a kind")


def kinds() -> tuple[str, ...]:
    """The signals' kinds, in registry order."""
    return tuple(_BY_KIND)


def get_signal(kind: str) -> Signal[Any, Any]:
    """The signal of this kind, or ValueError naming the known ones."""
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown signal {kind!r}; known: {', '.join(_BY_KIND)}") from None


def detection_types() -> tuple[RelType, ...]:
    """Every relationship type a detection writes, in registry order (the traversal queries'
    and the evidence query's `$types`)."""
    return tuple(t for s in SIGNALS for t in s.rel_types)


def signal_for_type(rel_type: RelType | str) -> Signal[Any, Any] | None:
    """The signal that writes this relationship type, if any."""
    for s in SIGNALS:
        if rel_type in s.rel_types:
            return s
    return None


def _default(value: Any) -> str:
    if isinstance(value, str):
        return value or "none"
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


def signal_table() -> str:
    """The signal table of docs/model.md, as Markdown."""
    lines = [
        "| signal | relationship types | what it finds | strength in fusion | parameters "
        "(default) |",
        "|---|---|---|---|---|",
    ]
    for s in SIGNALS:
        types = ", ".join(f"`{t.value}`" for t in s.rel_types)
        params = ", ".join(f"`{p.name}` ({_default(p.default)})" for p in s.param_specs)
        lines.append(
            f"| `{s.kind}` | {types} | {s.summary} | {s.fusion.strength_text} | {params} |"
        )
    return "\n".join(lines)
