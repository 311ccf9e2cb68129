"""Detections the API can start: their kinds, parameters, and the runner that runs them.

The kinds and the parameters come from the signal registry (cibgraph.detection.registry) and
fusion's parameter model: `DetectionKind` has one value per signal plus NETWORKS, and
`DetectionParams` one optional field per parameter of any of them (a name two models share,
such as `minSize`, applies to the kind being run). Every run goes through
cibgraph.detection.pipeline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from neo4j import Driver
from pydantic import BaseModel, Field, create_model

from cibgraph.api.graphql.errors import BadInput
from cibgraph.detection.fusion import FusionParams
from cibgraph.detection.pipeline import detect_and_fuse, run_signal
from cibgraph.detection.registry import SIGNALS, get_signal
from cibgraph.detection.signal import ParamSpec, make_params, param_specs

NETWORKS = "networks"
FUSION_SPECS = param_specs(FusionParams, exclude={"weights"})


def _kind_enum() -> type[Enum]:
    members = [(s.kind.upper(), s.kind) for s in SIGNALS] + [(NETWORKS.upper(), NETWORKS)]
    return cast(type[Enum], Enum("DetectionKind", members))


DetectionKind = strawberry.enum(
    _kind_enum(),
    description="The detections the API can start: each signal, and NETWORKS (runs the "
    "signals that have no complete run yet, then fuses the latest runs).",
)
KindArg = Annotated[Enum, strawberry.argument(graphql_type=DetectionKind)]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def _params_model() -> type[BaseModel]:
    """Every parameter of every kind, optional, described with the kinds it applies to."""
    uses: dict[str, list[tuple[str, ParamSpec]]] = {}
    for kind, specs in [(s.kind, s.param_specs) for s in SIGNALS] + [(NETWORKS, FUSION_SPECS)]:
        for spec in specs:
            uses.setdefault(spec.name, []).append((kind, spec))
    fields: dict[str, Any] = {}
    for name, where in uses.items():
        types: set[Any] = {list[str] if spec.multiple else spec.type for _, spec in where}
        if len(types) > 1:
            raise TypeError(f"parameter {name} has several types: {sorted(map(str, types))}")
        text = " ".join(
            f"{kind}: {spec.description} Default {spec.default_text}"
            + (f", {spec.bounds_text()}." if spec.bounds_text() else ".")
            for kind, spec in where
        )
        fields[name] = (types.pop() | None, Field(default=None, description=text))
    return create_model("DetectionParamsModel", **fields)


@strawberry.experimental.pydantic.input(
    model=_params_model(),
    all_fields=True,
    description="Detection parameters; each applies to the kinds it names, and a kind's "
    "parameters left out take their defaults.",
)
class DetectionParams:
    pass


def _given(params: DetectionParams) -> dict[str, Any]:
    return {k: v for k, v in vars(params).items() if v is not None}


def _check_names(kind: str, given: Mapping[str, Any], specs: tuple[ParamSpec, ...]) -> None:
    stray = sorted(set(given) - {s.name for s in specs})
    if stray:
        names = ", ".join(_camel(n) for n in stray)
        raise BadInput(f"{names} {'does' if len(stray) == 1 else 'do'} not apply to {kind}")


def run_detection(driver: Driver, kind: str, params: DetectionParams, database: str) -> str:
    """Run one detection to the end (blocking) and return its DetectionRun key."""
    given = _given(params)
    if kind == NETWORKS:
        _check_names(kind, given, FUSION_SPECS)
        fusion = make_params(FusionParams, given, what="fusion")
        return detect_and_fuse(driver, fusion=fusion, database=database).fusion.run_id
    signal = get_signal(kind)
    _check_names(kind, given, signal.param_specs)
    missing = [n for n in signal.explicit if n not in given]
    if missing:
        raise BadInput(f"{kind} needs {' and '.join(_camel(n) for n in missing)}")
    return run_signal(driver, kind, given, database=database).run_id


class DetectionRunner:
    """Runs detections in a worker thread, one at a time, with the process's sync driver."""

    def __init__(self, driver: Callable[[], Driver], *, database: str) -> None:
        self._driver = driver
        self._database = database
        self._lock = asyncio.Lock()

    async def run(self, kind: Enum, params: DetectionParams) -> str:
        async with self._lock:
            try:
                return await asyncio.to_thread(
                    run_detection, self._driver(), str(kind.value), params, self._database
                )
            except ValueError as exc:  # the parameter models check their values this way
                raise BadInput(f"invalid parameters: {exc}") from None
