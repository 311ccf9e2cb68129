"""`cibgraph serve --workers N`: several API processes behind one port, keys checked by each."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from cibgraph.settings import Settings


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (Linux)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            if int(fields["PPid"]) == pid:
                found.append((status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, KeyError, ValueError):
            continue
    return found


def test_serve_with_two_workers_answers(
    db: Driver, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cli = str(Path(sys.executable).parent / "cibgraph")
    out = tmp_path / "serve.out"
    proc = subprocess.Popen(
        [cli, "serve", "--workers", "2", "--port", str(port), "--wait", "10", "--no-access-log"],
        env={**os.environ, "API_CONNECTIONS": "16"},
        stdout=out.open("wb"),
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"{url}/healthz", timeout=2.0)
                if health.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        assert health is not None and health.status_code == 200, proc.stderr
        assert health.json() == {"status": "ok", "neo4j": True}
        workers = [c for c in _children(proc.pid) if "spawn_main" in c]
        assert len(workers) == 2, _children(proc.pid)
        # Every worker checks keys against the graph: a stream of requests on fresh connections
        # (spread over both workers by the kernel) is answered for a good key, refused for a bad.
        for _ in range(12):
            ok = httpx.post(
                f"{url}/graphql",
                json={"query": "{ viewer { name role } }"},
                headers={"Authorization": f"Bearer {keys['reader']}"},
            )
            assert ok.status_code == 200
            assert ok.json() == {"data": {"viewer": {"name": "reader-1", "role": "reader"}}}
        # No request waits for the client's delayed ACK (Nagle's algorithm on the workers'
        # sockets cost every request about 40 ms): a trivial query on a kept-alive connection.
        with httpx.Client(base_url=url) as http:
            times = []
            for _ in range(10):
                started = time.perf_counter()
                http.post(
                    "/graphql",
                    json={"query": "{ viewer { name } }"},
                    headers={"Authorization": f"Bearer {keys['reader']}"},
                ).raise_for_status()
                times.append(time.perf_counter() - started)
        assert min(times) < 0.025, times
        bad = httpx.post(
            f"{url}/graphql",
            json={"query": "{ viewer { name } }"},
            headers={"Authorization": "Bearer cib_0000000000000000_" + "x" * 43},
        )
        assert bad.status_code == 401
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # --no-access-log: some 25 requests were answered, and not one line logged for them.
    assert "POST /graphql" not in out.read_text(errors="replace")


def test_each_worker_gets_its_share_of_the_connections() -> None:
    assert Settings(api_workers=2, api_connections=64).pool_size() == 32
    assert Settings(api_workers=3, api_connections=64).pool_size() == 21
    assert Settings(api_workers=16, api_connections=64).pool_size() == 8  # never below 8


@pytest.mark.parametrize(
    ("uri", "cores", "expected"),
    [
        ("neo4j://127.0.0.1:7687", 2, 1),  # a core is left to the local Neo4j
        ("bolt://localhost", 8, 7),
        ("neo4j://[::1]:7687", 1, 1),  # never fewer than one
        ("neo4j://neo4j:7687", 2, 2),  # Neo4j elsewhere (compose's service): one per core
    ],
)
def test_the_default_workers_leave_a_core_to_a_local_neo4j(
    monkeypatch: pytest.MonkeyPatch, uri: str, cores: int, expected: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert Settings(api_workers=0, neo4j_uri=uri).workers() == expected
    assert Settings(api_workers=3, neo4j_uri=uri).workers() == 3
