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
from cibgraph.neo4j.values import to_python

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


HEAVY_WAIT = 10.0  # seconds a heavy traversal may wait in the queue for a slot
# Heavy traversals that may wait at a time, each at most HEAVY_WAIT; one more is refused at once.
HEAVY_QUEUE = 64
RETRY_AFTER = 2  # seconds, the Retry-After of a refused one


class HeavyGate:
    """At most `limit` requests running heavy traversals at a time in this process (a request's
    own heavy fields, at most MAX_HEAVY, share its slot). Up to `queue` more wait, each at most
    `wait` seconds (the wait is not counted in the query timeout, which starts with the query);
    past either bound a request is refused with a fast 503 and Retry-After rather than queueing
    into timeouts."""

    def __init__(self, limit: int, *, wait: float = HEAVY_WAIT, queue: int = HEAVY_QUEUE) -> None:
        self.limit = limit
        self.wait = wait
        self.queue = queue
        self._slots = asyncio.Semaphore(limit)
        self._waiting = 0

    def _refuse(self) -> Overloaded:
        return Overloaded(
            f"the server is running {self.limit} traversals already: retry in {RETRY_AFTER} s",
            retry_after=RETRY_AFTER,
        )

    async def acquire(self) -> None:
        if self._slots.locked() and self._waiting >= self.queue:
            raise self._refuse()
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            raise self._refuse() from None
        finally:
            self._waiting -= 1

    def release(self) -> None:
        self._slots.release()


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """`values.to_python(value)`, with a fast path for the scalars, lists and maps that make up
    most of a traversal's answer (a 200-node neighbourhood is some 20,000 values)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if kind is list:
        return [plain(v) for v in value]
    return to_python(value)


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
            records = await self.runner.records(query, params, mode=mode)
            names = records[0].keys() if records else []
            return [{k: plain(v) for k, v in zip(names, r, strict=True)} for r in records]
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
