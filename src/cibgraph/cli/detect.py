"""`cibgraph detect`: run the detections and fuse them into scored networks."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from cibgraph.cli.connection import connect
from cibgraph.cli.main import app
from cibgraph.cli.output import console

detect_app = typer.Typer(help="Run the detections and fuse them into scored networks.")
app.add_typer(detect_app, name="detect")


@detect_app.command("coordination")
def detect_coordination_command(
    time_window: Annotated[
        int, typer.Option("--time-window", min=0, help="Seconds between two shares (inclusive).")
    ],
    min_participation: Annotated[
        int, typer.Option("--min-participation", min=1, help="Share events an account needs.")
    ],
    edge_weight: Annotated[
        float,
        typer.Option("--edge-weight", min=0.0, max=1.0, help="Quantile of weights to flag above."),
    ] = 0.5,
) -> None:
    """Coordinated sharing as CooRTweet 2.1 defines it, written as COORDINATED_WITH edges."""
    from cibgraph.detection.coordination import detect_coordination, write_coordination

    driver = connect()
    started = time.perf_counter()
    result = detect_coordination(
        driver,
        time_window=time_window,
        min_participation=min_participation,
        edge_weight=edge_weight,
    )
    run = write_coordination(driver, result)
    quantile = "-" if result.weight_quantile is None else f"{result.weight_quantile:g}"
    console.print(f"run {run.run_id}")
    console.print(f"  share events read  {result.share_events:,}")
    console.print(f"  coordinated pairs  {result.coordinated_pairs:,}")
    console.print(f"  accounts           {run.accounts:,}")
    console.print(f"  edges              {run.edges:,}")
    console.print(f"  above quantile {quantile:<4}{result.edges_above_threshold:,}")
    console.print(f"  seconds            {time.perf_counter() - started:.2f}")


@detect_app.command("infrastructure")
def detect_infrastructure_command(
    max_accounts: Annotated[
        int, typer.Option(min=3, help="IPs used by this many accounts or more are ignored.")
    ] = 100,
    min_weight: Annotated[float, typer.Option(min=0.0, help="Smallest edge weight kept.")] = 0.01,
) -> None:
    """Accounts tied by the rare IPs they used, written as SHARES_INFRA_WITH edges."""
    from cibgraph.detection.infrastructure import (
        InfraParams,
        detect_infrastructure,
        write_infrastructure,
    )

    driver = connect()
    started = time.perf_counter()
    result = detect_infrastructure(driver, InfraParams(max_accounts, min_weight))
    run = write_infrastructure(driver, result)
    console.print(f"run {run}")
    console.print(f"  shared IPs used      {result.ips_used:,}")
    console.print(f"  IPs above the cap    {result.ips_capped:,}")
    console.print(f"  edges                {len(result.edges):,}")
    console.print(f"  seconds              {time.perf_counter() - started:.2f}")


@detect_app.command("control")
def detect_control_command(
    max_admins: Annotated[int, typer.Option(min=2, help="Skip pages run by more admins.")] = 50,
    min_common: Annotated[int, typer.Option(min=1, help="Common followers for an overlap.")] = 3,
    min_jaccard: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.05,
) -> None:
    """Co-administration (CO_ADMIN_WITH) and page audience overlap (AUDIENCE_OVERLAP)."""
    from cibgraph.detection.control import ControlParams, detect_control, write_control

    driver = connect()
    started = time.perf_counter()
    result = detect_control(driver, ControlParams(max_admins, min_common, min_jaccard))
    run = write_control(driver, result)
    console.print(f"run {run}")
    console.print(f"  co-admin account pairs   {len(result.co_admins):,}")
    console.print(f"  page/group pairs         {len(result.entity_links):,}")
    console.print(f"  audience overlaps        {len(result.overlaps):,}")
    console.print(f"  seconds                  {time.perf_counter() - started:.2f}")


@detect_app.command("cohorts")
def detect_cohorts_command(
    max_gap: Annotated[
        int, typer.Option(min=0, help="Seconds between creations inside a burst.")
    ] = 1800,
    min_size: Annotated[int, typer.Option(min=2, help="Accounts a burst needs.")] = 10,
    neighbours: Annotated[int, typer.Option(min=1, help="Later burst-mates linked.")] = 10,
) -> None:
    """Creation bursts with look-alike handles and clients, written as COHORT_WITH edges."""
    from cibgraph.detection.cohorts import CohortParams, detect_cohorts, write_cohorts

    driver = connect()
    started = time.perf_counter()
    result = detect_cohorts(driver, CohortParams(max_gap, min_size, neighbours))
    run = write_cohorts(driver, result)
    console.print(f"run {run}")
    console.print(f"  bursts               {result.bursts:,}")
    console.print(f"  accounts in bursts   {result.accounts_in_bursts:,}")
    console.print(f"  edges                {len(result.edges):,}")
    console.print(f"  seconds              {time.perf_counter() - started:.2f}")


@detect_app.command("networks")
def detect_networks_command(
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Run every signal first, not only the missing ones.")
    ] = False,
    time_window: Annotated[
        int, typer.Option("--time-window", min=0, help="Coordination window, when it runs.")
    ] = 60,
    min_participation: Annotated[
        int, typer.Option("--min-participation", min=1, help="Coordination, when it runs.")
    ] = 2,
    min_score: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.5,
    min_size: Annotated[int, typer.Option(min=2)] = 5,
    gds: Annotated[
        bool, typer.Option("--gds/--no-gds", help="Use GDS when the server has it.")
    ] = True,
) -> None:
    """Fuse the signals' latest runs into scored, explained networks (IN_NETWORK)."""
    from cibgraph.detection.cohorts import detect_cohorts, write_cohorts
    from cibgraph.detection.control import detect_control, write_control
    from cibgraph.detection.coordination import detect_coordination, write_coordination
    from cibgraph.detection.fusion import FusionParams, detect_networks, latest_runs
    from cibgraph.detection.infrastructure import detect_infrastructure, write_infrastructure

    driver = connect()
    started = time.perf_counter()
    runs = {} if fresh else latest_runs(driver)
    if "coordination" not in runs:
        runs["coordination"] = write_coordination(
            driver,
            detect_coordination(
                driver, time_window=time_window, min_participation=min_participation
            ),
        ).run_id
    if "infrastructure" not in runs:
        runs["infrastructure"] = write_infrastructure(driver, detect_infrastructure(driver))
    if "control" not in runs:
        runs["control"] = write_control(driver, detect_control(driver))
    if "cohorts" not in runs:
        runs["cohorts"] = write_cohorts(driver, detect_cohorts(driver))
    params = FusionParams(min_score=min_score, min_size=min_size)
    result = detect_networks(driver, params, runs=runs, use_gds=None if gds else False)
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
    console.print(f"{len(result.networks)} networks in {time.perf_counter() - started:.2f} s")
