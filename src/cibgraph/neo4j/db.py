"""Ad-hoc Cypher for tests, benches and checks (READ-routed reads); named queries use `runner`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, LiteralString

from neo4j import Driver, Record, RoutingControl

from cibgraph.neo4j.registry import NamedQuery, registry
from cibgraph.neo4j.runner import (
    DEFAULT_BATCH_SIZE,
    QueryRunner,
    Row,
    batched,
    named_by_text,
)
from cibgraph.settings import get_settings

__all__ = ["batched", "read", "write", "write_batches"]

logger = logging.getLogger(__name__)


def _execute(
    driver: Driver,
    query: LiteralString,
    params: Mapping[str, Any] | None,
    database: str | None,
    routing: RoutingControl,
) -> list[Record]:
    records, _, _ = driver.execute_query(
        query,
        parameters_=dict(params or {}),
        routing_=routing,
        database_=database or get_settings().neo4j_database,
    )
    return records


def read(
    driver: Driver,
    query: LiteralString,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> list[Record]:
    """Run a read query with READ routing, so a cluster sends it to a secondary."""
    return _execute(driver, query, params, database, RoutingControl.READ)


def write(
    driver: Driver,
    query: LiteralString,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> list[Record]:
    """Run one write query in a managed (retried) transaction."""
    return _execute(driver, query, params, database, RoutingControl.WRITE)


def write_batches(
    driver: Driver,
    query: NamedQuery | str,
    rows: Iterable[Row],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    params: Mapping[str, Any] | None = None,
    database: str | None = None,
) -> int:
    """`QueryRunner.write_batches` for a named query given by name, or by its text.

    Returns the number of batches written; see the runner for the checks made on each.
    """
    if isinstance(query, str) and query not in registry():
        query = named_by_text(query)
    runner = QueryRunner(driver, database=database)
    return runner.write_batches(query, rows, batch_size=batch_size, params=params)
