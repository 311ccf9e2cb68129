"""Coordinated-sharing speed and memory, side by side with coordination-network-toolkit.

Issue 4's speed benchmark. It runs on a dedicated local instance (`speed`: Bolt 7693, HTTP 7483,
heap 4g, page cache 2g) so a user's data is never touched, and prints in one run:

1. the Russian CooRTweet sample (time_window=60, min_participation=2), data already loaded:
   our detection end to end (Neo4j read + compute + write), median of 3 runs after 3 warm-up
   runs (all printed);
2. N synthetic retweet-like share events (default 1M), written as a share-events CSV and loaded
   with our loader: our detection end to end and, on the same events with the same 60 s window,
   coordination-network-toolkit 1.5.2 preprocessing them into SQLite and computing `co_retweet`,
   then how many of our edges the toolkit also finds once its self-pairs are discounted;
3. peak memory: our detection's Python process, the Neo4j JVM, the toolkit's processes.

Every detection and every toolkit step runs in a child process, so its peak RSS is its own; the
JVM and the children's process trees are sampled from /proc while they run. Each phase needs the
database to hold its file alone: when it holds anything else, the `speed` instance's store is
deleted and the file loaded afresh (the input CSVs are cached under .neo4j/bench-data/speed).
The toolkit lives in its own virtualenv (git-ignored), because it pins packages of its own:

    python3 -m venv .neo4j/bench-venv
    .neo4j/bench-venv/bin/pip install coordination-network-toolkit==1.5.2
    .venv/bin/python bench/detection_speed.py [--sizes 1000000,250000] [--phases russian,synthetic]

The toolkit's `co_retweet` is not CooRTweet: its edges are directed, weighted by how many of
user_1's retweets have a user_2 retweet of the same tweet within the window, with no
min_participation filter. Our edges should be a subset of its undirected pairs; the weights are
not compared.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The bench's own instance unless the environment names another (NEO4J_URI and friends).
os.environ.update(
    {
        k: os.environ.get(k, v)
        for k, v in {
            "NEO4J_URI": "neo4j://127.0.0.1:7693",
            "NEO4J_PASSWORD": "cibgraph-speed",
            "NEO4J_INSTANCE": "speed",
            "NEO4J_HTTP_PORT": "7483",
            "NEO4J_HEAP": os.environ.get("BENCH_HEAP", "4g"),
            "NEO4J_PAGECACHE": os.environ.get("BENCH_PAGECACHE", "2g"),
        }.items()
    }
)

from cibgraph.neo4j.driver import close_driver, get_driver  # noqa: E402
from cibgraph.settings import get_settings  # noqa: E402

TIME_WINDOW = 60
MIN_PARTICIPATION = 2
TOOLKIT = "coordination-network-toolkit==1.5.2"
VENV = ROOT / ".neo4j" / "bench-venv"
WORKDIR = ROOT / ".neo4j" / "bench-data" / "speed"
# The toolkit's CSV columns (its preprocess_csv_files docstring), in order.
TOOLKIT_COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)
SAMPLE_EVERY = 0.05  # seconds between /proc samples


# ---- memory ----------------------------------------------------------------------------------


def _status_kb(pid: int | str) -> tuple[int, int]:
    """`VmRSS` and `VmHWM` (its high-water mark) of /proc/<pid>/status in KiB; 0s once gone.

    VmHWM, not getrusage's ru_maxrss: a child started with vfork + exec inherits its parent's
    high-water mark in ru_maxrss, so a 20 MB child of a 100 MB parent would report 100 MB.
    """
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def _tree(root: int) -> list[int]:
    """`root` and all its descendants, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


class RssSampler:
    """Samples, until stopped, the Neo4j JVM's RSS and the RSS of a child's process tree.

    The tree matters for the toolkit: it computes in a pool of worker processes plus a manager.
    Each process's VmHWM is exact up to its last sample; the sum of RSS over the tree misses
    peaks shorter than SAMPLE_EVERY.
    """

    def __init__(self, *, neo4j_pid: int | None, root: int | None = None) -> None:
        self.neo4j_pid, self.root = neo4j_pid, root
        self.neo4j_peak_kb = self.tree_peak_kb = 0
        self.hwm_kb: dict[int, int] = {}  # last VmHWM seen per process of the tree
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            if self.neo4j_pid:
                self.neo4j_peak_kb = max(self.neo4j_peak_kb, _status_kb(self.neo4j_pid)[0])
            if self.root:
                total = 0
                for pid in _tree(self.root):
                    rss, hwm = _status_kb(pid)
                    total += rss
                    if hwm:
                        self.hwm_kb[pid] = hwm
                self.tree_peak_kb = max(self.tree_peak_kb, total)
            if self._stop.wait(SAMPLE_EVERY):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    """One child process: wall time, exit code, its peak RSS and what was sampled meanwhile."""

    seconds: float
    returncode: int
    peak_rss_mb: float  # the largest VmHWM of a single process of the tree
    tree_peak_mb: float  # the sampled sum over the child's process tree
    neo4j_peak_mb: float  # the sampled peak of the Neo4j JVM meanwhile
    timed_out: bool = False


def run_measured(
    cmd: Sequence[str], *, log: Path, neo4j_pid: int | None, timeout: float | None = None
) -> Measured:
    """Run `cmd` in its own session, output to `log`, sampling memory until it exits.

    On timeout the child's whole process group (it and its workers, all started here) is killed.
    """
    with log.open("ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    sampler = RssSampler(neo4j_pid=neo4j_pid, root=proc.pid)
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    while True:
        pid, status = os.waitpid(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            _, status = os.waitpid(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        seconds=seconds,
        returncode=proc.returncode,
        peak_rss_mb=max(sampler.hwm_kb.values(), default=0) / 1024,
        tree_peak_mb=sampler.tree_peak_kb / 1024,
        neo4j_peak_mb=sampler.neo4j_peak_kb / 1024,
        timed_out=timed_out,
    )


def progress(message: str) -> None:
    """A timestamped progress line on stderr; the results go to stdout."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}; {load_avg()}", file=sys.stderr, flush=True)


def load_avg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


# ---- our detection, in a child ---------------------------------------------------------------


def _dump(path: Path, edges: Any) -> int:
    """Edges as `account, other, weight, ...` lines (floats exactly, by repr); how many."""
    n = 0
    with path.open("w") as fh:
        for e in edges:
            fh.write("\t".join([e[0], e[1], *map(repr, e[2:])]) + "\n")
            n += 1
    return n


def child_detect(result_path: Path, edges_path: Path | None, engine: str) -> None:
    """One detection, timed inside this process, then untimed: its edges dumped, its run deleted.

    `duckdb`: the share log checked against the graph, the network computed over it,
    the edges of weight >= 2 written (every edge goes to the run's log file). `python`: what
    detection did before the log (events read from Neo4j, the network computed in Python); it
    writes nothing here, it is the reference the new edges are compared with.
    """
    from cibgraph.detection.coordination import (
        CoordinationParams,
        compute_coordination,
        compute_from_log,
        read_share_events,
        write_coordination,
    )
    from cibgraph.neo4j.db import read
    from cibgraph.neo4j.registry import get_query
    from cibgraph.sharelog import ShareLog

    driver = get_driver()
    read(driver, "RETURN 1")  # the connection is opened before timing
    before = _status_kb("self")[1]
    params = CoordinationParams(
        time_window=TIME_WINDOW,
        min_participation=MIN_PARTICIPATION,
        engine="duckdb" if engine == "python" else engine,
    )
    t0 = time.perf_counter()
    if engine == "python":
        shares = read_share_events(driver, min_participation=MIN_PARTICIPATION)
        t1 = time.perf_counter()
        result = compute_coordination(shares, params)
        t2 = t3 = time.perf_counter()
        run = None
    else:
        ShareLog.for_database().sync(driver)
        t1 = time.perf_counter()
        result = compute_from_log(driver, params, sync=False)
        t2 = time.perf_counter()
        run = write_coordination(driver, result)
        t3 = time.perf_counter()
    peak = _status_kb("self")[1]
    if edges_path is not None:
        _dump(edges_path, result.all_edges())
        _dump(edges_path.with_suffix(".heavy.tsv"), result.heavy)
    if run is not None:  # untimed clean-up
        get_query("detect/delete_run").run(driver, {"run": run.run_id})
    result_path.write_text(
        json.dumps(
            {
                "shares_read": result.share_events,
                "pairs": result.coordinated_pairs,
                "edges": result.edge_count,
                "written": len(result.heavy) if run is not None else 0,
                "heavy": len(result.heavy),
                "accounts": result.accounts,
                "read": t1 - t0,
                "compute": t2 - t1,
                "write": t3 - t2,
                "total": t3 - t0,
                "rss_before_mb": before / 1024,
                "rss_peak_mb": peak / 1024,
            }
        )
    )


def child_curve(csv_path: Path, result_path: Path, engine_name: str = "duckdb") -> None:
    """The SQL computation alone on a share log made straight from the CSV (no Neo4j): how
    detection time and memory grow with the number of events (on `engine_name`; Spark's
    memory is its JVM's, not this process's)."""
    import duckdb

    from cibgraph.detection.engine import coordinated_edges, open_engine

    events = WORKDIR / f"curve-log-{csv_path.stem}" / "events"
    if not events.exists():
        staging = events.with_name("staging")
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        con.execute(
            "COPY (SELECT 'twitter:' || account_id AS account, "  # noqa: S608 - our own paths
            "'Account' AS actor_type, "
            "'twitter:' || object_id AS object, 'Post' AS object_type, content_id, "
            "CAST(timestamp_share AS BIGINT) * 1000 AS at_ms, CAST(NULL AS VARCHAR) AS via, "
            "'sha256:bench' AS source, "
            "strftime(make_timestamp(CAST(timestamp_share AS BIGINT) * 1000000), '%Y-%m') AS month "
            f"FROM read_csv('{csv_path}', all_varchar = true)) "
            f"TO '{staging}' (FORMAT parquet, PARTITION_BY (month))"
        )
        con.close()
        staging.rename(events)
    before = _status_kb("self")[1]
    t0 = time.perf_counter()
    engine = open_engine(engine_name)
    try:
        found = coordinated_edges(
            engine,
            events,
            time_window=TIME_WINDOW,
            min_participation=MIN_PARTICIPATION,
            edge_weight=0.5,
            min_weight=2,
            out=WORKDIR / "curve-edges.parquet",
        )
    finally:
        engine.close()
    seconds = time.perf_counter() - t0
    result_path.write_text(
        json.dumps(
            {
                "seconds": seconds,
                "events": found.share_events,
                "edges": found.edge_count,
                "heavy": len(found.heavy),
                "rss_before_mb": before / 1024,
                "rss_peak_mb": _status_kb("self")[1] / 1024,
            }
        )
    )


def curve_phase(sizes: Sequence[int], seed: int, log: Path, engine: str = "duckdb") -> list[str]:
    out = [
        f"== 3. Scale curve: {engine} computation over the share log alone (seed {seed}, "
        f"time_window={TIME_WINDOW} s, min_participation={MIN_PARTICIPATION}) ==",
        f"   {'events':>12} {'seconds':>8} {'s per 1M':>9} {'edges':>11} {'weight >= 2':>12} "
        f"{'peak RSS':>10}  load average",
    ]
    for n in sizes:
        progress(f"scale curve: {n:,} events")
        ours_csv, _ = write_inputs(n, seed)
        result_path = WORKDIR / "curve-result.json"
        result_path.unlink(missing_ok=True)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child-curve", str(ours_csv)]
        cmd += ["--engine", engine]
        m = run_measured([*cmd, "--result", str(result_path)], log=log, neo4j_pid=None)
        if m.returncode != 0:
            sys.exit(f"the curve child failed (exit {m.returncode}): see {log}")
        r = json.loads(result_path.read_text())
        out.append(
            f"   {n:>12,} {r['seconds']:>8.1f} {r['seconds'] / n * 1e6:>9.2f} {r['edges']:>11,} "
            f"{r['heavy']:>12,} {r['rss_peak_mb']:>7,.0f} MB  {load_avg()}"
        )
    return out


def detect_in_child(
    neo4j_pid: int | None, *, log: Path, edges_path: Path | None = None, engine: str = "duckdb"
) -> tuple[dict[str, Any], Measured]:
    result_path = WORKDIR / "detect-result.json"
    result_path.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-detect", str(result_path)]
    cmd += ["--engine", engine]
    if edges_path is not None:
        cmd += ["--edges", str(edges_path)]
    m = run_measured(cmd, log=log, neo4j_pid=neo4j_pid)
    if m.returncode != 0:
        sys.exit(f"our detection failed (exit {m.returncode}): see {log}")
    return json.loads(result_path.read_text()), m


# ---- the instance ----------------------------------------------------------------------------


class Instance:
    """The `speed` instance: start, stop, and a fresh database holding exactly one file."""

    def __init__(self) -> None:
        from cibgraph.neo4j.server import LocalNeo4j

        self.server = LocalNeo4j(get_settings())

    @property
    def pid(self) -> int | None:
        return self.server.pid()

    def start(self) -> None:
        from cibgraph.neo4j.schema import apply_schema

        self.server.install()
        self.server.start()
        apply_schema(get_driver(), database=get_settings().neo4j_database)

    def stop(self) -> None:
        close_driver()
        self.server.stop()

    def wipe(self) -> None:
        """An empty database: removing the store of a stopped server beats deleting 1M rows."""
        self.stop()
        shutil.rmtree(self.server.data_dir, ignore_errors=True)
        self.start()

    def sources(self) -> tuple[list[str], int]:
        """The Source keys in the database and its number of share events."""
        from cibgraph.neo4j.db import read

        records = read(
            get_driver(),
            "MATCH (s:Source) WITH collect(s.key) AS sources "
            "RETURN sources, COUNT { ()-[:SHARED]->() } AS shares",
        )
        return records[0]["sources"], records[0]["shares"]

    def ensure_loaded(self, path: Path) -> float | None:
        """Load `path` (alone) unless the database already holds exactly it; the load's seconds."""
        from cibgraph.ingest.base import file_sha256, run_load
        from cibgraph.ingest.shares import ShareEventsLoader

        sources, shares = self.sources()
        if shares and sources == [f"sha256:{file_sha256(path)}"]:
            return None
        if sources or shares:
            self.wipe()
        rejects = WORKDIR / "rejects"
        report = run_load(ShareEventsLoader(), path, driver=get_driver(), rejects_dir=rejects)
        if report.rows_rejected:
            sys.exit(f"{report.rows_rejected} rows of {path} rejected: see {rejects}")
        return report.seconds


# ---- synthetic share events ------------------------------------------------------------------


def synthetic_shares(n: int, *, seed: int = 7) -> list[tuple[str, str, str, int]]:
    """`n` retweet-like share events `(object, account, content, epoch s)` over 30 days.

    Organic objects: popularity Pareto(1.3), capped at 10,000 shares (most objects get 1-3,
    a few thousands); each share arrives after its object's origin with a log-normal delay
    (median 2 h, sigma 1.8: most within hours, a long tail over days). Accounts: 1/8 of the
    events, activity Pareto(1.5), so a few accounts share thousands of times. Coordinated: 5% of
    the events are bursts of 8 accounts out of one of 50 groups of 20 sharing one object within
    30 s. Ids are decimal and disjoint (no object is one of the posts).
    """
    rng = random.Random(seed)
    n_accounts = max(n // 8, 1)
    activity = list(itertools.accumulate(rng.paretovariate(1.5) for _ in range(n_accounts)))
    total = activity[-1]
    t0, span = 1_600_000_000, 30 * 86_400
    groups = [range(g * 20, g * 20 + 20) for g in range(50)]  # accounts 0-999
    rows: list[tuple[int, int, int]] = []
    obj = 0
    while len(rows) < n:
        obj += 1
        if rng.random() < 0.05 / 8 * 1.7:  # ~5% of the events: one burst per 8 shares
            at = t0 + rng.randrange(span)
            for account in rng.sample(groups[rng.randrange(50)], 8):
                rows.append((obj, account, at + rng.randrange(30)))
            continue
        origin = t0 + rng.randrange(span)
        for _ in range(min(int(rng.paretovariate(1.3)), 10_000)):
            account = 1_000 + bisect.bisect(activity, rng.random() * total)
            delay = int(rng.lognormvariate(math.log(7_200), 1.8))
            rows.append((obj, account, origin + delay))
    rows = rows[:n]
    rows.sort(key=lambda r: r[2])  # as a collector writes them: in time order
    return [
        (str(10**15 + o), str(10**9 + a), str(2 * 10**15 + i), at)
        for i, (o, a, at) in enumerate(rows)
    ]


def write_inputs(n: int, seed: int) -> tuple[Path, Path]:
    """The share-events CSV (ours) and the same events in the toolkit's CSV format, cached."""
    ours = WORKDIR / f"shares-{n}-seed{seed}.csv"
    theirs = WORKDIR / f"toolkit-{n}-seed{seed}.csv"
    if ours.exists() and theirs.exists():
        return ours, theirs
    rows = synthetic_shares(n, seed=seed)
    with ours.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        w.writerows(rows)
    # The toolkit's columns: message_id, user_id, username, repost_id, reply_id, message,
    # timestamp, urls. A retweet: message = our post, repost_id = the shared object.
    with theirs.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(TOOLKIT_COLUMNS)
        w.writerows((c, a, "", o, "", "", at, "") for o, a, c, at in rows)
    return ours, theirs


# ---- the toolkit -----------------------------------------------------------------------------


def toolkit_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        sys.exit(
            f"no toolkit virtualenv: python3 -m venv {VENV} && {VENV}/bin/pip install {TOOLKIT}"
        )
    probe = "import importlib.metadata as m; print(m.version('coordination-network-toolkit'))"
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    version = done.stdout.strip()
    if version != TOOLKIT.split("==")[1]:
        sys.exit(f"{VENV} has coordination-network-toolkit {version or 'missing'}, not {TOOLKIT}")
    return python


@dataclass
class ToolkitRun:
    preprocess: Measured
    compute: Measured
    db: Path


def run_toolkit(csv_path: Path, *, neo4j_pid: int | None, log: Path, timeout: float) -> ToolkitRun:
    """Preprocess the CSV into a new SQLite database, then compute co_retweet on it.

    min_edge_weight=1 (its API's default; the CLI's is 2) keeps every pair of users with one
    co-retweet, the same floor as CooRTweet's edges; n_cpus = every core.
    """
    python = str(toolkit_python())
    db = WORKDIR / f"{csv_path.stem}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    module = [python, "-m", "coordination_network_toolkit", str(db)]
    pre = run_measured(
        [*module, "preprocess", "--format", "csv", str(csv_path)],
        log=log,
        neo4j_pid=neo4j_pid,
        timeout=timeout,
    )
    if pre.timed_out:
        return ToolkitRun(pre, pre, db)  # no database to compute on: reported as timed out
    if pre.returncode != 0:
        sys.exit(f"toolkit preprocess failed (exit {pre.returncode}): see {log}")
    compute = run_measured(
        [
            *module,
            "compute",
            "co_retweet",
            "--time_window",
            str(TIME_WINDOW),
            "--min_edge_weight",
            "1",
            "--n_cpus",
            str(os.cpu_count() or 1),
        ],
        log=log,
        neo4j_pid=neo4j_pid,
        timeout=max(timeout - pre.seconds, 1.0),
    )
    if compute.returncode != 0 and not compute.timed_out:
        sys.exit(f"toolkit co_retweet failed (exit {compute.returncode}): see {log}")
    return ToolkitRun(pre, compute, db)


@dataclass
class Comparison:
    ours: int  # our undirected edges
    toolkit_rows: int  # its directed rows, self-pairs included
    self_pairs: int  # rows user_1 == user_2 (1.5.2 pairs every message with itself)
    toolkit_undirected: int  # distinct user pairs once self-pairs are dropped
    toolkit_min2: int  # of those, pairs with weight >= 2 both ways (its CLI default)
    found: int  # our edges it also finds
    only_toolkit: int


def compare(edges_path: Path, db: Path) -> Comparison:
    """Our edges against the toolkit's co_retweet network, self-pairs discounted."""
    prefix = "twitter:"
    ours = set()
    with edges_path.open() as fh:
        for line in fh:
            a, b = line.split("\t")[:2]
            ours.add((a.removeprefix(prefix), b.removeprefix(prefix)))
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT user_1, user_2, weight FROM co_retweet_network").fetchall()
    finally:
        con.close()
    theirs: dict[tuple[str, str], int] = {}
    self_pairs = 0
    for u1, u2, w in rows:
        u1, u2 = str(u1), str(u2)
        if u1 == u2:
            self_pairs += 1
            continue
        key = (u1, u2) if u1 < u2 else (u2, u1)
        theirs[key] = min(theirs.get(key, w), w)
    found = len(ours & theirs.keys())
    return Comparison(
        ours=len(ours),
        toolkit_rows=len(rows),
        self_pairs=self_pairs,
        toolkit_undirected=len(theirs),
        toolkit_min2=sum(1 for w in theirs.values() if w >= 2),
        found=found,
        only_toolkit=len(theirs) - found,
    )


# ---- the phases ------------------------------------------------------------------------------


def russian_phase(inst: Instance, runs: int, warm_ups: int, log: Path) -> list[str]:
    path = get_settings().data_dir() / "coortweet" / "russian_coord_tweets.csv.gz"
    progress(f"Russian sample: loading {path.name} unless already loaded")
    load_s = inst.ensure_loaded(path)
    # Warm-up runs, printed but not in the median: a JVM fresh from a restart (or a load) is
    # slow until its JIT has compiled the read and write paths these queries take.
    progress(f"Russian sample: {warm_ups} warm-up runs + {runs} timed runs")
    warm_up = [detect_in_child(inst.pid, log=log) for _ in range(warm_ups)]
    results = [detect_in_child(inst.pid, log=log) for _ in range(runs)]
    med = {k: statistics.median(r[k] for r, _ in results) for k in ("read", "compute", "write")}
    total = statistics.median(r["total"] for r, _ in results)
    first = results[0][0]
    out = [
        f"== 1. Coordinated sharing, Russian sample: {first['shares_read']:,} share events read, "
        f"time_window={TIME_WINDOW}, min_participation={MIN_PARTICIPATION} ==",
        "   load: " + ("already loaded" if load_s is None else f"{load_s:.1f} s (not timed below)"),
        f"   {'run':>8} {'read s':>8} {'compute s':>10} {'write s':>8} {'end-to-end s':>13} "
        f"{'edges':>7} {'accounts':>9} {'python peak RSS':>16} {'neo4j RSS':>10}",
    ]
    labelled = [(f"warm-up{i}", x) for i, x in enumerate(warm_up, 1)]
    for i, (r, m) in itertools.chain(labelled, enumerate(results, 1)):
        out.append(
            f"   {i:>8} {r['read']:>8.2f} {r['compute']:>10.2f} {r['write']:>8.2f} "
            f"{r['total']:>13.2f} {r['edges']:>7,} {r['accounts']:>9,} "
            f"{r['rss_peak_mb']:>13,.0f} MB {m.neo4j_peak_mb:>7,.0f} MB"
        )
    verdict = "met" if total < 2.0 else "MISSED"
    out += [
        f"   {'median':>8} {med['read']:>8.2f} {med['compute']:>10.2f} {med['write']:>8.2f} "
        f"{total:>13.2f}   target < 2 s: {verdict} (median of the {runs} timed runs)",
        f"   python RSS before detection (interpreter, driver): "
        f"{first['rss_before_mb']:,.0f} MB; {load_avg()}",
    ]
    return out


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def synthetic_phase(
    inst: Instance, n: int, seed: int, log: Path, toolkit_timeout: float, python_limit: int
) -> list[str]:
    t = time.perf_counter()
    progress(f"{n:,} synthetic share events: writing the input CSVs unless cached")
    ours_csv, toolkit_csv = write_inputs(n, seed)
    gen_s = time.perf_counter() - t
    progress(f"{n:,} synthetic share events: loading {ours_csv.name} unless already loaded")
    load_s = inst.ensure_loaded(ours_csv)
    edges_path = WORKDIR / f"edges-{n}.tsv"
    progress(f"{n:,} synthetic share events: our detection")
    r, m = detect_in_child(inst.pid, log=log, edges_path=edges_path)
    avg_before = load_avg()
    ref = None
    if n <= python_limit:
        progress(f"{n:,} synthetic share events: detection as before the log (reference)")
        ref_path = WORKDIR / f"edges-python-{n}.tsv"
        ref = detect_in_child(inst.pid, log=log, edges_path=ref_path, engine="python")[0]
        same_all = _lines(edges_path) == _lines(ref_path)
        ours_heavy = _lines(edges_path.with_suffix(".heavy.tsv"))
        same_heavy = ours_heavy == _lines(ref_path.with_suffix(".heavy.tsv"))
    progress(f"{n:,} synthetic share events: the toolkit")
    tk = run_toolkit(toolkit_csv, neo4j_pid=inst.pid, log=log, timeout=toolkit_timeout)
    c = None if tk.compute.timed_out or tk.preprocess.timed_out else compare(edges_path, tk.db)

    def secs(x: Measured) -> str:
        return "timed out" if x.timed_out else f"{x.seconds:.1f} s"

    loaded = "already loaded" if load_s is None else f"{load_s:.1f} s ({n / load_s:,.0f} rows/s)"
    ours_detect = (
        f"{r['total']:.1f} s = log check {r['read']:.1f} + compute {r['compute']:.1f}"
        f" + write {r['write']:.1f} ({r['written']:,} edges of weight >= 2)"
    )
    rows = [
        ("", "cibgraph", "coordination-network-toolkit 1.5.2"),
        ("ingest", f"load into Neo4j: {loaded}", f"preprocess into SQLite: {secs(tk.preprocess)}"),
        (
            "detect (end to end)",
            ours_detect,
            f"co_retweet: {secs(tk.compute)} ({os.cpu_count()} worker processes)",
        ),
        (
            "ingest + detect",
            f"{(load_s or 0.0) + r['total']:.1f} s",
            "-" if c is None else f"{tk.preprocess.seconds + tk.compute.seconds:.1f} s",
        ),
        ("coordinated pairs", f"{r['pairs']:,}", "-"),
        (
            "python peak RSS",
            f"{r['rss_peak_mb']:,.0f} MB (before detection {r['rss_before_mb']:,.0f} MB)",
            f"preprocess {tk.preprocess.peak_rss_mb:,.0f} MB; co_retweet largest process "
            f"{tk.compute.peak_rss_mb:,.0f} MB, all processes {tk.compute.tree_peak_mb:,.0f} MB",
        ),
        (
            "neo4j RSS (sampled)",
            f"{m.neo4j_peak_mb:,.0f} MB during detection",
            f"{tk.compute.neo4j_peak_mb:,.0f} MB, idle meanwhile",
        ),
    ]
    if c is not None:
        detect_ratio = r["total"] / tk.compute.seconds
        both_ratio = ((load_s or 0.0) + r["total"]) / (tk.preprocess.seconds + tk.compute.seconds)
        rows.append(
            (
                "ratios (ours/theirs)",
                f"detect {detect_ratio:.2f}x (target <= 0.33)",
                f"ingest + detect {both_ratio:.2f}x (target <= 0.5)"
                + ("" if load_s is not None else "; load not timed here (already loaded)"),
            )
        )
    if ref is not None:
        rows.append(
            (
                "before the log",
                f"read {ref['read']:.1f} + compute {ref['compute']:.1f} s (Python; then wrote all)",
                f"python peak RSS {ref['rss_peak_mb']:,.0f} MB",
            )
        )
        rows.append(
            (
                "edges >= 2 vs before",
                f"{'equal' if same_heavy else 'DIFFERENT'}: {len(ours_heavy):,} edges, every field",
                f"all {r['edges']:,} edges {'equal' if same_all else 'DIFFERENT'}",
            )
        )
    if c is not None:
        rows += [
            (
                "edges",
                f"{c.ours:,} undirected",
                f"{c.toolkit_rows:,} directed rows, {c.self_pairs:,} of them self-pairs",
            ),
            (
                "after discounting",
                "",
                f"{c.toolkit_undirected:,} undirected ({c.toolkit_min2:,} of weight >= 2)",
            ),
        ]
    out = [
        f"== 2. {n:,} synthetic share events (seed {seed}, input written in {gen_s:.0f} s), "
        f"time_window={TIME_WINDOW} s, min_participation={MIN_PARTICIPATION} (ours) =="
    ]
    out += [f"   {a:<20} {b:<46} {t}" for a, b, t in rows]
    if c is not None:
        out.append(
            f"   our edges it also finds: {c.found:,} of {c.ours:,} "
            f"({100 * c.found / max(c.ours, 1):.2f}%); edges only it finds: {c.only_toolkit:,}"
        )
    out.append(f"   {avg_before} after our detection; {load_avg()} after the toolkit")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phases", default="russian,synthetic")
    ap.add_argument("--sizes", default="1000000", help="synthetic sizes, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs on the Russian data (median)")
    ap.add_argument("--warm-up", type=int, default=3, help="untimed runs before them")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--toolkit-timeout", type=float, default=1200.0, help="seconds per size")
    ap.add_argument("--keep-running", action="store_true", help="leave the instance up")
    ap.add_argument("--child-detect", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--edges", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="duckdb", help="our engine (duckdb, spark)")
    ap.add_argument("--fresh-load", action="store_true", help="reload each size (time ingest)")
    ap.add_argument(
        "--python-reference",
        type=int,
        default=1_000_000,
        help="compare with the pre-log Python detection up to this many events",
    )
    ap.add_argument("--curve", default="100000,1000000", help="scale curve sizes")
    ap.add_argument("--child-curve", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_curve:
        child_curve(args.child_curve, args.result, args.engine)
        return
    if args.child_detect:
        child_detect(args.child_detect, args.edges, args.engine)
        return

    phases = args.phases.split(",")
    if "synthetic" in phases:
        toolkit_python()  # fail before anything slow
    WORKDIR.mkdir(parents=True, exist_ok=True)
    log = WORKDIR / "children.log"
    started = time.perf_counter()
    memory = f"heap {os.environ['NEO4J_HEAP']}, page cache {os.environ['NEO4J_PAGECACHE']}"
    print(f"start: {load_avg()}; instance `speed` ({memory}); child output in {log}", flush=True)
    inst = Instance()
    inst.start()
    lines: list[str] = []
    try:
        if "russian" in phases:
            lines += russian_phase(inst, args.runs, args.warm_up, log)
            print("\n".join(lines), flush=True)
        for n in (int(s) for s in args.sizes.split(",")) if "synthetic" in phases else ():
            if args.fresh_load:
                inst.wipe()
            part = synthetic_phase(
                inst, n, args.seed, log, args.toolkit_timeout, args.python_reference
            )
            print("\n".join(part), flush=True)
            lines += part
        if "curve" in phases:
            sizes = [int(x) for x in args.curve.split(",")]
            part = curve_phase(sizes, args.seed, log, args.engine)
            print("\n".join(part), flush=True)
            lines += part
        hwm = _status_kb(inst.pid)[1] / 1024 if inst.pid else 0.0
        lines.append(
            f"neo4j high-water RSS since start (VmHWM, loads included): {hwm:,.0f} MB; "
            f"total {time.perf_counter() - started:.0f} s; {load_avg()}"
        )
    finally:
        if not args.keep_running:
            inst.stop()
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
