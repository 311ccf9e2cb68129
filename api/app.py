"""The FastAPI application: GraphQL at /graphql and a Neo4j health check at /healthz."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import strawberry
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from neo4j import AsyncDriver, RoutingControl
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from strawberry.extensions import MaskErrors, QueryDepthLimiter
from strawberry.fastapi import BaseContext, GraphQLRouter

from graph.driver import get_driver, open_async_driver
from graph.schema import apply_schema
from graph.settings import Settings, get_settings


class Context(BaseContext):
    """Per-request context: the shared async driver and the settings."""

    def __init__(self, driver: AsyncDriver, settings: Settings) -> None:
        super().__init__()
        self.driver = driver
        self.settings = settings


@strawberry.type
class LabelCount:
    label: str
    nodes: int


@strawberry.type
class Query:
    @strawberry.field(description="How many nodes of each label the graph holds.")
    async def label_counts(self, info: strawberry.Info[Context, None]) -> list[LabelCount]:
        ctx = info.context
        records, _, _ = await ctx.driver.execute_query(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS nodes ORDER BY label",
            routing_=RoutingControl.READ,
            database_=ctx.settings.neo4j_database,
        )
        return [LabelCount(label=r["label"], nodes=r["nodes"]) for r in records]


schema = strawberry.Schema(
    query=Query, extensions=[lambda: QueryDepthLimiter(max_depth=10), MaskErrors]
)


def create_app(settings: Settings | None = None) -> FastAPI:
    s = settings or get_settings()
    state: dict[str, AsyncDriver] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Schema migration is synchronous and runs once, before the first request.
        await asyncio.to_thread(apply_schema, get_driver(s), database=s.neo4j_database)
        driver = open_async_driver(s)
        state["driver"] = driver
        try:
            yield
        finally:
            await driver.close()

    async def get_context() -> Context:
        return Context(state["driver"], s)

    app = FastAPI(title="cibgraph", lifespan=lifespan)
    app.include_router(GraphQLRouter(schema, context_getter=get_context), prefix="/graphql")

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        try:
            await state["driver"].execute_query(
                "RETURN 1", routing_=RoutingControl.READ, database_=s.neo4j_database
            )
        except (Neo4jError, ServiceUnavailable, OSError):
            return JSONResponse({"status": "unavailable", "neo4j": False}, status_code=503)
        return JSONResponse({"status": "ok", "neo4j": True})

    return app
