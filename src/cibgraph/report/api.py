"""The authenticated report endpoint: `GET /reports/network/{key}` answers the report's HTML."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse
from neo4j import Driver

from cibgraph.api.deps import current_principal
from cibgraph.export.select import SelectionNotFoundError
from cibgraph.export.stix import TLP
from cibgraph.report.html import render_html
from cibgraph.report.network import build_network_report


def report_router(*, driver: Callable[[], Driver], database: str) -> APIRouter:
    """The `/reports` routes: any valid API key may read a report, as for exports."""
    router = APIRouter(dependencies=[Depends(current_principal)])

    @router.get("/reports/network/{key:path}", response_class=HTMLResponse)
    async def network_report(
        key: Annotated[str, "the Network's key"],
        tlp: Annotated[TLP, Query()] = TLP.AMBER,
    ) -> HTMLResponse:
        def build() -> str:
            report = build_network_report(driver(), network=key, database=database)
            return render_html(report, tlp=tlp.value)

        try:
            page = await asyncio.to_thread(build)
        except SelectionNotFoundError as exc:
            raise HTTPException(status_code=404, detail=exc.public) from None
        return HTMLResponse(page)

    return router
