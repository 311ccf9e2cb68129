"""The query registry: named, parameterised `.cypher` files under `cypher/`, loaded by name.

Each file starts with a header of `//` comment lines::

    // name: infra/accounts_behind_ip
    // answers: which accounts used this IP address, and when?
    // params: ip: string, limit: int
    // mode: read

The name is the file's path below `cypher/` without its suffix; the header must repeat it.
Only `$parameters` carry values: the registry rejects a query whose declared params and the
`$names` it uses disagree.

Cypher cannot take a label as a parameter without losing its index, so a query may declare
label slots, e.g. `// labels: object: Post|Url|Hashtag`, and write `(o:__object__ ...)`; it runs
only after `bind(object="Url")`, which accepts a label from the slot's list and backticks it.

A write query that links its `$rows` to nodes written before declares `// counts: rows` and
ends with `RETURN count(*) AS rows`: the query runner (`cibgraph.neo4j.runner`) fails the batch
when fewer rows were written than sent. Queries are run through that runner only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from neo4j import Driver, Record

from cibgraph.neo4j.schema import NodeLabel
from cibgraph.resources import CYPHER_DIR

_HEADER = re.compile(r"^//\s*(name|answers|params|mode|labels|counts)\s*:\s*(.*?)\s*$")
_SLOT_USE = re.compile(r"__([a-z][a-z_]*?)__")
_SLOT_DECL = re.compile(r"^([a-z][a-z_]*)\s*:\s*([A-Za-z|]+)$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PARAM_DECL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z\[\]| ]+?)\s*$")
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")


class QueryMode(StrEnum):
    READ = "read"
    WRITE = "write"


class QueryFileError(ValueError):
    """A `.cypher` file whose header is missing, incomplete or inconsistent."""


@dataclass(frozen=True)
class NamedQuery:
    """One query of the library, with its header."""

    name: str
    answers: str
    params: Mapping[str, str]
    mode: QueryMode
    text: str
    path: Path
    label_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    counts_rows: bool = False  # `// counts: rows`: returns how many of $rows it wrote

    def bind(self, **labels: str) -> NamedQuery:
        """The query with each label slot filled by an allowed label (backticked)."""
        if set(labels) != set(self.label_slots):
            raise ValueError(f"query {self.name}: label slots are {sorted(self.label_slots)}")
        text = self.text
        for slot, label in labels.items():
            if label not in self.label_slots[slot]:
                raise ValueError(f"query {self.name}: {label!r} is not allowed in slot {slot}")
            text = text.replace(f"__{slot}__", f"`{label}`")
        return replace(self, text=text, label_slots={})

    def run(
        self,
        driver: Driver,
        params: Mapping[str, Any] | None = None,
        *,
        database: str | None = None,
    ) -> list[Record]:
        """The driver's records, through the query runner (READ or WRITE as the header says).

        Kept for callers not yet moved to `cibgraph.neo4j.runner.QueryRunner`, which also
        gives plain values.
        """
        from cibgraph.neo4j.runner import QueryRunner  # the runner imports this module

        return QueryRunner(driver, database=database).records(self, params)


def parse_query_file(path: Path, *, root: Path = CYPHER_DIR) -> NamedQuery:
    """Read one `.cypher` file and check its header against its body."""
    expected_name = path.relative_to(root).with_suffix("").as_posix()
    header: dict[str, str] = {}
    body: list[str] = []
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line) if in_header else None
        if m:
            header[m.group(1)] = m.group(2)
            continue
        if in_header and line.startswith("//"):
            continue  # a free comment inside the header
        in_header = False
        body.append(line)
    for key in ("name", "answers", "params", "mode"):
        if key not in header:
            raise QueryFileError(f"{path}: header lacks '// {key}:'")
    if header["name"] != expected_name:
        raise QueryFileError(
            f"{path}: header names {header['name']!r}, path says {expected_name!r}"
        )
    try:
        mode = QueryMode(header["mode"])
    except ValueError:
        raise QueryFileError(f"{path}: mode must be read or write") from None
    params: dict[str, str] = {}
    declared = header["params"].strip()
    if declared and declared != "none":
        for part in declared.split(","):
            pm = _PARAM_DECL.match(part.strip())
            if not pm:
                raise QueryFileError(f"{path}: cannot read param declaration {part.strip()!r}")
            params[pm.group(1)] = pm.group(2).strip()
    text = "\n".join(body).strip()
    if not text:
        raise QueryFileError(f"{path}: no query after the header")
    slots: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in header.get("labels", "").split(";"))):
        sm = _SLOT_DECL.match(part)
        if not sm:
            raise QueryFileError(f"{path}: cannot read label slot {part!r}")
        allowed = tuple(sm.group(2).split("|"))
        unknown = [label for label in allowed if label not in NodeLabel.__members__.values()]
        if unknown:
            raise QueryFileError(f"{path}: label slot {sm.group(1)} allows unknown {unknown}")
        slots[sm.group(1)] = allowed
    counts = header.get("counts", "").strip()
    if counts not in ("", "rows"):
        raise QueryFileError(f"{path}: '// counts:' takes only 'rows'")
    code = _STRING_OR_COMMENT.sub("", text)
    if counts and (mode is not QueryMode.WRITE or "$rows" not in code or "AS rows" not in code):
        raise QueryFileError(f"{path}: a 'counts: rows' query writes $rows and returns ... AS rows")
    if set(_SLOT_USE.findall(code)) != set(slots):
        raise QueryFileError(f"{path}: declares label slots {sorted(slots)} but uses others")
    used = set(_PARAM_USE.findall(code))
    if used != set(params):
        raise QueryFileError(f"{path}: declares params {sorted(params)} but uses {sorted(used)}")
    return NamedQuery(
        name=expected_name,
        answers=header["answers"],
        params=params,
        mode=mode,
        text=text,
        path=path,
        label_slots=slots,
        counts_rows=bool(counts),
    )


def iter_query_files(root: Path = CYPHER_DIR) -> Iterator[Path]:
    return iter(sorted(root.rglob("*.cypher")))


@lru_cache(maxsize=1)
def registry() -> dict[str, NamedQuery]:
    """Every named query of `cypher/`, by name (read once per process)."""
    return {q.name: q for q in (parse_query_file(p) for p in iter_query_files())}


def get_query(name: str) -> NamedQuery:
    """The named query, or `KeyError` listing what exists."""
    try:
        return registry()[name]
    except KeyError:
        raise KeyError(f"no query named {name!r}; known: {', '.join(sorted(registry()))}") from None
