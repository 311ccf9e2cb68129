"""The API's Cypher runner: named queries with a timeout and READ routing, counted per request."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import neo4j.time
from neo4j import AsyncDriver, Query, RoutingControl

from cibgraph.neo4j.registry import QueryMode, get_query

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # seconds per query: no request may hold the database longer

Row = dict[str, Any]


def native(value: Any) -> Any:
    """Neo4j temporal values as Python ones, recursively."""
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    return value


class Db:
    """Runs named queries of `cypher/` with a timeout, READ routing for reads, and counts them.

    The count lets a test assert that a request's queries do not grow with its results (no N+1).
    """

    def __init__(self, driver: AsyncDriver, *, database: str, timeout: float = DEFAULT_TIMEOUT):
        self.driver = driver
        self.database = database
        self.timeout = timeout
        self.queries = 0

    async def _run(self, name: str, params: Mapping[str, Any], mode: QueryMode) -> list[Row]:
        q = get_query(name)
        if q.mode is not mode:
            raise RuntimeError(f"query {name} is {q.mode.value}, not {mode.value}")
        if set(params) != set(q.params):
            raise RuntimeError(f"query {name}: params {sorted(params)} != {sorted(q.params)}")
        self.queries += 1
        routing = RoutingControl.READ if mode is QueryMode.READ else RoutingControl.WRITE
        # The text comes from a file in the repository; every value is a parameter.
        records, _, _ = await self.driver.execute_query(
            Query(q.text, timeout=self.timeout),
            parameters_=dict(params),
            routing_=routing,
            database_=self.database,
        )
        return [native(dict(r)) for r in records]

    async def read(self, name: str, params: Mapping[str, Any]) -> list[Row]:
        return await self._run(name, params, QueryMode.READ)

    async def write(self, name: str, params: Mapping[str, Any]) -> list[Row]:
        return await self._run(name, params, QueryMode.WRITE)
