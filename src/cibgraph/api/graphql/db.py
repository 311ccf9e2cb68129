"""The API's face of the query runner: named queries under a timeout, counted per request.

A Neo4j transaction timeout becomes `QueryTimeout` (code `TIMEOUT`), whose message says what
to narrow; every other database error stays internal and is masked behind the request id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from neo4j import AsyncDriver
from neo4j.exceptions import Neo4jError

from cibgraph.api.graphql.errors import Overloaded, QueryTimeout
from cibgraph.export.select import is_timeout
from cibgraph.neo4j.registry import NamedQuery, QueryMode
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


HEAVY_WAIT = 0.25  # seconds a heavy traversal may wait for a slot before it is refused
RETRY_AFTER = 2  # seconds, the Retry-After of a refused one


class HeavyGate:
    """At most `limit` requests running heavy traversals at a time in this process (a request's
    own heavy fields, at most MAX_HEAVY, share its slot); one more waits briefly, then is
    refused (a fast 503 with Retry-After) instead of queueing into the query timeout."""

    def __init__(self, limit: int, *, wait: float = HEAVY_WAIT) -> None:
        self.limit = limit
        self.wait = wait
        self._slots = asyncio.Semaphore(limit)

    async def acquire(self) -> None:
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            raise Overloaded(
                f"the server is running {self.limit} traversals already: retry in {RETRY_AFTER} s",
                retry_after=RETRY_AFTER,
            ) from None

    def release(self) -> None:
        self._slots.release()


class Db:
    """Runs named queries of `cypher/` through the async runner and counts them.

    The count lets a test assert that a request's queries do not grow with its results (no N+1).
    """

    def __init__(
        self,
        driver: AsyncDriver,
        *,
        database: str,
        timeout: float = DEFAULT_TIMEOUT,
        gate: HeavyGate | None = None,
    ) -> None:
        self.runner = AsyncQueryRunner(driver, database=database, timeout=timeout)
        self.timeout = timeout
        self.gate = gate
        self._heavy = 0  # this request's heavy reads running, which hold one slot of the gate
        self._holding: asyncio.Lock = asyncio.Lock()

    @property
    def queries(self) -> int:
        return self.runner.queries

    async def _run(
        self, query: str | NamedQuery, params: Mapping[str, Any], mode: QueryMode
    ) -> list[Row]:
        name = query if isinstance(query, str) else query.name
        try:
            if mode is QueryMode.READ:
                return await self.runner.read(query, params)
            return await self.runner.write(query, params)
        except Neo4jError as exc:
            if not is_timeout(exc):
                raise
            logger.info("query %s ran past %g s", name, self.timeout)
            narrow = NARROW.get(name, NARROW_DEFAULT)
            raise QueryTimeout(
                f"the query ran past the {self.timeout:g} s limit: narrow it ({narrow})"
            ) from None

    async def read(self, name: str | NamedQuery, params: Mapping[str, Any]) -> list[Row]:
        return await self._run(name, params, QueryMode.READ)

    async def write(self, name: str, params: Mapping[str, Any]) -> list[Row]:
        return await self._run(name, params, QueryMode.WRITE)

    async def read_heavy(self, name: str, params: Mapping[str, Any]) -> list[Row]:
        """A read of an expensive traversal, through the process's gate when there is one."""
        if self.gate is None:
            return await self.read(name, params)
        async with self._holding:
            if self._heavy == 0:
                await self.gate.acquire()
            self._heavy += 1
        try:
            return await self.read(name, params)
        finally:
            self._heavy -= 1
            if self._heavy == 0:
                self.gate.release()
