"""What one detection signal is: its kind, relationship types, parameters, and how it runs, is
written, is read back by fusion and is told in words (see cibgraph.detection.registry)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from annotated_types import Ge, Gt, Le, Lt
from neo4j import Driver
from pydantic import ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from cibgraph.neo4j.schema import RelType

#: The pydantic configuration every parameter model uses (a pydantic dataclass, frozen).
PARAMS_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True)

Scalar = str | int | float | bool | None
P = TypeVar("P")
R = TypeVar("R", bound="Reportable")
M = TypeVar("M")
P_in = TypeVar("P_in", contravariant=True)
R_in = TypeVar("R_in", contravariant=True)
R_out = TypeVar("R_out", covariant=True)


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One parameter of a signal, as its pydantic model declares it."""

    name: str
    type: type[int] | type[float] | type[str] | type[bool]
    default: Any
    description: str
    multiple: bool = False  # a tuple of strings: the option is repeated, the default empty
    ge: float | None = None  # inclusive bounds, when the model declares them
    le: float | None = None
    gt: float | None = None
    lt: float | None = None

    @property
    def low(self) -> float | None:
        return self.ge if self.ge is not None else self.gt

    @property
    def high(self) -> float | None:
        return self.le if self.le is not None else self.lt

    @property
    def default_text(self) -> str:
        """The default as help texts and the doc show it (`60`, `0.5`, `duckdb`)."""
        if isinstance(self.default, bool):
            return str(self.default).lower()
        if isinstance(self.default, tuple):
            return ", ".join(self.default) or "none"
        if isinstance(self.default, str):
            return self.default or "none"
        return f"{self.default:g}"

    def bounds_text(self) -> str:
        """The bounds in words ('0 to 1', 'at least 3', ''), for help texts and the doc."""
        low, high = self.low, self.high
        if low is not None and high is not None:
            return f"{_num(low)} to {_num(high)}"
        if low is not None:
            return f"{'above' if self.gt is not None else 'at least'} {_num(low)}"
        if high is not None:
            return f"{'below' if self.lt is not None else 'at most'} {_num(high)}"
        return ""


def _num(value: float) -> str:
    return f"{value:g}"


_SCALARS: tuple[type[int] | type[float] | type[str] | type[bool], ...] = (int, float, str, bool)
_STRINGS = tuple[str, ...]  # the one non-scalar parameter type: several strings


def param_specs(model: type[Any], *, exclude: Collection[str] = ()) -> tuple[ParamSpec, ...]:
    """The scalar parameters of a pydantic dataclass, in declaration order, with defaults and
    bounds; a field of another type is an error unless `exclude` names it (then it is left out)."""
    fields: Mapping[str, FieldInfo] = model.__pydantic_fields__
    specs = []
    for name, info in fields.items():
        bounds: dict[str, float] = {}
        for m in info.metadata:
            for cls, key in ((Ge, "ge"), (Le, "le"), (Gt, "gt"), (Lt, "lt")):
                if isinstance(m, cls):
                    bounds[key] = float(getattr(m, key))
        multiple = info.annotation == _STRINGS
        scalar = str if multiple else next((t for t in _SCALARS if info.annotation is t), None)
        if scalar is None:
            if name in exclude:
                continue
            raise TypeError(
                f"{model.__name__}.{name}: a parameter must be int, float, str, bool or "
                "tuple[str, ...]"
            )
        specs.append(
            ParamSpec(
                name=name,
                type=scalar,
                default=info.default,
                multiple=multiple,
                description=info.description or "",
                **bounds,
            )
        )
    return tuple(specs)


def make_params(model: type[M], values: Mapping[str, Any] | None, *, what: str) -> M:
    """`model(**values)`, or ValueError in one line when a value is unknown (naming `what`'s
    parameters), of the wrong type or out of bounds. A list for a tuple parameter is taken
    as the tuple (front ends hand repeated options and GraphQL lists over as lists)."""
    given = {k: tuple(v) if isinstance(v, list) else v for k, v in (values or {}).items()}
    pydantic_model: type[Any] = model
    known = set(pydantic_model.__pydantic_fields__)
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValueError(
            f"{what} has no parameter {', '.join(unknown)}; "
            f"its parameters: {', '.join(sorted(known))}"
        )
    try:
        return model(**given)
    except ValidationError as exc:
        raise ValueError(validation_message(exc)) from None


def validation_message(exc: ValidationError) -> str:
    """A pydantic validation error as one line: 'time_window must be at least 0, not -1'."""
    parts = []
    for e in exc.errors():
        name = ".".join(str(x) for x in e["loc"]) or "parameters"
        ctx = e.get("ctx") or {}
        kind = e["type"]
        if kind == "greater_than_equal":
            text = f"must be at least {_num(ctx['ge'])}"
        elif kind == "less_than_equal":
            text = f"must be at most {_num(ctx['le'])}"
        elif kind == "greater_than":
            text = f"must be above {_num(ctx['gt'])}"
        elif kind == "less_than":
            text = f"must be below {_num(ctx['lt'])}"
        elif kind == "value_error":  # a model's own check: its message says it all
            text = str(ctx.get("error", e["msg"]))
        elif kind == "unexpected_keyword_argument":
            text = "is not a parameter"
        else:
            text = str(e["msg"]).lower()
        given = e.get("input")
        shown = "" if isinstance(given, Mapping | tuple) else f", not {given!r}"
        parts.append(f"{name} {text}{shown}")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class SignalEdge:
    """One edge of one signal, its strength in [0, 1] and a sentence saying what it is."""

    signal: str
    a: str
    b: str
    strength: float
    text: str
    p_value: float | None = None  # from the signal's permutation null, when it has one
    # the fusion query's row, kept only for a signal whose reader sums up a network's edges
    row: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False, repr=False)


def saturating(weight: float, scale: float, offset: float = 0.0) -> float:
    """1 - exp(-(weight - offset) / scale): the strengths fusion gives raw weights."""
    return 1.0 - math.exp(-(weight - offset) / scale)


Row = Mapping[str, Any]


class Reportable(Protocol):
    """A signal's result: it says what it found in a few counts."""

    def report(self) -> Sequence[tuple[str, Scalar]]:
        """(what, how many) pairs, in the order a front end prints them."""
        ...


class Detect(Protocol[P_in, R_out]):
    """Computes a signal's result from the graph, writing nothing."""

    def __call__(self, driver: Driver, params: P_in, /, *, database: str | None = None) -> R_out:
        """The result for these parameters."""
        ...


class Write(Protocol[R_in]):
    """Records a result as a DetectionRun whose edges carry its key; returns the key."""

    def __call__(self, driver: Driver, result: R_in, /, *, database: str | None = None) -> str:
        """The run key."""
        ...


@dataclass(frozen=True, slots=True)
class FusionReader:
    """How fusion reads one run: a named query giving rows with `a`, `b` and the properties
    that `strength` (a number in [0, 1], described by `strength_text`) and `evidence` (one
    sentence) read; `summary`, when given, sums up the rows of one network's edges in a
    sentence of the network's explanation (the likely UTC offset of an office, say)."""

    query: str
    strength: Callable[[Row], float]
    strength_text: str
    evidence: Callable[[Row], str]
    # one sentence about all of a network's edges of this signal (their rows), or None
    summary: Callable[[Sequence[Row]], str | None] | None = None


@dataclass(frozen=True)
class Signal(Generic[P, R]):
    """A detection signal, defined once; the registry lists every one.

    `detect` computes a result from the graph without writing (the result's `report()` gives
    the counts a front end prints), `write` records it and returns the run key, and `fusion`
    says how fusion reads a run back.
    """

    kind: str  # the DetectionRun kind, the CLI command and the GraphQL enum value
    label: str  # what it finds, in a few words, for explanations
    summary: str  # one sentence: CLI help and the model doc
    rel_type: RelType  # the account-to-account relationship fusion reads
    params: type[P]  # a pydantic dataclass with PARAMS_CONFIG: every knob, with its default
    detect: Detect[P, R]
    write: Write[R]
    fusion: FusionReader
    also_writes: tuple[RelType, ...] = ()  # evidence-only types the run writes too
    # Parameters a run of this signal on its own must name, although the pipeline has defaults
    # for them (CooRTweet leaves the time window to the analyst).
    explicit: tuple[str, ...] = ()
    # A named read query listing the pairs of posts behind one edge (params a, b, run), in
    # the shape of detect/copy_paste_pairs: the evidence listing the API serves.
    pairs: str | None = None

    @property
    def rel_types(self) -> tuple[RelType, ...]:
        """Every relationship type a run of this signal writes."""
        return (self.rel_type, *self.also_writes)

    @property
    def param_specs(self) -> tuple[ParamSpec, ...]:
        return param_specs(self.params)

    def make_params(self, values: Mapping[str, Any] | None = None) -> P:
        """The parameter model from plain values (defaults for the rest); ValueError in one line
        when a value is unknown, of the wrong type or out of bounds."""
        made: P = make_params(self.params, values, what=self.kind)
        return made

    def edge(self, row: Row) -> SignalEdge:
        """One row of the fusion query as a fusion edge."""
        f = self.fusion
        p = row.get("p_value")
        return SignalEdge(
            self.kind,
            row["a"],
            row["b"],
            f.strength(row),
            f.evidence(row),
            None if p is None else float(p),
            row if f.summary is not None else None,
        )

    def run(self, driver: Driver, params: P, *, database: str | None = None) -> tuple[str, R]:
        """Detect and write one run; returns its key and the result."""
        result = self.detect(driver, params, database=database)
        return self.write(driver, result, database=database), result


def params_dict(params: Any) -> dict[str, Scalar | list[str]]:
    """A parameter model's values as flat properties for its DetectionRun (a tuple as a list)."""
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(params).items()
    }
