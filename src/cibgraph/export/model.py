"""The common model every export format writes: nodes, edges with their evidence, and provenance.

A `Subgraph` is a selection (element ids) plus the means to stream its nodes and edges from
Neo4j, so that the streaming formats (CSV, JSON, GraphML, GEXF, Cypher, STIX) hold one record at
a time however large the export is. Values are made plain for writers: neo4j temporal values
become ISO 8601 strings (their Cypher type is kept for the Cypher script in `ExportNode.raw`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import neo4j.time

from cibgraph.detection.registry import signal_for_type

PROGRESS_EVERY = 1_000  # records between two progress calls
# The properties of an account that identify it, and that a redacted export hashes.
REDACTED_PROPS = ("platform_id", "handle", "name")
# Properties a redacted account loses (they spell its handle out).
DROPPED_PROPS = ("profile_url",)
# What an export tells of a loaded file: never its path on the loading machine. A redacted
# export drops the file's name too (it can name the case or the person who filed it).
SOURCE_PROPS = (
    "key", "name", "sha256", "loader", "loaded_at", "rows_read", "rows_loaded", "rows_rejected",
    "duplicates",
)  # fmt: skip
REDACTED_SOURCE_PROPS = tuple(p for p in SOURCE_PROPS if p != "name")


def source_record(props: Mapping[str, Any], *, redacted: bool = False) -> dict[str, Any]:
    """A Source's properties fit for an export: file name (unless redacted) and sha256, no path."""
    keep = REDACTED_SOURCE_PROPS if redacted else SOURCE_PROPS
    return {k: props[k] for k in keep if k in props}


def plain(value: Any) -> Any:
    """A JSON-friendly value: temporal values as ISO 8601 text, lists element-wise."""
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native().isoformat()
    if isinstance(value, neo4j.time.Date | neo4j.time.Time):
        return value.iso_format()
    if isinstance(value, neo4j.time.Duration):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class ExportNode:
    """One node: its export id (`<Label>:<key>`), label, key and plain properties."""

    id: str
    label: str
    key: str
    props: dict[str, Any]
    raw: dict[str, Any]  # the properties as Neo4j returned them (temporal types kept)


@dataclass(frozen=True, slots=True)
class ExportEdge:
    """One relationship between two exported nodes, with the evidence for it in words."""

    start: str  # export id of the start node
    end: str
    type: str
    props: dict[str, Any]
    raw: dict[str, Any]
    evidence: str


def node_id(label: str, key: str) -> str:
    return f"{label}:{key}"


def _num(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def edge_evidence(rel_type: str, props: Mapping[str, Any]) -> str:
    """Why this link exists, in one line: the detection's own evidence, or the loaded facts."""
    run = f" (run {props['run']})" if props.get("run") else ""
    ev = props.get("evidence")
    if isinstance(ev, list | tuple) and ev:
        return "; ".join(str(e) for e in ev) + run
    if isinstance(ev, str) and ev:
        return ev + run
    if rel_type == "COORDINATED_WITH":
        parts = [f"coordinated sharing: {_num(props.get('weight'))} co-shared post pairs"]
        if props.get("avg_time_delta") is not None:
            parts.append(f"average {_num(props['avg_time_delta'])} s apart")
        return ", ".join(parts) + run
    if signal_for_type(rel_type) is not None:  # any other detection's edge
        words = rel_type.lower().replace("_", " ")
        p = props.get("p_value")
        null = "" if p is None else f", p {float(p):.2g} by the permutation null"
        return f"{words}: weight {_num(props.get('weight'))}{null}" + run
    if rel_type == "USED_IP":
        return (
            f"logged in {props.get('count', '?')} times from {plain(props.get('first_seen'))} "
            f"to {plain(props.get('last_seen'))}, access {props.get('access', 'unknown')}"
        )
    if rel_type == "SHARED":
        return f"shared at {plain(props.get('at'))}"
    if rel_type == "ATTRIBUTED_TO" and props.get("note"):
        return f"attributed: {props['note']}"
    if props.get("sources"):
        return "loaded from " + ", ".join(str(s) for s in props["sources"])
    return ""


def salted_hash(salt: str, value: str) -> str:
    """The base64 (URL-safe, unpadded) HMAC-SHA256 of a value under the user's salt."""
    digest = hmac.new(salt.encode(), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted profile: accounts under `min_followers` get salted hashes for ids and names."""

    salt: str
    min_followers: int = 5_000

    def __post_init__(self) -> None:
        if len(self.salt) < 8:
            raise ValueError("the redaction salt must have at least 8 characters")
        if self.min_followers < 0:
            raise ValueError("min_followers must not be negative")


@dataclass(slots=True)
class Redactor:
    """Rewrites the small accounts of one export, and any text that names them."""

    salt: str
    keys: dict[str, str] = field(default_factory=dict)  # original key -> redacted key
    terms: dict[str, str] = field(default_factory=dict)  # identifying text -> its hash
    _pattern: re.Pattern[str] | None = None

    def add(self, row: Mapping[str, Any]) -> None:
        key = str(row["key"])
        platform = row.get("platform") or key.partition(":")[0]
        native = str(row.get("platform_id") or key.partition(":")[2] or key)
        hashed = salted_hash(self.salt, native)
        self.keys[key] = f"{platform}:{hashed}"
        self.terms[key] = self.keys[key]
        for prop in REDACTED_PROPS:
            text = row.get(prop)
            if isinstance(text, str) and len(text) >= 3:
                self.terms.setdefault(text, salted_hash(self.salt, text))

    def compile(self) -> None:
        if self.terms:
            ordered = sorted(self.terms, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(t) for t in ordered))

    def text(self, value: Any) -> Any:
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self._pattern.sub(lambda m: self.terms[m.group(0)], value)
        if isinstance(value, list):
            return [self.text(v) for v in value]
        return value

    def is_redacted(self, key: str) -> bool:
        return key in self.keys

    def key(self, key: str) -> str:
        return self.keys.get(key, key)

    def account(self, key: str, props: dict[str, Any]) -> dict[str, Any]:
        out = {k: self.text(v) for k, v in props.items() if k not in DROPPED_PROPS}
        out["key"] = self.keys[key]
        for prop in REDACTED_PROPS:
            if isinstance(props.get(prop), str):
                out[prop] = salted_hash(self.salt, props[prop])
        if "platform_id" not in props:
            out["platform_id"] = self.keys[key].partition(":")[2]
        out["hashed"] = True
        return out


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an export comes from: what was selected, the sources and runs behind it, and when."""

    selection: str  # 'network', 'case' or 'neighbourhood'
    target: str  # the Network / Case / seed key
    exported_at: datetime
    sources: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    parameters: dict[str, Any]  # the export's own: depth, limit, redaction, tlp, ...
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "selection": self.selection,
            "target": self.target,
            "exported_at": self.exported_at.isoformat(),
            "truncated": self.truncated,
            "parameters": self.parameters,
            "sources": [{k: plain(v) for k, v in sorted(s.items())} for s in self.sources],
            "detection_runs": [{k: plain(v) for k, v in sorted(r.items())} for r in self.runs],
        }


@dataclass(slots=True)
class Subgraph:
    """A selected subgraph whose nodes and edges are streamed on demand (each call reads again)."""

    provenance: Provenance
    ids: Sequence[str]
    node_rows: Callable[[], Iterator[Mapping[str, Any]]]
    edge_rows: Callable[[], Iterator[Mapping[str, Any]]]
    redactor: Redactor | None = None
    # Told ("nodes" or "edges", how many read so far) every PROGRESS_EVERY records and at the end.
    progress: Callable[[str, int], None] | None = None

    @property
    def size(self) -> int:
        return len(self.ids)

    def nodes(self) -> Iterator[ExportNode]:
        red = self.redactor
        n = 0
        for n, row in enumerate(self.node_rows(), start=1):
            if self.progress is not None and n % PROGRESS_EVERY == 0:
                self.progress("nodes", n)
            label = str(row["labels"][0])
            key = str(row["key"])
            raw = dict(row["props"])
            if label == "Source":
                raw = source_record(raw, redacted=red is not None)
            if red is not None:
                if label == "Account" and red.is_redacted(key):
                    raw = red.account(key, raw)
                    key = raw["key"]
                else:
                    raw = {k: red.text(v) for k, v in raw.items()}
            yield ExportNode(
                id=node_id(label, key),
                label=label,
                key=key,
                props={k: plain(v) for k, v in raw.items()},
                raw=raw,
            )
        if self.progress is not None:
            self.progress("nodes", n)

    def edges(self) -> Iterator[ExportEdge]:
        red = self.redactor
        m = 0
        for m, row in enumerate(self.edge_rows(), start=1):
            if self.progress is not None and m % PROGRESS_EVERY == 0:
                self.progress("edges", m)
            start, end = str(row["start"]), str(row["end"])
            raw = dict(row["props"])
            if red is not None:
                start, end = red.key(start), red.key(end)
                raw = {k: red.text(v) for k, v in raw.items()}
            rel_type = str(row["type"])
            yield ExportEdge(
                start=node_id(str(row["start_labels"][0]), start),
                end=node_id(str(row["end_labels"][0]), end),
                type=rel_type,
                props={k: plain(v) for k, v in raw.items()},
                raw=raw,
                evidence=edge_evidence(rel_type, raw),
            )
        if self.progress is not None:
            self.progress("edges", m)


T = TypeVar("T")


class Spool(Generic[T]):
    """Records streamed once, kept on disk (pickled) to be read again: a writer that needs two
    passes (attribute types first, then the elements) reads Neo4j once and memory stays flat."""

    def __init__(self) -> None:
        # closed by __exit__: the spool itself is the context manager
        self._fh = tempfile.TemporaryFile(prefix="cibgraph-spool-")  # noqa: SIM115

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self._fh.close()

    def record(self, items: Iterable[T]) -> Iterator[T]:
        """Pass `items` through, keeping each."""
        for item in items:
            pickle.dump(item, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
            yield item
        self._fh.flush()

    def replay(self) -> Iterator[T]:
        """The kept items again, in the same order."""
        self._fh.seek(0)
        while True:
            try:
                # Each item is its own pickle, written by this process a moment ago.
                yield pickle.load(self._fh)
            except EOFError:
                return
