"""`cibgraph detect`: run the detections and fuse them into scored networks.

One command per registered signal and `networks`; their options are the signals' and fusion's
parameter models (cibgraph.detection.registry), with the models' defaults and descriptions, and
every run goes through cibgraph.detection.pipeline.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

import typer
from rich.table import Table

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console, err, fail
from cibgraph.detection.fusion import FusionParams
from cibgraph.detection.pipeline import PipelineResult, detect_and_fuse, run_signal
from cibgraph.detection.registry import SIGNALS
from cibgraph.detection.signal import ParamSpec, Scalar, Signal, make_params, param_specs

detect_app = typer.Typer(help="Run the detections and fuse them into scored networks.")
app.add_typer(detect_app, name="detect")

FUSION_SPECS = param_specs(FusionParams, exclude={"weights"})


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _option(
    ident: str, spec: ParamSpec, flag: str, *, required: bool = False, what: str = ""
) -> inspect.Parameter:
    """A typer option for one model parameter (the model checks the value: one error style)."""
    bounds = spec.bounds_text()
    text = f"{what}{spec.description}" + (f" ({bounds})" if bounds else "")
    if spec.multiple:  # a repeatable option; none given is the model's empty default
        option = typer.Option(None, flag, help=text, show_default=False)
        return inspect.Parameter(
            ident, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=list[str] | None
        )
    option = typer.Option(... if required else spec.default, flag, help=text)
    return inspect.Parameter(
        ident, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=spec.type
    )


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The options' values for the parameter model (a repeatable option not given left out)."""
    return {k: v for k, v in values.items() if v is not None}


def _with_signature(fn: Callable[..., None], params: Iterable[inspect.Parameter]) -> None:
    """Give `fn` the options typer reads from its signature."""
    vars(fn)["__signature__"] = inspect.Signature(list(params))


def _count(value: Scalar) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _signal_command(signal: Signal[Any, Any]) -> None:
    def command(**values: Any) -> None:
        try:
            run = run_signal(connect(), signal.kind, _given(values))
        except ValueError as exc:
            raise fail(str(exc)) from None
        rows = [*((what, _count(n)) for what, n in run.report), ("seconds", f"{run.seconds:.2f}")]
        width = max(len(what) for what, _ in rows) + 2
        console.print(f"run {run.run_id}")
        for what, n in rows:
            console.print(f"  {what:<{width}}{n}", highlight=False)

    types = " and ".join(t.value for t in signal.rel_types)
    command.__doc__ = f"{signal.summary} Written as {types} edges."
    _with_signature(
        command,
        (
            _option(s.name, s, _flag(s.name), required=s.name in signal.explicit)
            for s in signal.param_specs
        ),
    )
    detect_app.command(signal.kind)(command)


for _signal in SIGNALS:
    _signal_command(_signal)


def _network_options() -> list[inspect.Parameter]:
    """--fresh, --gds, fusion's parameters, and each signal's for when it runs: a signal's
    option keeps its own name unless another signal or fusion uses it (then `--<kind>-<name>`)."""
    taken = [s.name for s in FUSION_SPECS] + [p.name for s in SIGNALS for p in s.param_specs]
    options = [
        inspect.Parameter(
            "fresh",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(
                False, "--fresh", help="Run every signal first, not only the missing ones."
            ),
            annotation=bool,
        ),
        inspect.Parameter(
            "gds",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(True, "--gds/--no-gds", help="Use GDS when the server has it."),
            annotation=bool,
        ),
    ]
    options += [
        _option(f"fusion__{s.name}", s, _flag(s.name), what="fusion: ") for s in FUSION_SPECS
    ]
    for signal in SIGNALS:
        for s in signal.param_specs:
            clash = taken.count(s.name) > 1
            flag = _flag(f"{signal.kind}_{s.name}" if clash else s.name)
            what = f"{signal.kind}, when it runs: "
            options.append(_option(f"{signal.kind}__{s.name}", s, flag, what=what))
    return options


def detect_networks_command(*, fresh: bool, gds: bool, **values: Any) -> None:
    """Fuse the signals' latest runs (missing ones run first) into scored, explained networks."""
    grouped: dict[str, dict[str, Any]] = {}
    for ident, value in _given(values).items():
        kind, _, name = ident.partition("__")
        grouped.setdefault(kind, {})[name] = value
    try:
        fusion = make_params(FusionParams, grouped.pop("fusion", {}), what="fusion")
        result = detect_and_fuse(
            connect(),
            fresh=fresh,
            params=grouped,
            fusion=fusion,
            use_gds=None if gds else False,
            progress=lambda step: err.print(f"[dim]{step}[/]", highlight=False),
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    _print_networks(result)


_with_signature(detect_networks_command, _network_options())
detect_app.command("networks")(detect_networks_command)


def _print_networks(done: PipelineResult) -> None:
    result = done.fusion
    console.print(f"run {result.run_id} (communities by {'GDS' if result.used_gds else 'Python'})")
    for signal, run in sorted(result.signal_runs.items()):
        console.print(f"  {signal:15} {run}")
    table = Table("network", "score", "accounts", "pages", "groups", "signals")
    for rank, n in enumerate(result.networks, start=1):
        table.add_row(
            f"{result.run_id}:{rank}",
            f"{n.score:.2f}",
            f"{n.size:,}",
            str(sum(e.kind == "page" for e in n.entities)),
            str(sum(e.kind == "group" for e in n.entities)),
            ", ".join(f"{s} {v:.2f}" for s, v in sorted(n.strengths.items(), key=lambda x: -x[1])),
        )
    console.print(table)
    for rank, n in enumerate(result.networks, start=1):
        console.rule(f"network {rank}")
        console.print(n.explanation(), markup=False, highlight=False)
    seconds = sum(done.timings.values())
    console.print(f"{len(result.networks)} networks in {seconds:.2f} s")
