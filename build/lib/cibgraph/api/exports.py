"""The authenticated export endpoint: `GET /exports/{network|case|neighbourhood}/{key}?format=…`.

The export is written to a temporary file by the same writers as `cibgraph export` (which stream
record by record), then sent from disk in chunks and deleted: the server's memory does not grow
with the export's size.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from neo4j import Driver
from starlette.background import BackgroundTask

from cibgraph.api.auth import Principal, token_from_headers
from cibgraph.export import FORMATS, TLP, ExportFormat, Redaction, write_export
from cibgraph.export.select import (
    SelectionNotFoundError,
    select_case,
    select_neighbourhood,
    select_network,
)

logger = logging.getLogger(__name__)

MEDIA_TYPES: dict[ExportFormat, str] = {
    ExportFormat.CSV: "application/zip",
    ExportFormat.JSON: "application/json",
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.GEXF: "application/gexf+xml",
    ExportFormat.CYPHER: "text/plain; charset=utf-8",
    ExportFormat.STIX: "application/stix+json;version=2.1",
}


class ExportTarget(StrEnum):
    NETWORK = "network"
    CASE = "case"
    NEIGHBOURHOOD = "neighbourhood"


def export_path(
    target: ExportTarget,
    key: str,
    fmt: ExportFormat,
    *,
    tlp: TLP = TLP.AMBER,
    depth: int | None = None,
    limit: int | None = None,
    redact_salt: str | None = None,
    min_followers: int | None = None,
) -> str:
    """The endpoint's URL path and query for one export (what the GraphQL mutation returns)."""
    params: dict[str, str | int] = {"format": fmt.value, "tlp": tlp.value}
    for name, value in (
        ("depth", depth),
        ("limit", limit),
        ("redact_salt", redact_salt),
        ("min_followers", min_followers),
    ):
        if value is not None:
            params[name] = value
    return f"/exports/{target.value}/{quote(key, safe='')}?{urlencode(params)}"


def export_router(
    *,
    driver: Callable[[], Driver],
    check_key: Callable[[str], Awaitable[Principal | None]],
    database: str,
) -> APIRouter:
    """The `/exports` routes; `check_key` is the app's API-key checker."""
    router = APIRouter()

    @router.get("/exports/{target}/{key:path}")
    async def export(
        request: Request,
        target: ExportTarget,
        key: Annotated[str, "the network's, case's or seed's key"],
        fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.JSON,
        tlp: TLP = TLP.AMBER,
        depth: Annotated[int, Query(ge=1, le=3)] = 1,
        limit: Annotated[int, Query(ge=1, le=2000)] = 200,
        redact_salt: Annotated[str | None, Query(min_length=8, max_length=200)] = None,
        min_followers: Annotated[int, Query(ge=0)] = 5000,
    ) -> FileResponse:
        token = token_from_headers(
            request.headers.get("authorization"), request.headers.get("x-api-key")
        )
        if token is None or await check_key(token) is None:
            raise HTTPException(
                status_code=401,
                detail="a valid API key is required (Authorization: Bearer <key>)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        redaction = (
            Redaction(salt=redact_salt, min_followers=min_followers) if redact_salt else None
        )
        folder = Path(tempfile.mkdtemp(prefix="cibgraph-export-"))
        filename = f"cibgraph-{target.value}{FORMATS[fmt]}"
        out = folder / filename

        def build() -> None:
            drv = driver()
            if target is ExportTarget.NETWORK:
                sub = select_network(drv, network=key, redaction=redaction, database=database)
            elif target is ExportTarget.CASE:
                sub = select_case(drv, case=key, redaction=redaction, database=database)
            else:
                sub = select_neighbourhood(
                    drv, key=key, depth=depth, limit=limit, redaction=redaction, database=database
                )
            write_export(sub, fmt, out, tlp=tlp)

        def remove() -> None:
            shutil.rmtree(folder, ignore_errors=True)

        try:
            await asyncio.to_thread(build)
        except SelectionNotFoundError as exc:
            remove()
            raise HTTPException(status_code=404, detail=str(exc)) from None
        except (ValueError, LookupError) as exc:
            remove()
            raise HTTPException(status_code=400, detail=str(exc)) from None
        except Exception:
            # Masked like GraphQL errors: the client gets the request id, the log the detail.
            remove()
            rid = request.scope.get("state", {}).get("request_id", "-")
            logger.exception("export failed (request id %s)", rid)
            raise HTTPException(
                status_code=500, detail=f"Internal error (request id {rid})"
            ) from None
        return FileResponse(
            out, media_type=MEDIA_TYPES[fmt], filename=filename, background=BackgroundTask(remove)
        )

    return router
