"""`cibgraph demo`: generate and load the seeded synthetic investigation."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cibgraph.cli.connection import connect
from cibgraph.cli.load import BatchSize, RejectsDir, run_loads
from cibgraph.cli.main import app
from cibgraph.cli.output import console, fail
from cibgraph.ingest.demo import DEFAULT_OUT, DEFAULT_SEED, MAX_SCALE, DemoReport, load_demo
from cibgraph.ingest.demo import generate as generate_demo

demo_app = typer.Typer(help="A seeded synthetic investigation to explore and test with.")
app.add_typer(demo_app, name="demo")


@demo_app.command("generate")
def demo_generate(
    out: Annotated[Path, typer.Option("--out", help="Folder for the bundle (files replaced).")] = (
        DEFAULT_OUT
    ),
    seed: Annotated[int, typer.Option(help="Same seed and scale, byte-identical files.")] = (
        DEFAULT_SEED
    ),
    scale: Annotated[
        float, typer.Option(min=0.001, max=MAX_SCALE, help="Multiplies every count.")
    ] = 1.0,
) -> None:
    """Write a synthetic network modelled on the 2019 Hong Kong case, with its answer key."""
    _print_generated(generate_demo(out=out, seed=seed, scale=scale))


def _print_generated(report: DemoReport) -> None:
    table = Table("file", "rows")
    for name, rows in report.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    truth = ", ".join(f"{group} {n:,}" for group, n in report.truth.items())
    console.print(f"truth.csv groups: {truth}")
    console.print(
        f"wrote {report.out} (seed {report.seed}, scale {report.scale:g}) in {report.seconds:.1f} s"
    )


@demo_app.command("load")
def demo_load(
    out: Annotated[Path, typer.Option("--out", help="The demo folder.")] = DEFAULT_OUT,
    seed: Annotated[int, typer.Option(help="Seed, if the demo must be generated.")] = DEFAULT_SEED,
    scale: Annotated[float, typer.Option(min=0.001, max=MAX_SCALE)] = 1.0,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Generate the demo unless it is there with this seed and scale, then load all of it."""
    driver = connect()  # before generating: a server that is not there fails the command at once
    started = time.perf_counter()
    load_demo(
        driver,
        out=out,
        seed=seed,
        scale=scale,
        rejects_dir=rejects_dir,
        batch_size=batch_size,
        load_files=partial(
            run_loads, dry_run=False, rejects_dir=rejects_dir, batch_size=batch_size
        ),
        on_generated=_print_generated,
    )
    console.print(f"demo loaded from {out} in {time.perf_counter() - started:.1f} s")


@demo_app.command("remove")
def demo_remove(
    out: Annotated[Path, typer.Option("--out", help="The demo folder that was loaded.")] = (
        DEFAULT_OUT
    ),
) -> None:
    """Remove exactly what `demo load` loaded (by its files' Source records); real data stays."""
    from cibgraph.ingest.remove import demo_files, remove_sources, source_keys

    driver = connect()  # first: a server that is not there fails the command at once
    keys = source_keys(demo_files(out))
    if not keys:
        raise fail(f"{out} holds no demo files: pass the folder `demo load` used with --out")
    done = remove_sources(driver, keys)
    if not done.sources:
        console.print(f"nothing loaded from {out} is in the graph")
        return
    console.print(
        f"removed the demo ({done.sources} files): {done.nodes:,} nodes, "
        f"{done.relationships:,} relationships and {done.networks:,} networks deleted; "
        f"{done.kept:,} nodes and relationships other files brought too kept. "
        "Run `cibgraph detect networks --fresh` to detect again on what is left.",
        soft_wrap=True,
    )
