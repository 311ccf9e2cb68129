"""The per-request context: the caller, a counting query runner, and fresh DataLoaders."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import neo4j.time
from neo4j import AsyncDriver, Query, RoutingControl
from strawberry.fastapi import BaseContext

from cibgraph.api.auth import Principal
from cibgraph.api.graphql.errors import Forbidden
from cibgraph.neo4j.registry import QueryMode, get_query

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # seconds per query: no request may hold the database longer


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

    async def _run(
        self, name: str, params: Mapping[str, Any], mode: QueryMode
    ) -> list[dict[str, Any]]:
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

    async def read(self, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await self._run(name, params, QueryMode.READ)

    async def write(self, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await self._run(name, params, QueryMode.WRITE)


class Context(BaseContext):
    """What every resolver sees: who asks, the database, this request's loaders and its id."""

    def __init__(
        self,
        *,
        db: Db,
        principal: Principal | None,
        request_id: str,
        runner: Any = None,
    ) -> None:
        super().__init__()
        from cibgraph.api.graphql.dataloaders import Loaders  # loaders import this module's Db

        self.db = db
        self.principal = principal
        self.request_id = request_id
        self.loaders = Loaders(db)
        self.runner = (
            runner  # starts detection runs (cibgraph.api.graphql.mutations.DetectionRunner)
        )

    def require_write(self) -> Principal:
        """The caller, when its role may write; `Forbidden` otherwise."""
        p = self.principal
        if p is None or not p.role.can_write:
            role = p.role.value if p else "anonymous"
            raise Forbidden(
                f"forbidden: this key's role ({role}) may only read; "
                "mutations need an analyst or admin key"
            )
        return p


def request_id_of(context: object) -> str | None:
    return getattr(context, "request_id", None)
