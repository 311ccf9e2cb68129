"""cibgraph's GraphQL API and the official Neo4j GraphQL Library side by side, on one database.

It sets up as bench/api_bench.py does (`demo_api()`: the bench's own Neo4j instance, the demo
loaded and detected, a reader key, the API served by `--workers` processes), then starts the peer
from bench/graphql_peer/ (@neo4j/graphql on Apollo Server, `npm install` there first) over the
same database. For each workload it first checks that both answer the same (normalised: global
ids decoded, the same nodes, edges and members in the same order), then drives both, one after
the other, at each level of concurrent clients (asyncio + aiohttp, one keep-alive connection per
client, from this process), `--requests` requests per level:

- `network`: a detected network and its first 50 members (score, evidence, key, handle);
- `neighbourhood`: the 2-hop neighbourhood (limit 200) of a state account (the peer: one
  @cypher field running the same walk);
- `handle`: accounts by handle (the same state account's).

It prints p50/p95/req/s/errors for both, the ratio cibgraph/peer of p50 and p95, and the load
average. A request is an error unless it is HTTP 200 without GraphQL errors.

Usage: .venv/bin/python bench/graphql_peer_bench.py [--requests 200] [--levels 1,8,32]
       [--workers N] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_bench import (
    API_URL,
    ENV,
    ROOT,
    _post,
    _wait_http,
    demo_api,
    drive,
    served_workers,
)

PEER_DIR = ROOT / "bench" / "graphql_peer"
PEER_PORT = 8766
PEER_URL = f"http://127.0.0.1:{PEER_PORT}"

OURS = {
    "network": """query($id: ID!) { network(id: $id) {
      key score size explanation
      members(first: 50) { totalCount edges { node { score evidence
        entity { key ... on Account { handle } } } } }
    } }""",
    "neighbourhood": """query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 200) {
      truncated nodes { id } edges { id type source target }
    } }""",
    "handle": """query($handle: String!) { accountsByHandle(handle: $handle) {
      key ... on Account { handle name }
    } }""",
}
PEER = {
    "network": """query($key: String!) { networks(where: {key: {eq: $key}}) {
      key score size explanation
      membersConnection(first: 50, sort: [{edge: {score: DESC}}, {node: {key: ASC}}]) {
        totalCount edges { properties { score evidence }
          node { key ... on Account { handle } } } }
    } }""",
    "neighbourhood": """query($key: String!, $relFilter: String!, $types: [String!]!) {
      neighbourhood(key: $key, depth: 2, limit: 200, relFilter: $relFilter, types: $types) {
      truncated nodes { key labels } edges { id type start end }
    } }""",
    "handle": """query($handle: String!) {
      accounts(where: {handle: {eq: $handle}}, sort: [{key: ASC}]) { key handle name }
    }""",
}


def _ungid(gid: str) -> tuple[str, str]:
    label, _, key = base64.b64decode(gid).decode().partition(":")
    return label, key


def _ours_normal(kind: str, data: dict[str, Any]) -> Any:
    if kind == "network":
        n = data["network"]
        members = [
            (e["node"]["entity"]["key"], e["node"]["entity"].get("handle"), e["node"]["score"],
             e["node"]["evidence"])
            for e in n["members"]["edges"]
        ]  # fmt: skip
        head = (n["key"], n["score"], n["size"], n["explanation"], n["members"]["totalCount"])
        return head, members
    if kind == "neighbourhood":
        h = data["neighbourhood"]
        nodes = [_ungid(x["id"]) for x in h["nodes"]]
        edges = [(e["id"], e["type"], _ungid(e["source"])[1], _ungid(e["target"])[1])
                 for e in h["edges"]]  # fmt: skip
        return h["truncated"], nodes, edges
    return [(a["key"], a["handle"], a["name"]) for a in data["accountsByHandle"]]


def _peer_normal(kind: str, data: dict[str, Any]) -> Any:
    if kind == "network":
        n = data["networks"][0]
        c = n["membersConnection"]
        members = [
            (e["node"]["key"], e["node"].get("handle"), e["properties"]["score"],
             e["properties"]["evidence"] or [])
            for e in c["edges"]
        ]  # fmt: skip
        return (n["key"], n["score"], n["size"], n["explanation"], c["totalCount"]), members
    if kind == "neighbourhood":
        h = data["neighbourhood"]
        exposed = _exposed()
        nodes = [(next(lab for lab in x["labels"] if lab in exposed), x["key"]) for x in h["nodes"]]
        edges = [(e["id"], e["type"], e["start"], e["end"]) for e in h["edges"]]
        return h["truncated"], nodes, edges
    return [(a["key"], a["handle"], a["name"]) for a in data["accounts"]]


def _walk() -> dict[str, Any]:
    """The relationship types cibgraph's neighbourhood follows, for the peer's statement."""
    from cibgraph.neo4j.schema import RelType

    types = [t.value for t in RelType]
    return {"relFilter": "|".join(types), "types": types}


def _exposed() -> frozenset[str]:
    from cibgraph.api.graphql.types import NODE_TYPES

    return frozenset(NODE_TYPES)


@dataclass
class Level:
    ok: int
    errors: int
    first_error: str | None
    p50: float
    p95: float
    rps: float


def _level(result: dict[str, Any]) -> Level:
    """One level of `api_bench.drive` as a table row (NaN latencies when nothing succeeded)."""
    nan = float("nan")
    return Level(
        ok=result["ok"],
        errors=result["errors"],
        first_error=result["first_error"],
        p50=nan if result["p50_ms"] is None else result["p50_ms"],
        p95=nan if result["p95_ms"] is None else result["p95_ms"],
        rps=result["rps"],
    )


def _post_peer(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    import httpx

    resp = httpx.post(PEER_URL, json={"query": query, "variables": variables}, timeout=60.0)
    resp.raise_for_status()
    data: dict[str, Any] = resp.json()
    if data.get("errors"):
        raise RuntimeError(f"peer GraphQL errors: {data['errors']}")
    return data["data"]  # type: ignore[no-any-return]


def _start_peer(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    if not (PEER_DIR / "node_modules" / "@neo4j" / "graphql").is_dir():
        raise SystemExit(f"the peer is not installed: cd {PEER_DIR} && npm install")
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH")
    with log.open("wb") as out:
        return subprocess.Popen(
            [node, "server.mjs"],
            cwd=PEER_DIR,
            env={**env, "PEER_PORT": str(PEER_PORT), "NODE_ENV": "production"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_peer(proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the peer exited during start-up (exit {proc.returncode})")
        try:
            _post_peer("{ __typename }", {})
            return
        except Exception:  # any failure means "not yet"
            time.sleep(0.3)
    raise RuntimeError(f"the peer did not answer on {PEER_URL} within {timeout:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=200, help="Requests per workload and level.")
    ap.add_argument("--levels", default="1,8,32", help="Concurrent clients, comma-separated.")
    ap.add_argument("--workers", type=int, default=None,
                    help="API processes (default: as many as `cibgraph serve` picks).")  # fmt: skip
    ap.add_argument("--workloads", default="network,neighbourhood,handle")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="Keep the data already loaded.")
    args = ap.parse_args()
    env = {**os.environ, **ENV}

    with demo_api(args.workdir, reuse=args.reuse, keep=False, workers=args.workers) as demo:
        _wait_http(API_URL, demo.api)
        peer = _start_peer(env, demo.server_log.with_name("peer.log"))
        try:
            _wait_peer(peer)
            net = demo.sample["networkOf"][0]["network"]
            handle = _post(
                API_URL,
                demo.key,
                "query($id: ID!) { node(id: $id) { ... on Account { handle } } }",
                {"id": demo.gid},
            )["node"]["handle"]
            ours_vars = {
                "network": {"id": net["id"]},
                "neighbourhood": {"id": demo.gid},
                "handle": {"handle": handle},
            }
            peer_vars = {
                "network": {"key": net["key"]},
                "neighbourhood": {"key": demo.account_key, **_walk()},
                "handle": {"handle": handle},
            }
            kinds = args.workloads.split(",")
            for kind in kinds:
                ours = _ours_normal(kind, _post(API_URL, demo.key, OURS[kind], ours_vars[kind]))
                theirs = _peer_normal(kind, _post_peer(PEER[kind], peer_vars[kind]))
                if ours != theirs:
                    raise SystemExit(f"{kind}: the answers differ: {_difference(ours, theirs)}")
                print(f"{kind}: equal answers ({_size(kind, ours)})", flush=True)

            rows: list[tuple[str, int, Level, Level]] = []
            for kind in kinds:
                for clients in (int(x) for x in args.levels.split(",")):
                    # two warm-up rounds at the level's concurrency, on each server
                    warm: dict[str, Any] = {"warmup": 2, "warm_clients": None}
                    mine = _level(asyncio.run(drive(
                        f"{API_URL}/graphql", {"Authorization": f"Bearer {demo.key}"},
                        {"query": OURS[kind], "variables": ours_vars[kind]}, clients,
                        args.requests, **warm)))  # fmt: skip
                    peers = _level(asyncio.run(drive(
                        PEER_URL + "/", {}, {"query": PEER[kind], "variables": peer_vars[kind]},
                        clients, args.requests, **warm)))  # fmt: skip
                    rows.append((kind, clients, mine, peers))
                    print(f"  {kind} x{clients}: cibgraph p95 {mine.p95:.1f} ms, "
                          f"peer p95 {peers.p95:.1f} ms; load {os.getloadavg()[0]:.1f}",
                          flush=True)  # fmt: skip
        finally:
            peer.terminate()
            try:
                peer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                peer.kill()

    print()
    print(_table(rows))
    for kind, clients, mine, peers in rows:
        for who, lv in (("cibgraph", mine), ("peer", peers)):
            if lv.first_error:
                print(f"  {kind} x{clients} {who} first error: {lv.first_error}")
    one, five, fifteen = os.getloadavg()
    workers = served_workers(args.workers)
    print(f"\n{os.cpu_count()} cores; load average {one:.1f} / {five:.1f} / {fifteen:.1f}; "
          f"{workers} cibgraph API worker(s), one node process; {args.requests} requests "
          f"per level")  # fmt: skip


def _difference(a: Any, b: Any, where: str = "") -> str:
    """Where two normalised answers first differ."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _difference(x, y, f"{where}[{i}]")
        return f"{where}: lengths {len(a)} and {len(b)}"
    return f"{where}: {a!r:.300} and {b!r:.300}"


def _size(kind: str, normal: Any) -> str:
    if kind == "network":
        return f"{normal[0][4]} members, {len(normal[1])} returned"
    if kind == "neighbourhood":
        return f"{len(normal[1])} nodes, {len(normal[2])} edges"
    return f"{len(normal)} accounts"


def _table(rows: list[tuple[str, int, Level, Level]]) -> str:
    def f(lv: Level) -> str:
        return f"{lv.p50:.1f} / {lv.p95:.1f} ms / {lv.rps:.1f}, {lv.errors} err"

    lines = [
        "| workload | clients | cibgraph p50 / p95 / req/s | peer p50 / p95 / req/s "
        "| ratio p50 | ratio p95 |",
        "|---|---|---|---|---|---|",
    ]
    for kind, clients, mine, peers in rows:
        lines.append(
            f"| {kind} | {clients} | {f(mine)} | {f(peers)} | {mine.p50 / peers.p50:.2f} "
            f"| {mine.p95 / peers.p95:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
