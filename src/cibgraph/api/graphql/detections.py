"""Detections the API can start: their kinds, parameters, and the runner that runs them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum

import strawberry
from neo4j import Driver

from cibgraph.api.graphql.errors import BadInput


@strawberry.enum(description="The detections the API can start.")
class DetectionKind(Enum):
    COORDINATION = "coordination"
    INFRASTRUCTURE = "infrastructure"
    CONTROL = "control"
    COHORTS = "cohorts"
    NETWORKS = "networks"


@strawberry.input(description="Detection parameters; each applies to the kinds it names.")
class DetectionParams:
    time_window: int | None = strawberry.field(
        default=None, description="coordination: seconds between two shares (inclusive)."
    )
    min_participation: int | None = strawberry.field(
        default=None, description="coordination: share events an account needs."
    )
    edge_weight: float | None = strawberry.field(
        default=None, description="coordination: quantile of weights to flag above (0-1)."
    )
    max_accounts: int | None = strawberry.field(
        default=None,
        description="infrastructure: addresses used by this many accounts or more are ignored.",
    )


def run_detection(driver: Driver, kind: DetectionKind, p: DetectionParams, database: str) -> str:
    """Run one detection to the end (blocking) and return its DetectionRun key."""
    if kind is DetectionKind.COORDINATION:
        from cibgraph.detection.coordination import detect_coordination, write_coordination

        if p.time_window is None or p.min_participation is None:
            raise BadInput("coordination needs timeWindow and minParticipation")
        result = detect_coordination(
            driver,
            time_window=p.time_window,
            min_participation=p.min_participation,
            edge_weight=0.5 if p.edge_weight is None else p.edge_weight,
            database=database,
        )
        return write_coordination(driver, result, database=database).run_id
    if kind is DetectionKind.INFRASTRUCTURE:
        from cibgraph.detection.infrastructure import (
            InfraParams,
            detect_infrastructure,
            write_infrastructure,
        )

        ip = InfraParams() if p.max_accounts is None else InfraParams(max_accounts=p.max_accounts)
        found = detect_infrastructure(driver, ip, database=database)
        return write_infrastructure(driver, found, database=database)
    if kind is DetectionKind.CONTROL:
        from cibgraph.detection.control import detect_control, write_control

        return write_control(driver, detect_control(driver, database=database), database=database)
    if kind is DetectionKind.COHORTS:
        from cibgraph.detection.cohorts import detect_cohorts, write_cohorts

        return write_cohorts(driver, detect_cohorts(driver, database=database), database=database)
    from cibgraph.detection.fusion import detect_networks

    return detect_networks(driver, database=database).run_id


class DetectionRunner:
    """Runs detections in a worker thread, one at a time, with the process's sync driver."""

    def __init__(self, driver: Callable[[], Driver], *, database: str) -> None:
        self._driver = driver
        self._database = database
        self._lock = asyncio.Lock()

    async def run(self, kind: DetectionKind, params: DetectionParams) -> str:
        async with self._lock:
            try:
                return await asyncio.to_thread(
                    run_detection, self._driver(), kind, params, self._database
                )
            except ValueError as exc:  # the detections check their parameters this way
                raise BadInput(f"invalid parameters: {exc}") from None
