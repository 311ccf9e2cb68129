"""What to export (a Network, a Case, a seed's neighbourhood), read by READ-routed named queries."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from cibgraph.export.model import Provenance, Redaction, Redactor, Subgraph
from cibgraph.neo4j.runner import QueryRunner
from cibgraph.neo4j.schema import NodeLabel
from cibgraph.settings import get_settings

logger = logging.getLogger(__name__)

MAX_DEPTH = 3
DEFAULT_LIMIT = 500
MAX_LIMIT = 100_000


class SelectionNotFoundError(LookupError):
    """The Network, Case or seed named for an export does not exist."""


def _stream(
    driver: Driver, name: str, params: Mapping[str, Any], database: str
) -> Iterator[Mapping[str, Any]]:
    """Yield a read query's rows as they arrive, in one READ transaction (no list in memory).

    The driver's values are kept: the Cypher script export writes dates, datetimes and
    durations back as the Cypher values they were.
    """
    yield from QueryRunner(driver, database=database).stream(name, params, convert=False)


def _one(driver: Driver, name: str, params: Mapping[str, Any], database: str) -> dict[str, Any]:
    rows = list(_stream(driver, name, params, database))
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
) -> Subgraph:
    prov = _one(driver, "export/provenance", {"ids": ids}, database)
    redactor: Redactor | None = None
    params = dict(parameters)
    if redaction is not None:
        redactor = Redactor(salt=redaction.salt)
        for row in _stream(
            driver,
            "export/small_accounts",
            {"ids": ids, "min_followers": redaction.min_followers},
            database,
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
        sources=list(prov.get("sources") or []),
        runs=list(prov.get("runs") or []),
        parameters=params,
        truncated=truncated,
    )
    return Subgraph(
        provenance=provenance,
        ids=ids,
        node_rows=lambda: _stream(driver, "export/nodes", {"ids": ids}, database),
        edge_rows=lambda: _stream(driver, "export/edges", {"ids": ids}, database),
        redactor=redactor,
    )


def select_network(
    driver: Driver,
    *,
    network: str,
    redaction: Redaction | None = None,
    database: str | None = None,
) -> Subgraph:
    """A detected Network, its accounts, pages and groups, and the IPs and URLs that tie them."""
    db = database or get_settings().neo4j_database
    row = _one(driver, "export/network_ids", {"network": network}, db)
    if not row:
        raise SelectionNotFoundError(f"no Network has key {network!r}")
    return _build(
        driver,
        selection="network",
        target=network,
        ids=list(row["ids"]),
        truncated=False,
        parameters={},
        redaction=redaction,
        database=db,
    )


def select_case(
    driver: Driver,
    *,
    case: str,
    redaction: Redaction | None = None,
    database: str | None = None,
) -> Subgraph:
    """A Case, what it is about (ABOUT), its notes, and the members of the networks in it."""
    db = database or get_settings().neo4j_database
    row = _one(driver, "export/case_ids", {"case": case}, db)
    if not row:
        raise SelectionNotFoundError(f"no Case has key {case!r}")
    return _build(
        driver,
        selection="case",
        target=case,
        ids=list(row["ids"]),
        truncated=False,
        parameters={},
        redaction=redaction,
        database=db,
    )


def select_neighbourhood(
    driver: Driver,
    *,
    key: str,
    label: NodeLabel | str | None = None,
    depth: int = 1,
    limit: int = DEFAULT_LIMIT,
    redaction: Redaction | None = None,
    database: str | None = None,
) -> Subgraph:
    """The nearest `limit` nodes within `depth` (1..3) hops of a seed, and the links among them."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    start_label = None if label is None else NodeLabel(label).value
    db = database or get_settings().neo4j_database
    row = _one(
        driver,
        "export/neighbourhood_ids",
        {"key": key, "label": start_label, "depth": depth, "limit": limit},
        db,
    )
    if not row or not row["ids"]:
        raise SelectionNotFoundError(
            f"no single node has key {key!r}" + (f" with label {start_label}" if label else "")
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
    )
