"""The authenticated export endpoint: `GET /exports/{network|case|neighbourhood}/{key}?format=…`.

The export is written to a temporary file by the same service function as `cibgraph export`
(whose writers stream record by record), then sent from disk in chunks and deleted: the server's
memory does not grow with the export's size. An export has `EXPORT_TIMEOUT` seconds in Neo4j.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse
from neo4j import Driver
from starlette.background import BackgroundTask

from cibgraph.api.deps import current_principal, request_id
from cibgraph.export import FORMATS, TLP, ColourBy, ExportFormat, NetworkAs, Redaction, SizeBy
from cibgraph.export.select import ExportTimeoutError, SelectionNotFoundError
from cibgraph.export.service import ExportRequest, ExportTarget, export_selection

logger = logging.getLogger(__name__)

EXPORT_TIMEOUT = 15.0  # seconds: as long as any one GraphQL query may take
MAX_KEY = 1_000

MEDIA_TYPES: dict[ExportFormat, str] = {
    ExportFormat.CSV: "application/zip",
    ExportFormat.JSON: "application/json",
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.GEXF: "application/gexf+xml",
    ExportFormat.CYPHER: "text/plain; charset=utf-8",
    ExportFormat.STIX: "application/stix+json;version=2.1",
    ExportFormat.COORTWEET: "text/csv; charset=utf-8",
}


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
    network_as: NetworkAs | None = None,
    colour_by: ColourBy | None = None,
    size_by: SizeBy | None = None,
) -> str:
    """The endpoint's URL path and query for one export (what the GraphQL mutation returns)."""
    params: dict[str, str | int] = {"format": fmt.value, "tlp": tlp.value}
    for name, value in (
        ("depth", depth),
        ("limit", limit),
        ("redact_salt", redact_salt),
        ("min_followers", min_followers),
        ("network_as", network_as),
        ("colour_by", colour_by),
        ("size_by", size_by),
    ):
        if value is not None:
            params[name] = value
    return f"/exports/{target.value}/{quote(key, safe='')}?{urlencode(params)}"


def export_router(
    *, driver: Callable[[], Driver], database: str, timeout: float = EXPORT_TIMEOUT
) -> APIRouter:
    """The `/exports` routes (any valid key may export; the exportUrl mutation needs an analyst)."""
    router = APIRouter()

    @router.get("/exports/{target}/{key:path}", dependencies=[Depends(current_principal)])
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
        network_as: NetworkAs = NetworkAs.CAMPAIGN,
        colour_by: ColourBy = ColourBy.LABEL,
        size_by: SizeBy = SizeBy.DEGREE,
    ) -> FileResponse:
        if not key or len(key) > MAX_KEY:
            raise HTTPException(status_code=400, detail=f"a key has 1 to {MAX_KEY} characters")
        redaction = (
            Redaction(salt=redact_salt, min_followers=min_followers) if redact_salt else None
        )
        wanted = ExportRequest(
            target=target,
            key=key,
            format=fmt,
            tlp=tlp,
            depth=depth,
            limit=limit,
            redaction=redaction,
            network_as=network_as,
            colour_by=colour_by,
            size_by=size_by,
        )
        folder = Path(tempfile.mkdtemp(prefix="cibgraph-export-"))
        filename = f"cibgraph-{target.value}{FORMATS[fmt]}"
        out = folder / filename

        def remove() -> None:
            shutil.rmtree(folder, ignore_errors=True)

        try:
            await asyncio.to_thread(
                export_selection, driver(), wanted, out, database=database, timeout=timeout
            )
        except SelectionNotFoundError as exc:
            remove()
            raise HTTPException(status_code=404, detail=exc.public) from None
        except ExportTimeoutError:
            remove()
            raise HTTPException(
                status_code=504,
                detail=f"the export ran past {timeout:g} s: export a smaller selection "
                "(a lower depth or limit, or a smaller network or case)",
            ) from None
        except (ValueError, LookupError) as exc:
            remove()
            raise HTTPException(status_code=400, detail=str(exc)) from None
        except Exception:
            # Masked like GraphQL errors: the client gets the request id, the log the detail.
            remove()
            rid = request_id(request)
            logger.exception("export failed (request id %s)", rid)
            raise HTTPException(
                status_code=500, detail=f"Internal error (request id {rid})"
            ) from None
        return FileResponse(
            out, media_type=MEDIA_TYPES[fmt], filename=filename, background=BackgroundTask(remove)
        )

    return router
