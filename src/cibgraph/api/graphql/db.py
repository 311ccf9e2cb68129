"""The API's face of the query runner: named queries under a timeout, counted per request.

A Neo4j transaction timeout becomes `QueryTimeout` (code `TIMEOUT`), whose message says what
to narrow; every other database error stays internal and is masked behind the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from neo4j import AsyncDriver
from neo4j.exceptions import Neo4jError

from cibgraph.api.graphql.errors import QueryTimeout
from cibgraph.export.select import is_timeout
from cibgraph.neo4j.registry import QueryMode
from cibgraph.neo4j.runner import AsyncQueryRunner

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # seconds per query: no request may hold the database longer

Row = dict[str, Any]

#: What to narrow when a query runs past its timeout, by query area or name.
NARROW = {
    "traverse/neighbourhood": "a smaller depth or limit, or fewer relationshipTypes",
    "traverse/shortest_paths": "a smaller maxLength or fewer relationshipTypes",
    "api/timeline": "fewer ids or a shorter time range",
    "api/search": "more specific text or fewer results (first)",
    "detect/coordination_evidence": "a smaller timeWindow",
}
NARROW_DEFAULT = "fewer results (first), fewer ids or a smaller depth"


class Db:
    """Runs named queries of `cypher/` through the async runner and counts them.

    The count lets a test assert that a request's queries do not grow with its results (no N+1).
    """

    def __init__(self, driver: AsyncDriver, *, database: str, timeout: float = DEFAULT_TIMEOUT):
        self.runner = AsyncQueryRunner(driver, database=database, timeout=timeout)
        self.timeout = timeout

    @property
    def queries(self) -> int:
        return self.runner.queries

    async def _run(self, name: str, params: Mapping[str, Any], mode: QueryMode) -> list[Row]:
        try:
            if mode is QueryMode.READ:
                return await self.runner.read(name, params)
            return await self.runner.write(name, params)
        except Neo4jError as exc:
            if not is_timeout(exc):
                raise
            logger.info("query %s ran past %g s", name, self.timeout)
            narrow = NARROW.get(name, NARROW_DEFAULT)
            raise QueryTimeout(
                f"the query ran past the {self.timeout:g} s limit: narrow it ({narrow})"
            ) from None

    async def read(self, name: str, params: Mapping[str, Any]) -> list[Row]:
        return await self._run(name, params, QueryMode.READ)

    async def write(self, name: str, params: Mapping[str, Any]) -> list[Row]:
        return await self._run(name, params, QueryMode.WRITE)
