"""What to export (a Network, a Case, a seed's neighbourhood), read by READ-routed named queries."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack

from neo4j import Driver
from neo4j.exceptions import Neo4jError

from cibgraph.export.model import Provenance, Redaction, Redactor, Subgraph, source_record
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import EXPOSED_LABELS, NodeLabel
from cibgraph.settings import get_settings

logger = logging.getLogger(__name__)

MAX_DEPTH = 3
DEFAULT_LIMIT = 500
MAX_LIMIT = 100_000


class SelectionNotFoundError(LookupError):
    """The Network, Case or seed named for an export does not exist.

    The message names the key (for the CLI's user); `public` says the same without echoing it.
    """

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"no {what} has key {key!r}")
        self.public = f"no {what} has this key"


class ExportTimeoutError(TimeoutError):
    """The export ran past its time limit."""


def is_timeout(exc: Neo4jError) -> bool:
    """Whether Neo4j ended a transaction because it ran past its timeout."""
    code = exc.code or ""
    return "TransactionTimedOut" in code or code.endswith("Transaction.Terminated")


class Deadline:
    """The time left to an export: each transaction it opens gets only what remains."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        if self._end is None:
            return None
        left = self._end - time.monotonic()
        if left <= 0:
            raise ExportTimeoutError(f"the export ran past {self.seconds:g} s")
        return left


def _stream(
    driver: Driver,
    name: str,
    params: Mapping[str, Any],
    database: str,
    deadline: Deadline,
) -> Iterator[Mapping[str, Any]]:
    """Yield a read query's rows as they arrive, in one READ transaction (no list in memory).

    The driver's values are kept: the Cypher script export writes dates, datetimes and
    durations back as the Cypher values they were. The transaction gets the time the export
    has left.
    """
    runner = QueryRunner(driver, database=database, timeout=deadline.remaining())
    try:
        yield from runner.stream(name, params, convert=False)
    except Neo4jError as exc:
        if deadline.seconds is not None and is_timeout(exc):
            raise ExportTimeoutError(f"the export ran past {deadline.seconds:g} s") from None
        raise


def _one(
    driver: Driver, name: str, params: Mapping[str, Any], database: str, deadline: Deadline
) -> dict[str, Any]:
    rows = list(_stream(driver, name, params, database, deadline))
    return dict(rows[0]) if rows else {}


def _build(
    driver: Driver,
    *,
    selection: str,
    target: str,
    ids: list[str],
    truncated: bool,
    parameters: dict[str, Any],
    redaction: Redaction | None,
    database: str,
    deadline: Deadline,
) -> Subgraph:
    prov = _one(driver, "export/provenance", {"ids": ids}, database, deadline)
    redactor: Redactor | None = None
    params = dict(parameters)
    if redaction is not None:
        redactor = Redactor(salt=redaction.salt)
        for row in _stream(
            driver,
            "export/small_accounts",
            {"ids": ids, "min_followers": redaction.min_followers},
            database,
            deadline,
        ):
            redactor.add(row)
        redactor.compile()
        params["redacted"] = True
        params["redaction_min_followers"] = redaction.min_followers
        params["redacted_accounts"] = len(redactor.keys)
        if redactor.is_redacted(target):
            target = redactor.key(target)
    provenance = Provenance(
        selection=selection,
        target=target,
        exported_at=datetime.now(UTC),
        # A file's name and sha256, never its local path: that says nothing about the data, and
        # much about the machine it was loaded on (a redacted export drops the name too).
        sources=[
            source_record(src, redacted=redaction is not None) for src in prov.get("sources") or []
        ],
        runs=list(prov.get("runs") or []),
        parameters=params,
        truncated=truncated,
    )
    return Subgraph(
        provenance=provenance,
        ids=ids,
        node_rows=lambda: _stream(driver, "export/nodes", {"ids": ids}, database, deadline),
        edge_rows=lambda: _stream(driver, "export/edges", {"ids": ids}, database, deadline),
        redactor=redactor,
    )


class SelectOptions(TypedDict, total=False):
    """What every selection accepts besides its target."""

    redaction: Redaction | None  # the redacted profile (None: no redaction)
    database: str | None  # default: the settings' database
    timeout: float | None  # seconds the whole export may take in Neo4j (None: no limit)


def _by_key(
    driver: Driver, *, selection: str, key: str, **options: Unpack[SelectOptions]
) -> Subgraph:
    """A Network's or a Case's selection: `export/<selection>_ids` names its nodes."""
    db = options.get("database") or get_settings().neo4j_database
    deadline = Deadline(options.get("timeout"))
    row = _one(driver, f"export/{selection}_ids", {selection: key}, db, deadline)
    if not row:
        raise SelectionNotFoundError(selection.capitalize(), key)
    return _build(
        driver,
        selection=selection,
        target=key,
        ids=list(row["ids"]),
        truncated=False,
        parameters={},
        redaction=options.get("redaction"),
        database=db,
        deadline=deadline,
    )


def select_network(driver: Driver, *, network: str, **options: Unpack[SelectOptions]) -> Subgraph:
    """A detected Network, its accounts, pages and groups, and the IPs and URLs that tie them."""
    return _by_key(driver, selection="network", key=network, **options)


def select_case(driver: Driver, *, case: str, **options: Unpack[SelectOptions]) -> Subgraph:
    """A Case, what it is about (ABOUT), its notes, and the members of the networks in it."""
    return _by_key(driver, selection="case", key=case, **options)


def select_neighbourhood(
    driver: Driver,
    *,
    key: str,
    label: NodeLabel | str | None = None,
    depth: int = 1,
    limit: int = DEFAULT_LIMIT,
    redaction: Redaction | None = None,
    database: str | None = None,
    timeout: float | None = None,
) -> Subgraph:
    """The nearest `limit` nodes within `depth` (1..3) hops of a seed, and the links among them."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    start_label = None if label is None else NodeLabel(label).value
    if label is not None and NodeLabel(label) not in EXPOSED_LABELS:
        raise ValueError(f"an export cannot start from a {start_label} node")
    db = database or get_settings().neo4j_database
    deadline = Deadline(timeout)
    row = _one(
        driver,
        "export/neighbourhood_ids",
        {"key": key, "label": start_label, "depth": depth, "limit": limit},
        db,
        deadline,
    )
    if not row or not row["ids"]:
        raise SelectionNotFoundError(
            "single node" + (f" with label {start_label}" if label else ""), key
        )
    return _build(
        driver,
        selection="neighbourhood",
        target=key,
        ids=list(row["ids"]),
        truncated=bool(row["truncated"]),
        parameters={"depth": depth, "limit": limit, "label": start_label},
        redaction=redaction,
        database=db,
        deadline=deadline,
    )
