"""The `cibgraph` command line: the local Neo4j, the schema, the query library, the API."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from cibgraph.ingest.base import Loader, LoadError, LoadReport, run_load
from cibgraph.ingest.bundle import BundleLoader, bundle_files
from cibgraph.ingest.demo import DEFAULT_OUT, DEFAULT_SEED, MANIFEST, MAX_SCALE
from cibgraph.ingest.demo import generate as generate_demo
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.ingest.twitter_io import TwitterIOLoader
from cibgraph.neo4j.driver import get_driver
from cibgraph.neo4j.registry import QueryMode, get_query, registry
from cibgraph.neo4j.schema import apply_schema
from cibgraph.neo4j.server import LocalNeo4j, Neo4jServerError
from cibgraph.settings import get_settings

app = typer.Typer(help="cibgraph: find and explain coordinated inauthentic networks in Neo4j.")
neo4j_app = typer.Typer(help="Install and run the project's local Neo4j 5.26 server.")
query_app = typer.Typer(help="The named Cypher queries of cypher/.")
load_app = typer.Typer(help="Load source files into Neo4j (validated, idempotent, batched).")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(query_app, name="query")
app.add_typer(load_app, name="load")

EXIT_REJECTS = 2  # the load finished, but some rows went to a rejects file

DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]
RejectsDir = Annotated[
    Path, typer.Option("--rejects-dir", help="Where rejected rows are written, one CSV per file.")
]
# 10,000 rows per transaction loaded fastest: 2,500, 5,000 and 20,000 were 7-18% slower on
# 300k share events (bench/load_bench.py's workload, 2 cores).
BatchSize = Annotated[int, typer.Option("--batch-size", min=1, help="Rows per transaction.")]
Paths = Annotated[list[Path], typer.Argument(help="Files to load (plain, .gz or .zip).")]

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


@neo4j_app.command("install")
def neo4j_install() -> None:
    """Resolve Neo4j, its Browser, APOC and GDS from Maven Central (cached after the first run)."""
    server = LocalNeo4j(get_settings())
    try:
        fresh = server.install()
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from None
    jars = (server.dist / "INSTALLED").read_text().split()
    word = "installed" if fresh else "already installed"
    console.print(f"Neo4j {word} in {server.dist} ({len(jars)} jars)")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local instance (a no-op when it runs) and apply the schema."""
    settings = get_settings()
    server = LocalNeo4j(settings)
    try:
        started = server.start()
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from None
    apply_schema(get_driver(), database=settings.neo4j_database)
    st = server.status()
    word = "started" if started else "already running"
    console.print(f"Neo4j {word} (pid {st.pid}): {st.bolt}, Browser at {st.http}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Shut the local instance down cleanly."""
    server = LocalNeo4j(get_settings())
    stopped = server.stop()
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local instance runs, and where."""
    st = LocalNeo4j(get_settings()).status()
    if not st.running:
        console.print(f"instance {st.instance}: not running (home {st.home})")
        raise typer.Exit(code=3)
    health = "answering" if st.answering else "not answering yet"
    console.print(
        f"instance {st.instance}: running, pid {st.pid}, {health}\n"
        f"  Bolt    {st.bolt}\n  Browser {st.http}\n  home    {st.home}"
    )


@app.command("schema")
def schema() -> None:
    """Apply the constraints and indexes (idempotent)."""
    settings = get_settings()
    n = apply_schema(get_driver(), database=settings.neo4j_database)
    console.print(f"schema applied ({n} statements)")


@query_app.command("list")
def query_list() -> None:
    """List the named queries with what each answers."""
    table = Table("name", "mode", "params", "answers")
    for q in registry().values():
        params = ", ".join(f"{k}: {v}" for k, v in q.params.items())
        table.add_row(q.name, q.mode.value, params, q.answers)
    console.print(table)


@query_app.command("run")
def query_run(
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=JSON value (or a plain string)")
    ] = None,
) -> None:
    """Run a named query and print its rows as JSON lines."""
    try:
        q = get_query(name)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    params: dict[str, Any] = {}
    for item in param or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise _fail(f"--param {item!r} is not name=value")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    try:
        records = q.run(get_driver(), params)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    for r in records:
        console.print_json(json.dumps(r.data(), default=str))
    if q.mode is QueryMode.READ:
        err.print(f"{len(records)} rows")


def run_loads(
    loader: Loader, paths: list[Path], *, dry_run: bool, rejects_dir: Path, batch_size: int
) -> list[LoadReport]:
    """Load each file with a progress bar, print a summary table, and set the exit code."""
    driver = None if dry_run else get_driver()
    reports: list[LoadReport] = []
    for path in paths:
        with Progress(
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.completed:,} rows"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(path.name, rate="", total=None)
            started = time.perf_counter()

            def tick(rows: int, task: TaskID = task, started: float = started) -> None:
                rate = rows / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=rows, rate=f"{rate:,.0f} rows/s")

            try:
                reports.append(
                    run_load(
                        loader,
                        path,
                        driver=driver,
                        rejects_dir=rejects_dir,
                        batch_size=batch_size,
                        dry_run=dry_run,
                        progress=tick,
                    )
                )
            except LoadError as exc:
                raise _fail(str(exc)) from None
    table = Table("file", "read", "loaded", "rejected", "duplicates", "rows/s", "rejects")
    for r in reports:
        table.add_row(
            r.path.name,
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_rejected:,}",
            f"{r.duplicates:,}",
            f"{r.rows_per_second:,.0f}",
            str(r.rejects_path or "-"),
        )
    console.print(table)
    if dry_run:
        console.print("dry run: nothing was written")
    if any(r.rows_rejected for r in reports):
        raise typer.Exit(code=EXIT_REJECTS)
    return reports


@load_app.command("share-events")
def load_share_events(
    paths: Paths,
    platform: Annotated[str, typer.Option(help="Platform of the accounts and posts.")] = "twitter",
    object_type: Annotated[
        ObjectType, typer.Option(help="What object_id names.", case_sensitive=False)
    ] = ObjectType.POST,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Share events: object_id, account_id, content_id, timestamp_share (CooRTweet's shape)."""
    loader = ShareEventsLoader(platform=platform, object_type=object_type)
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("twitter-io")
def load_twitter_io(
    paths: Paths,
    campaign: Annotated[
        str | None,
        typer.Option(help="Campaign label for every file (default: the file-name prefix)."),
    ] = None,
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Twitter/X information-operation archives: users and tweets files (told by their header)."""
    try:
        loader = TwitterIOLoader(campaign=campaign)
        for path in paths:  # every file must name its campaign before any is loaded
            loader.campaign_for(path)
    except LoadError as exc:
        raise _fail(str(exc)) from None
    run_loads(loader, paths, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size)


@load_app.command("bundle")
def load_bundle(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Bundle folders, or files named <kind>.csv|.jsonl[.gz]."),
    ],
    dry_run: DryRun = False,
    rejects_dir: RejectsDir = Path("rejects"),
    batch_size: BatchSize = 10_000,
) -> None:
    """Our investigation bundle (docs/bundle.md): entities first, then the links between them."""
    try:
        files = bundle_files(paths)
    except LoadError as exc:
        raise _fail(str(exc)) from None
    run_loads(
        BundleLoader(), files, dry_run=dry_run, rejects_dir=rejects_dir, batch_size=batch_size
    )


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
    report = generate_demo(out=out, seed=seed, scale=scale)
    table = Table("file", "rows")
    for name, rows in report.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    truth = ", ".join(f"{group} {n:,}" for group, n in report.truth.items())
    console.print(f"truth.csv groups: {truth}")
    console.print(f"wrote {report.out} (seed {seed}, scale {scale:g}) in {report.seconds:.1f} s")


DEMO_SHARES = (
    ("shares/posts.csv", ObjectType.POST),
    ("shares/urls.csv", ObjectType.URL),
    ("shares/hashtags.csv", ObjectType.HASHTAG),
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
    manifest = out / MANIFEST
    current = json.loads(manifest.read_text()) if manifest.is_file() else {}
    if (current.get("seed"), current.get("scale")) != (seed, scale):
        demo_generate(out=out, seed=seed, scale=scale)
    started = time.perf_counter()
    run_loads(
        BundleLoader(),
        bundle_files([out / "bundle"]),
        dry_run=False,
        rejects_dir=rejects_dir,
        batch_size=batch_size,
    )
    for name, object_type in DEMO_SHARES:
        run_loads(
            ShareEventsLoader(object_type=object_type),
            [out / name],
            dry_run=False,
            rejects_dir=rejects_dir,
            batch_size=batch_size,
        )
    console.print(f"demo loaded from {out} in {time.perf_counter() - started:.1f} s")


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

    driver = get_driver()
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

    driver = get_driver()
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

    driver = get_driver()
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

    driver = get_driver()
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

    driver = get_driver()
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


traverse_app = typer.Typer(help="Bounded traversals from an entity, printed as JSON.")
app.add_typer(traverse_app, name="traverse")

TypesOption = Annotated[
    list[str] | None, typer.Option("--types", "-t", help="Relationship type (repeat; default all).")
]


def _print_json(value: Any) -> None:
    import dataclasses

    def plain(v: Any) -> Any:
        is_instance = dataclasses.is_dataclass(v) and not isinstance(v, type)
        return dataclasses.asdict(v) if is_instance else v

    data = [plain(v) for v in value] if isinstance(value, list) else plain(value)
    print(json.dumps(data, default=str, ensure_ascii=False, indent=2))


@traverse_app.command("neighbourhood")
def traverse_neighbourhood(
    key: str,
    depth: Annotated[int, typer.Option("--depth", "-d")] = 1,
    types: TypesOption = None,
    direction: Annotated[str, typer.Option("--direction", help="out, in or both")] = "both",
    labels: Annotated[
        list[str] | None, typer.Option("--label", "-l", help="Pass only through this label.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit")] = 200,
) -> None:
    """The nodes within --depth hops of KEY and the relationships between them."""
    from cibgraph import traversals

    try:
        graph = traversals.neighbourhood(
            get_driver(),
            key=key,
            depth=depth,
            rel_types=types,
            direction=direction,
            labels=labels,
            limit=limit,
        )
    except (ValueError, LookupError) as exc:
        raise _fail(str(exc)) from None
    _print_json(graph)


@traverse_app.command("paths")
def traverse_paths(
    from_key: str,
    to_key: str,
    max_length: Annotated[int, typer.Option("--max-length")] = 4,
    types: TypesOption = None,
) -> None:
    """The shortest paths between two entities."""
    from cibgraph import traversals

    try:
        paths = traversals.shortest_paths(
            get_driver(), from_key=from_key, to_key=to_key, max_length=max_length, rel_types=types
        )
    except (ValueError, LookupError) as exc:
        raise _fail(str(exc)) from None
    _print_json(paths)


@traverse_app.command("network-of")
def traverse_network_of(key: str) -> None:
    """The detected networks KEY belongs to, with their scores and explanations."""
    from cibgraph import traversals

    try:
        _print_json(traversals.network_of(get_driver(), key=key))
    except (ValueError, LookupError) as exc:
        raise _fail(str(exc)) from None


@traverse_app.command("expand")
def traverse_expand(key: str, limit: Annotated[int, typer.Option("--limit")] = 100) -> None:
    """Who else is in KEY's network(s), ranked by evidence."""
    from cibgraph import traversals

    try:
        _print_json(traversals.expand_network(get_driver(), seed_key=key, limit=limit))
    except (ValueError, LookupError) as exc:
        raise _fail(str(exc)) from None


keys_app = typer.Typer(help="API keys for the GraphQL API (roles: reader, analyst, admin).")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who holds the key (shown as the author of notes).")],
    role: Annotated[str, typer.Option(help="reader, analyst or admin.")] = "reader",
) -> None:
    """Make a key; it is printed once and only its salted hash is stored."""
    from cibgraph.api.auth import Role, create_key

    try:
        made = create_key(get_driver(), name=name, role=Role(role))
    except ValueError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"key {made.key_id} for {made.name} ({made.role.value}); keep it, it is not stored:"
    )
    print(made.token)


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="A key id, or a name (revokes all its keys).")],
) -> None:
    """Revoke a key at once (servers may accept it for up to 10 s more)."""
    from cibgraph.api.auth import revoke_key

    revoked = revoke_key(get_driver(), key=key)
    if not revoked:
        raise _fail(f"no active key with id or name {key!r}")
    console.print(f"revoked {', '.join(revoked)}")


@keys_app.command("list")
def keys_list() -> None:
    """List the keys: id, name, role, created, revoked."""
    from cibgraph.api.auth import list_keys

    table = Table("id", "name", "role", "created", "revoked")
    for k in list_keys(get_driver()):
        table.add_row(
            k["key"], k["name"], k["role"], str(k["created_at"]), str(k["revoked_at"] or "-")
        )
    console.print(table)


@app.command("schema-export")
def schema_export(
    check: Annotated[
        bool,
        typer.Option("--check", help="Fail when schema.graphql is out of date; write nothing."),
    ] = False,
) -> None:
    """Write the GraphQL SDL to schema.graphql at the repository root."""
    from cibgraph.api.graphql.schema import SDL_PATH, export_sdl, sdl

    if check:
        current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.is_file() else ""
        if current != sdl():
            raise _fail(f"{SDL_PATH} is out of date: run `cibgraph schema-export`")
        console.print(f"{SDL_PATH} is up to date")
        return
    changed = export_sdl()
    console.print(f"{SDL_PATH} {'written' if changed else 'already up to date'}")


export_app = typer.Typer(help="Export a network, a case or a neighbourhood to a file.")
app.add_typer(export_app, name="export")

ExportFormatOption = Annotated[
    str, typer.Option("--format", "-f", help="csv, json, graphml, gexf, cypher or stix.")
]
ExportOut = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]
TlpOption = Annotated[str, typer.Option("--tlp", help="STIX marking: clear, green, amber, red.")]
RedactOption = Annotated[
    bool, typer.Option("--redact", help="Hash ids, handles and names of small accounts.")
]
SaltOption = Annotated[str | None, typer.Option("--salt", help="Salt for --redact (8+ chars).")]
MinFollowers = Annotated[
    int, typer.Option("--min-followers", min=0, help="Accounts under this are redacted.")
]


def _export(
    select: Any, fmt: str, out: Path, tlp: str, redact: bool, salt: str | None, min_followers: int
) -> None:
    from cibgraph.export import TLP, ExportFormat, Redaction, write_export
    from cibgraph.export.select import SelectionNotFoundError

    try:
        fmt_ = ExportFormat(fmt)
        tlp_ = TLP(tlp)
        if redact and not salt:
            raise ValueError("--redact needs --salt")
        redaction = Redaction(salt=salt or "", min_followers=min_followers) if redact else None
        subgraph = select(get_driver(), redaction)
    except (ValueError, SelectionNotFoundError) as exc:
        raise _fail(str(exc)) from None
    started = time.perf_counter()
    nodes, edges = write_export(subgraph, fmt_, out, tlp=tlp_)
    seconds = time.perf_counter() - started
    console.print(
        f"wrote {out} ({fmt_.value}): {nodes:,} nodes, {edges:,} edges in {seconds:.1f} s"
    )


@export_app.command("network")
def export_network(
    key: Annotated[str, typer.Argument(help="The Network key.")],
    fmt: ExportFormatOption,
    out: ExportOut,
    tlp: TlpOption = "amber",
    redact: RedactOption = False,
    salt: SaltOption = None,
    min_followers: MinFollowers = 5_000,
) -> None:
    """A detected network, its pages and groups, and the IPs and URLs that tie it."""
    from cibgraph.export import select_network

    _export(
        lambda d, r: select_network(d, network=key, redaction=r),
        fmt, out, tlp, redact, salt, min_followers,
    )  # fmt: skip


@export_app.command("case")
def export_case(
    key: Annotated[str, typer.Argument(help="The Case key.")],
    fmt: ExportFormatOption,
    out: ExportOut,
    tlp: TlpOption = "amber",
    redact: RedactOption = False,
    salt: SaltOption = None,
    min_followers: MinFollowers = 5_000,
) -> None:
    """A case: what it is about, its notes, and the members of its networks."""
    from cibgraph.export import select_case

    _export(
        lambda d, r: select_case(d, case=key, redaction=r),
        fmt, out, tlp, redact, salt, min_followers,
    )  # fmt: skip


@export_app.command("neighbourhood")
def export_neighbourhood(
    key: Annotated[str, typer.Argument(help="The seed's key.")],
    fmt: ExportFormatOption,
    out: ExportOut,
    depth: Annotated[int, typer.Option(min=1, max=3)] = 1,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    label: Annotated[str | None, typer.Option(help="The seed's label, if keys clash.")] = None,
    tlp: TlpOption = "amber",
    redact: RedactOption = False,
    salt: SaltOption = None,
    min_followers: MinFollowers = 5_000,
) -> None:
    """The nearest nodes within DEPTH hops of a seed, and the links between them."""
    from cibgraph.export import select_neighbourhood

    _export(
        lambda d, r: select_neighbourhood(
            d, key=key, label=label, depth=depth, limit=limit, redaction=r
        ),
        fmt, out, tlp, redact, salt, min_followers,
    )  # fmt: skip


browser_app = typer.Typer(
    help="Neo4j Browser: the cibgraph style and guide.", invoke_without_command=True
)
app.add_typer(browser_app, name="browser")


@browser_app.callback()
def browser_main(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port of `cibgraph browser serve`.")] = 7480,
) -> None:
    """Print the commands that open the cibgraph style and guide in Neo4j Browser."""
    if ctx.invoked_subcommand is not None:
        return
    from cibgraph.api.browser import browser_commands

    st = LocalNeo4j(get_settings()).status()
    console.print(f"1. run `cibgraph browser serve --port {port}` (serves docs/browser/)")
    console.print(f"2. open {st.http} and connect ({st.bolt})")
    console.print("3. paste into the editor:")
    for command in browser_commands(f"http://localhost:{port}"):
        print(f"   {command}")


@browser_app.command("serve")
def browser_serve(
    port: Annotated[int, typer.Option(help="Loopback port.")] = 7480,
) -> None:
    """Serve docs/browser/ (style and guide) on 127.0.0.1 for Neo4j Browser's :style and :play."""
    from cibgraph.api.browser import browser_commands, make_server

    server = make_server("127.0.0.1", port)
    console.print(f"serving docs/browser/ on http://127.0.0.1:{port} (Ctrl-C stops); paste:")
    for command in browser_commands(f"http://localhost:{port}"):
        print(f"   {command}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@browser_app.command("guide")
def browser_guide() -> None:
    """Regenerate docs/browser/guide.html from the named queries of cypher/."""
    from cibgraph.api.browser import GUIDE, write_guide

    console.print(f"{GUIDE} {'written' if write_guide() else 'already up to date'}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql, health at /healthz)."""
    import uvicorn

    uvicorn.run("cibgraph.api.app:create_app", factory=True, host=host, port=port)


if __name__ == "__main__":
    app()
