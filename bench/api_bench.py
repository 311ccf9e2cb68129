"""Latency and throughput of the GraphQL API on the demo, driven from a separate process.

Runs on a dedicated local instance (`apibench`, Bolt 7694, HTTP 7484) so a user's data is never
touched. It empties that instance, loads the default demo (`cibgraph demo load`), runs every
detection and the fusion (`cibgraph detect networks --fresh`), makes a reader key, and serves the
API with uvicorn (one worker) on 127.0.0.1:8765. A separate load-generating process (this file's
`drive` mode: asyncio and aiohttp, one keep-alive connection per client) then sends, at 1, 8 and 32
concurrent clients:

- `networkOf` of a state account, with each network's first 50 members;
- `neighbourhood(depth: 2, limit: 200)` of the same account (every relationship type);

and reports p50, p95 and requests per second for each. Every answer is checked (HTTP 200, no
GraphQL errors); a failed request counts as an error, not as a latency. Only loopback traffic.

Usage: .venv/bin/python bench/api_bench.py [--requests 300] [--levels 1,8,32] [--reuse] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOLT_PORT = 7694
HTTP_PORT = 7484
API_HOST = "127.0.0.1"
API_PORT = 8765
API_URL = f"http://{API_HOST}:{API_PORT}"

# The bench's own instance unless the environment names another (NEO4J_URI and friends).
ENV = {
    k: os.environ.get(k, v)
    for k, v in {
        "NEO4J_URI": f"neo4j://127.0.0.1:{BOLT_PORT}",
        "NEO4J_PASSWORD": "cibgraph-bench",
        "NEO4J_INSTANCE": "apibench",
        "NEO4J_HTTP_PORT": str(HTTP_PORT),
        "NEO4J_HEAP": os.environ.get("BENCH_HEAP", "1g"),
        "NEO4J_PAGECACHE": os.environ.get("BENCH_PAGECACHE", "1g"),
    }.items()
}

NETWORK_OF = """
query NetworkOf($id: ID!) {
  networkOf(entity: $id) {
    score evidence
    network {
      id key score size
      members(first: 50) {
        totalCount
        edges { node { score evidence entity { id key ... on Account { handle } } } }
      }
    }
  }
}
"""

NEIGHBOURHOOD = """
query Hood($id: ID!) {
  neighbourhood(id: $id, depth: 2, limit: 200) {
    truncated edgesTruncated
    nodes { id key __typename }
    edges { id type source target }
  }
}
"""

QUERIES = {"networkOf": NETWORK_OF, "neighbourhood": NEIGHBOURHOOD}


# --- the load generator (a separate process) -------------------------------------------------


async def drive(
    url: str,
    headers: dict[str, str],
    body: dict[str, Any],
    clients: int,
    requests: int,
    *,
    warmup: int = 3,
    warm_clients: int | None = 8,
) -> dict[str, Any]:
    """`requests` POSTs of `body` to the endpoint `url` from `clients` concurrent clients, after
    `warmup` rounds of `warm_clients` (None: `clients`) unrecorded ones; latencies and errors.
    The peer bench (bench/graphql_peer_bench.py) drives both servers with it too.

    The clients are aiohttp's (its HTTP parser is C): with httpx the load generator itself took
    60-75% of a core at 32 clients, on the 2 cores the servers share, and its own queueing
    widened the measured tail of whichever server answered faster (the network at 32 clients:
    p95 250-440 ms through httpx, 125-128 ms through aiohttp, for the same server)."""
    import aiohttp

    latencies: list[float] = []
    errors: list[str] = []
    remaining = requests

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def one(record: bool) -> None:
            t = time.perf_counter()
            try:
                async with http.post(url, json=body, headers=headers) as resp:
                    text = await resp.text()
                ok = resp.status == 200 and not json.loads(text).get("errors")
                problem = "" if ok else f"{resp.status} {text[:200]}"
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if not record:
                return
            if problem:
                errors.append(problem)
            else:
                latencies.append(time.perf_counter() - t)

        async def client() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await one(True)

        warm = clients if warm_clients is None else min(clients, warm_clients)
        for _ in range(warmup):  # opens connections and warms the server's and Neo4j's caches
            await asyncio.gather(*(one(False) for _ in range(warm)))
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - started

    done = len(latencies)
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive") if done >= 2 else ms * 99
    return {
        "clients": clients,
        "requests": requests,
        "ok": done,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50_ms": q[49] if ms else None,
        "p95_ms": q[94] if ms else None,
        "rps": done / wall if wall > 0 else 0.0,
        "seconds": wall,
    }


def drive_main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="api_bench.py drive")
    ap.add_argument("--url", required=True)
    ap.add_argument("--query", choices=sorted(QUERIES), required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--clients", type=int, required=True)
    ap.add_argument("--requests", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args(argv)
    key = os.environ["API_BENCH_KEY"]  # not on the command line, where `ps` would show it
    body = {"query": QUERIES[args.query], "variables": {"id": args.id}}
    headers = {"Authorization": f"Bearer {key}"}
    result = asyncio.run(
        drive(f"{args.url}/graphql", headers, body, args.clients, args.requests,
              warmup=args.warmup)
    )  # fmt: skip
    print(json.dumps(result))


# --- the orchestrator ---------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str]) -> None:
    cmd = [str(Path(sys.executable).parent / "cibgraph"), *args]
    print(f"$ cibgraph {' '.join(args)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    # `load` exits 2 when rows were rejected: the demo has deliberate rejects.
    if done.returncode not in (0, 2):
        raise RuntimeError(f"cibgraph {' '.join(args)} failed (exit {done.returncode})")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def _post(url: str, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    import httpx

    resp = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60.0,
    )
    resp.raise_for_status()
    data: dict[str, Any] = resp.json()
    if data.get("errors"):
        raise RuntimeError(f"GraphQL errors: {data['errors']}")
    return data["data"]  # type: ignore[no-any-return]


def _state_account(url: str, key: str, truth: Path) -> tuple[str, str, dict[str, Any]]:
    """The first state twitter account of truth.csv that a detected network holds."""
    from cibgraph.api.graphql.ids import encode_id

    with truth.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if (row["group"], row["entity_type"], row["platform"]) != (
                "state",
                "account",
                "twitter",
            ):
                continue
            gid = encode_id("Account", f"twitter:{row['entity_id']}")
            data = _post(url, key, NETWORK_OF, {"id": gid})
            if data["networkOf"]:
                return gid, f"twitter:{row['entity_id']}", data
    raise RuntimeError("no state account is in a detected network: did fusion run?")


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API exited during start-up (exit {proc.returncode})")
        try:
            if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the API did not answer on {url}/healthz within {timeout:.0f} s")


@dataclass
class DemoApi:
    """The demo served by a uvicorn API process on the bench instance."""

    key: str  # a reader key
    gid: str  # a state account that a detected network holds
    account_key: str
    sample: dict[str, Any]  # its networkOf answer
    api: subprocess.Popen[bytes]
    server_log: Path


def process_tree_rss_kib(pid: int) -> int:
    """The resident memory of a process and of all its descendants, in KiB (Linux): the API's
    supervisor and its workers."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            p = int(status.parent.name)
            children.setdefault(int(fields["PPid"]), []).append(p)
            rss[p] = int(fields.get("VmRSS", "0 kB").split()[0])
        except (OSError, KeyError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def served_workers(workers: int | None) -> int:
    """How many API processes `demo_api(workers=...)` serves with."""
    from cibgraph.settings import Settings

    return workers if workers is not None else Settings().workers()


@contextmanager
def demo_api(
    workdir: Path | None, *, reuse: bool, keep: bool, workers: int | None = 1
) -> Iterator[DemoApi]:
    """Load the demo on the bench instance, detect, serve the API (one uvicorn process, or
    `cibgraph serve` with `workers` processes; None: as many as `cibgraph serve` picks); stop it
    all afterwards."""
    os.environ.update(ENV)
    env = {**os.environ, **ENV}
    from cibgraph.api.auth import Role, create_key
    from cibgraph.neo4j.driver import close_driver, get_driver
    from cibgraph.neo4j.schema import apply_schema
    from cibgraph.neo4j.server import LocalNeo4j
    from cibgraph.settings import get_settings

    settings = get_settings()
    server = LocalNeo4j(settings)
    server.install()
    started_server = server.start()
    print(
        f"Neo4j instance {settings.neo4j_instance} on {settings.neo4j_uri} "
        f"(started: {started_server})",
        flush=True,
    )
    driver = get_driver(settings)
    apply_schema(driver, database=settings.neo4j_database)
    api: subprocess.Popen[bytes] | None = None
    tmp = tempfile.TemporaryDirectory(prefix="api-bench-")
    out = workdir or Path(tmp.name) / "demo"
    try:
        if not reuse:
            with driver.session(database=settings.neo4j_database) as s:
                s.run(
                    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS"
                ).consume()
            rejects = Path(tmp.name) / "rejects"
            _cli("demo", "load", "--out", str(out), "--rejects-dir", str(rejects), env=env)
            _cli("detect", "networks", "--fresh", env=env)
        elif not (out / "truth.csv").is_file():
            _cli("demo", "generate", "--out", str(out), env=env)  # only for truth.csv
        key = create_key(driver, name="api-bench", role=Role.READER).token

        server_log = Path(tmp.name) / "api.log"  # the server's warnings stay out of the table
        with server_log.open("wb") as log:
            if workers == 1:
                cmd = [sys.executable, "-m", "uvicorn", "cibgraph.api.app:create_app",
                       "--factory", "--host", API_HOST, "--port", str(API_PORT),
                       "--log-level", "warning", "--no-access-log"]  # fmt: skip
            else:
                # No access log: the peer (bench/graphql_peer) logs no request either.
                cmd = [str(Path(sys.executable).parent / "cibgraph"), "serve", "--host", API_HOST,
                       "--port", str(API_PORT), "--no-access-log"]  # fmt: skip
                if workers is not None:
                    cmd += ["--workers", str(workers)]
            api = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _wait_http(API_URL, api)
        gid, account_key, sample = _state_account(API_URL, key, out / "truth.csv")
        yield DemoApi(key, gid, account_key, sample, api, server_log)
        if keep:
            print(f"\nleft running: API {API_URL} (pid {api.pid}), Neo4j apibench; key:\n{key}")
            api = None
    finally:
        if api is not None:
            api.terminate()
            try:
                api.wait(timeout=20)
            except subprocess.TimeoutExpired:
                api.kill()
        if not keep:
            close_driver()
            server.stop()
        tmp.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=300, help="Requests per query and level.")
    ap.add_argument("--levels", default="1,8,32", help="Concurrent clients, comma-separated.")
    ap.add_argument("--workdir", type=Path, default=None, help="Demo folder (default: a tmp dir).")
    ap.add_argument("--reuse", action="store_true", help="Keep the data already loaded.")
    ap.add_argument("--workers", type=int, default=1, help="API worker processes.")
    ap.add_argument(
        "--keep", action="store_true", help="Leave Neo4j and the API running (prints the key)."
    )
    args = ap.parse_args()
    env = {**os.environ, **ENV}

    with demo_api(args.workdir, reuse=args.reuse, keep=args.keep, workers=args.workers) as demo:
        key, gid, sample = demo.key, demo.gid, demo.sample
        first = sample["networkOf"][0]
        hood = _post(API_URL, key, NEIGHBOURHOOD, {"id": gid})["neighbourhood"]
        print(
            f"state account {demo.account_key} ({gid}): {len(sample['networkOf'])} network(s), "
            f"the first {first['network']['key']} with "
            f"{first['network']['members']['totalCount']} members (50 returned); "
            f"neighbourhood depth 2: {len(hood['nodes'])} nodes, {len(hood['edges'])} edges, "
            f"truncated {hood['truncated']}",
            flush=True,
        )

        rows: list[dict[str, Any]] = []
        for name in QUERIES:
            for clients in (int(x) for x in args.levels.split(",")):
                done = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "drive", "--url", API_URL,
                     "--query", name, "--id", gid, "--clients", str(clients),
                     "--requests", str(args.requests)],
                    cwd=ROOT, env={**env, "API_BENCH_KEY": key}, capture_output=True, text=True,
                    check=True,
                )  # fmt: skip
                result = json.loads(done.stdout.strip().splitlines()[-1])
                result["query"] = name
                rows.append(result)
                print(
                    f"  {name} x{clients}: p50 {result['p50_ms']:.1f} ms, "
                    f"{result['rps']:.1f} req/s",
                    flush=True,
                )

        print()
        print(f"{'query':30} {'clients':>7} {'requests':>8} {'errors':>6} "
              f"{'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")  # fmt: skip
        labels = {
            "networkOf": "networkOf + members(first:50)",
            "neighbourhood": "neighbourhood(depth:2, 200)",
        }
        for r in rows:
            print(
                f"{labels[r['query']]:30} {r['clients']:>7} {r['ok']:>8} {r['errors']:>6} "
                f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['rps']:>8.1f}"
            )
            if r["first_error"]:
                print(f"  first error: {r['first_error']}")
        logged = demo.server_log.read_text(errors="replace").splitlines()
        masked = sum(line.startswith("request ") for line in logged)  # api/graphql/errors.py
        print(f"\nthe API logged {masked} masked errors (e.g. Cypher timeouts)")
        one, five, _ = os.getloadavg()
        print(f"\n{os.cpu_count()} cores; load average {one:.1f} / {five:.1f}; "
              f"{args.workers} API worker(s)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "drive":
        drive_main(sys.argv[2:])
    else:
        main()
