"""The FastAPI app: GraphQL at /graphql (API keys required) and a health check at /healthz."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from neo4j import AsyncDriver, RoutingControl
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cibgraph.api.auth import KeyChecker, Principal
from cibgraph.api.body import (
    MAX_JSON_NESTING,
    BadRequest,
    check_json_body,
    check_query_text,
    json_nesting,
)
from cibgraph.api.deps import optional_principal, request_id, unauthorized
from cibgraph.api.exports import EXPORT_TIMEOUT, export_router
from cibgraph.api.graphql.context import Context
from cibgraph.api.graphql.db import HEAVY_QUEUE, HEAVY_WAIT, Db, HeavyGate
from cibgraph.api.graphql.detections import DetectionRunner
from cibgraph.api.graphql.schema import schema
from cibgraph.api.pages import OfflineGraphQLRouter, install_pages
from cibgraph.neo4j.driver import get_driver, open_async_driver
from cibgraph.neo4j.schema import apply_schema
from cibgraph.report.api import report_router
from cibgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 100_000
QUERY_TIMEOUT = 15.0  # seconds, per Cypher query
# Heavy traversals (neighbourhoods, paths, evidence, timelines) at a time per worker process: on
# 2 cores, more running at once only slow each other down; more wait in a bounded queue, and past
# it (or past the wait) a request is refused with a 503.
HEAVY_CONCURRENCY = 4


class BodyLimitAndRequestId:
    """Gives every request an id (echoed in `X-Request-Id`), refuses bodies over the limit, and
    checks a GraphQL request's shape (`api/body.py`) before strawberry parses it.

    The body is read here, up to the limit, before any handler sees it: a client that sends more
    (with or without a Content-Length) gets 413 and the rest is never buffered.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = os.urandom(8).hex()  # 16 hex digits, as uuid4's first half (a fifth the cost)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        too_large = f"request body too large (at most {self.max_bytes} bytes)"
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(send_with_id, 413, too_large, "PAYLOAD_TOO_LARGE")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send_with_id, 413, too_large, "PAYLOAD_TOO_LARGE")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            _check_graphql_request(scope, headers, body)
        except BadRequest as exc:
            await _refuse(send_with_id, 400, str(exc), "BAD_REQUEST")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_id)


def _check_graphql_request(scope: Scope, headers: dict[bytes, bytes], body: bytes) -> None:
    """`BadRequest` for a GraphQL request no parser should be handed."""
    if not str(scope.get("path", "")).rstrip("/").endswith("/graphql"):
        return
    if scope.get("method") == "POST":
        kind = headers.get(b"content-type", b"application/json").split(b";")[0].strip().lower()
        if kind == b"application/json":
            check_json_body(body)
        return
    params = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    query = params.get("query", [""])[0]
    check_query_text(query)
    variables = params.get("variables", [""])[0]
    if json_nesting(variables, MAX_JSON_NESTING):
        raise BadRequest(f"variables nest deeper than {MAX_JSON_NESTING} levels")


async def _refuse(send: Send, status: int, message: str, code: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def graphql_principal(request: Request, principal: Principal | None) -> Principal | None:
    """The caller; GraphiQL's own page (a browser GET with no query) is served without one:
    it runs no query, and the key is then entered in its headers pane."""
    if principal is None and not _is_ide_page(request):
        raise unauthorized()
    return principal


def create_app(
    settings: Settings | None = None,
    *,
    export_timeout: float = EXPORT_TIMEOUT,
    heavy_concurrency: int = HEAVY_CONCURRENCY,
    heavy_wait: float = HEAVY_WAIT,
    heavy_queue: int = HEAVY_QUEUE,
) -> FastAPI:
    s = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Schema migration is synchronous and runs once, before the first request.
        await asyncio.to_thread(apply_schema, get_driver(s), database=s.neo4j_database)
        driver = open_async_driver(s, pool_size=s.pool_size())
        app.state.driver = driver
        app.state.keys = KeyChecker(driver, database=s.neo4j_database)
        app.state.gate = HeavyGate(heavy_concurrency, wait=heavy_wait, queue=heavy_queue)
        app.state.runner = DetectionRunner(lambda: get_driver(s), database=s.neo4j_database)
        # What startup built (modules, the schema: ~200k objects) lives as long as the worker:
        # frozen, the collector's full passes walk only what requests leave behind (a full pass
        # over everything took ~100 ms, a latency spike for whichever request triggered it).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await driver.close()

    async def get_context(request: Request) -> Context:
        # The caller is found here, not through a chain of FastAPI dependencies solved anew on
        # every request (with the lazy loaders and a cheaper request id, one worker served
        # 598-653 look-ups a second from 32 clients instead of 571-596).
        principal = graphql_principal(request, await optional_principal(request))
        db = Db(
            request.app.state.driver,
            database=s.neo4j_database,
            timeout=QUERY_TIMEOUT,
            gate=request.app.state.gate,
        )
        return Context(
            db=db,
            principal=principal,
            request_id=request_id(request),
            runner=request.app.state.runner if principal is not None else None,
        )

    app = FastAPI(title="cibgraph", lifespan=lifespan, docs_url=None, redoc_url=None)
    install_pages(app)  # /docs, /redoc and GraphiQL's assets from local files
    app.add_middleware(BodyLimitAndRequestId, max_bytes=MAX_BODY_BYTES)
    app.include_router(
        OfflineGraphQLRouter(schema, context_getter=get_context, graphql_ide="graphiql"),
        prefix="/graphql",
    )
    app.include_router(
        export_router(
            driver=lambda: get_driver(s), database=s.neo4j_database, timeout=export_timeout
        )
    )
    app.include_router(report_router(driver=lambda: get_driver(s), database=s.neo4j_database))

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        driver: AsyncDriver = request.app.state.driver
        try:
            await driver.execute_query(
                "RETURN 1", routing_=RoutingControl.READ, database_=s.neo4j_database
            )
        except (Neo4jError, ServiceUnavailable, OSError):
            return JSONResponse({"status": "unavailable", "neo4j": False}, status_code=503)
        return JSONResponse({"status": "ok", "neo4j": True})

    return app


def _is_ide_page(request: Request) -> bool:
    """Whether this is a browser's GET of the GraphiQL page (no query in it)."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )
