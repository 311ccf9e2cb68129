"""A soak of the GraphQL API on the demo: many clients, a mix of requests, minutes on end.

It sets up exactly as bench/api_bench.py does (its own Neo4j instance, the demo loaded and
detected, a reader key, one uvicorn worker), then keeps `--clients` clients (default 32) busy
for `--minutes` (default 10), each picking at random, with a fixed seed, one of:

- `network`: a detected network with its first 50 members;
- `networkOf`: the networks of a state account;
- `search`: a fulltext search of a word from the demo's handles and names;
- `neighbourhood`: the 2-hop neighbourhood (limit 200) of a state account.

It prints requests and errors by kind (HTTP status, GraphQL error code, transport error),
p50/p95 per kind, and the API's resident memory (VmRSS of the server and all its workers) after
the warm-up and at the end.

The API runs `--workers` processes (default: as many as `cibgraph serve` picks). A heavy
traversal refused under overload is a fast 503 with Retry-After, by design; with `--retry` a
client honours it once (waits the advised delay, sends the request again), and the report gives
both the raw count of 503s and the errors left after the retries. A retried request's latency
includes the wait.

Usage: .venv/bin/python bench/soak.py [--minutes 10] [--clients 32] [--seed 1] [--workers N]
       [--retry]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_bench import (
    API_URL,
    NEIGHBOURHOOD,
    NETWORK_OF,
    _post,
    demo_api,
    process_tree_rss_kib,
    served_workers,
)

NETWORK = """
query Network($id: ID!) {
  network(id: $id) {
    key score size explanation
    members(first: 50) { totalCount edges { node { score entity { id key } } } }
  }
}
"""

SEARCH = """
query Search($text: String!) {
  search(text: $text, first: 20) { score node { id key } }
}
"""

WORDS = ("hong", "kong", "news", "truth", "daily", "china", "love", "fan", "peace", "world")


async def soak(
    key: str, requests: dict[str, tuple[str, list[dict[str, Any]]]], *, clients: int,
    seconds: float, seed: int, retry: bool = False, refused: Counter[str] | None = None,
) -> tuple[dict[str, list[float]], Counter[str], float]:  # fmt: skip
    """Run the clients; `refused` counts, by kind, every 503 seen (retried or not)."""
    import httpx

    headers = {"Authorization": f"Bearer {key}"}
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    seen: Counter[str] = Counter() if refused is None else refused
    kinds = sorted(requests)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=API_URL, limits=limits, timeout=60.0) as http:
        deadline = time.perf_counter() + seconds

        async def client(n: int) -> None:
            rng = random.Random(seed * 1000 + n)
            while time.perf_counter() < deadline:
                kind = rng.choice(kinds)
                query, choices = requests[kind]
                body = {"query": query, "variables": rng.choice(choices)}
                t = time.perf_counter()
                try:
                    resp = await http.post("/graphql", json=body, headers=headers)
                    if resp.status_code == 503:
                        seen[kind] += 1
                    advised = resp.headers.get("retry-after", "")
                    if retry and resp.status_code == 503 and advised.isdigit():
                        await asyncio.sleep(int(advised))
                        seen[f"{kind} retried"] += 1
                        resp = await http.post("/graphql", json=body, headers=headers)
                        if resp.status_code == 503:
                            seen[kind] += 1
                except httpx.HTTPError as exc:
                    errors[f"{kind}: {type(exc).__name__}"] += 1
                    continue
                if resp.status_code != 200:
                    errors[f"{kind}: HTTP {resp.status_code}"] += 1
                    continue
                problems = resp.json().get("errors")
                if problems:
                    code = (problems[0].get("extensions") or {}).get("code", "no code")
                    errors[f"{kind}: {code}"] += 1
                    continue
                latencies[kind].append((time.perf_counter() - t) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        wall = time.perf_counter() - started
    return latencies, errors, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=float, default=20.0, help="Seconds before RSS is read.")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="Keep the data already loaded.")
    ap.add_argument("--workers", type=int, default=None,
                    help="API processes (default: as many as `cibgraph serve` picks).")  # fmt: skip
    ap.add_argument("--retry", action="store_true", help="Honour Retry-After once.")
    args = ap.parse_args()

    with demo_api(args.workdir, reuse=args.reuse, keep=False, workers=args.workers) as demo:
        networks = [m["network"]["id"] for m in demo.sample["networkOf"]]
        accounts = [{"id": demo.gid}]
        requests = {
            "network": (NETWORK, [{"id": n} for n in networks]),
            "networkOf": (NETWORK_OF, accounts),
            "search": (SEARCH, [{"text": w} for w in WORDS]),
            "neighbourhood": (NEIGHBOURHOOD, accounts),
        }
        for query, choices in requests.values():  # every kind answers before the soak
            _post(API_URL, demo.key, query, choices[0])
        asyncio.run(soak(demo.key, requests, clients=args.clients, seconds=args.warmup, seed=0))
        rss_start = process_tree_rss_kib(demo.api.pid)
        refused: Counter[str] = Counter()
        latencies, errors, wall = asyncio.run(
            soak(demo.key, requests, clients=args.clients, seconds=args.minutes * 60,
                 seed=args.seed, retry=args.retry, refused=refused)
        )  # fmt: skip
        rss_end = process_tree_rss_kib(demo.api.pid)

        total = sum(len(v) for v in latencies.values()) + sum(errors.values())
        print(f"\n{args.clients} clients for {wall:.0f} s: {total} requests, "
              f"{sum(errors.values())} errors")  # fmt: skip
        print(f"{'kind':15} {'ok':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for kind in sorted(requests):
            ms = sorted(latencies[kind])
            q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) >= 2 else ms * 99
            p50, p95 = (q[49], q[94]) if ms else (float("nan"), float("nan"))
            print(f"{kind:15} {len(ms):>7} {p50:>8.1f} {p95:>8.1f}")
        for what, n in errors.most_common():
            print(f"  error {what}: {n}")
        raw = sum(n for k, n in refused.items() if not k.endswith(" retried"))
        retried = sum(n for k, n in refused.items() if k.endswith(" retried"))
        print(f"503 answers seen: {raw} ({dict(refused)}); retries after Retry-After: "
              f"{retried} ({'on' if args.retry else 'off'})")  # fmt: skip
        growth = (rss_end - rss_start) / rss_start * 100
        print(f"API RSS: {rss_start / 1024:.1f} MiB after warm-up, {rss_end / 1024:.1f} MiB at "
              f"the end ({growth:+.1f}%)")  # fmt: skip
        one, five, fifteen = os.getloadavg()
        print(f"{os.cpu_count()} cores; load average {one:.1f} / {five:.1f} / {fifteen:.1f}; "
              f"{served_workers(args.workers)} API worker(s)")  # fmt: skip


if __name__ == "__main__":
    main()
