"""Read and write helpers: READ-routed queries, and batched, retried `UNWIND` writes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction, Record, RoutingControl

from cibgraph.settings import get_settings

logger = logging.getLogger(__name__)

Row = Mapping[str, Any]

DEFAULT_BATCH_SIZE = 5_000


def read(
    driver: Driver,
    query: LiteralString,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> list[Record]:
    """Run a read query with READ routing, so a cluster sends it to a secondary."""
    records, _, _ = driver.execute_query(
        query,
        parameters_=dict(params or {}),
        routing_=RoutingControl.READ,
        database_=database or get_settings().neo4j_database,
    )
    return records


def write(
    driver: Driver,
    query: LiteralString,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> list[Record]:
    """Run one write query in a managed (retried) transaction."""
    records, _, _ = driver.execute_query(
        query,
        parameters_=dict(params or {}),
        routing_=RoutingControl.WRITE,
        database_=database or get_settings().neo4j_database,
    )
    return records


def batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """Split an iterable into lists of at most `size` rows without materialising it."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _run_batch(
    tx: ManagedTransaction, query: LiteralString, rows: Sequence[Row], extra: Mapping[str, Any]
) -> int:
    result = tx.run(query, {"rows": list(rows), **extra})
    summary = result.consume()
    c = summary.counters
    return c.nodes_created + c.relationships_created + c.properties_set


def write_batches(
    driver: Driver,
    query: LiteralString,
    rows: Iterable[Row],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    params: Mapping[str, Any] | None = None,
    database: str | None = None,
) -> int:
    """Send `rows` to an `UNWIND $rows AS row ...` query, one managed transaction per batch.

    The query must be idempotent (MERGE on constrained keys): the driver retries a batch after a
    transient error, and a load interrupted midway is resumed simply by running it again.
    Returns the number of batches written.
    """
    if "$rows" not in query:
        raise ValueError("a batched write must UNWIND $rows")
    db = database or get_settings().neo4j_database
    extra = dict(params or {})
    n = 0
    with driver.session(database=db) as session:
        for chunk in batched(rows, batch_size):
            session.execute_write(_run_batch, query, chunk, extra)
            n += 1
    return n
