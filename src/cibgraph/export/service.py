"""Selecting and writing an export: the one function the CLI and the API export endpoint call."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from neo4j import Driver

from cibgraph.export.gexf import ColourBy, SizeBy
from cibgraph.export.model import Redaction, Subgraph
from cibgraph.export.select import (
    DEFAULT_LIMIT,
    select_case,
    select_neighbourhood,
    select_network,
)
from cibgraph.export.stix import TLP, NetworkAs
from cibgraph.export.writers import ExportFormat, write_export
from cibgraph.neo4j.schema import NodeLabel


class ExportTarget(StrEnum):
    """What an export starts from."""

    NETWORK = "network"
    CASE = "case"
    NEIGHBOURHOOD = "neighbourhood"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """One export: what to select (a network, a case, a seed's neighbourhood) and how to write it.

    `depth`, `limit` and `label` apply to neighbourhoods only; `network_as` to STIX (the
    network as a campaign or an intrusion set), `colour_by` and `size_by` to GEXF.
    """

    target: ExportTarget
    key: str
    format: ExportFormat
    tlp: TLP = TLP.AMBER
    depth: int = 1
    limit: int = DEFAULT_LIMIT
    label: NodeLabel | str | None = None
    redaction: Redaction | None = None
    network_as: NetworkAs = NetworkAs.CAMPAIGN
    colour_by: ColourBy = ColourBy.LABEL
    size_by: SizeBy = SizeBy.DEGREE


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    nodes: int
    edges: int
    seconds: float


def select(
    driver: Driver,
    request: ExportRequest,
    *,
    database: str | None = None,
    timeout: float | None = None,
) -> Subgraph:
    """The selection a request names (`SelectionNotFoundError`, `ValueError` for bad bounds)."""
    if request.target is ExportTarget.NETWORK:
        return select_network(
            driver,
            network=request.key,
            redaction=request.redaction,
            database=database,
            timeout=timeout,
        )
    if request.target is ExportTarget.CASE:
        return select_case(
            driver,
            case=request.key,
            redaction=request.redaction,
            database=database,
            timeout=timeout,
        )
    return select_neighbourhood(
        driver,
        key=request.key,
        label=request.label,
        depth=request.depth,
        limit=request.limit,
        redaction=request.redaction,
        database=database,
        timeout=timeout,
    )


def export_selection(
    driver: Driver,
    request: ExportRequest,
    out: Path,
    *,
    database: str | None = None,
    timeout: float | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ExportResult:
    """Select what `request` names and write it to `out`, within `timeout` seconds if given.

    `progress` is told ("selected", nodes) once the selection is made, then ("nodes" or
    "edges", how many read so far) as the writer reads them; the result's `seconds` is the
    whole export's time, selection included.

    Raises `SelectionNotFoundError` when the network, case or seed does not exist, `ValueError`
    for bounds out of range, and `ExportTimeoutError` when the export runs past `timeout`.
    """
    started = time.perf_counter()
    subgraph = select(driver, request, database=database, timeout=timeout)
    if progress is not None:
        progress("selected", subgraph.size)
        subgraph.progress = progress
    nodes, edges = write_export(
        subgraph,
        request.format,
        out,
        tlp=request.tlp,
        network_as=request.network_as,
        colour_by=request.colour_by,
        size_by=request.size_by,
    )
    return ExportResult(out, nodes, edges, time.perf_counter() - started)
