"""Fault tests: a load killed by SIGKILL at seeded points, or Neo4j killed mid-load, then rerun.

Each must end, after a plain rerun, with exactly the graph of one clean load: the same nodes per
label, relationships per type, and a checksum over every node key and every relationship's
endpoints and properties (load-time stamps aside, which differ by design).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from cibgraph.ingest.base import run_load
from cibgraph.ingest.shares import ShareEventsLoader
from cibgraph.neo4j.db import read, write
from cibgraph.neo4j.server import LocalNeo4j
from cibgraph.settings import Settings

ROWS = 35_000
BATCH = 2_500  # 14 batches
STAMPS = {"first_loaded_at", "last_loaded_at"}

# The child loads the file and kills itself with SIGKILL at one point: while parsing row N, or
# when the link writer starts its Nth batch, or inside that batch's transaction before commit.
CHILD = """
import os, signal, sys
from pathlib import Path
from cibgraph.ingest.base import run_load
from cibgraph.ingest.shares import ShareEventsLoader
from cibgraph.neo4j.driver import get_driver

where, n = sys.argv[3], int(sys.argv[4])


class Killed(ShareEventsLoader):
    links = 0

    def parse(self, path):
        for i, parsed in enumerate(super().parse(path), 1):
            if where == "parse" and i == n:
                os.kill(os.getpid(), signal.SIGKILL)
            yield parsed

    def write(self, tx, items, params):
        if any(item.kind == "share" for item in items):
            Killed.links += 1
            if where == "before" and Killed.links == n:
                os.kill(os.getpid(), signal.SIGKILL)
        super().write(tx, items, params)
        if where == "inside" and Killed.links == n:
            os.kill(os.getpid(), signal.SIGKILL)


run_load(Killed(), Path(sys.argv[1]), driver=get_driver(), rejects_dir=Path(sys.argv[2]),
         batch_size=int(sys.argv[5]))
raise SystemExit("the load finished without being killed")
"""


def _shares_file(path: Path) -> Path:
    rnd = random.Random(35_000)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("object_id,account_id,content_id,timestamp_share\n")
        for i in range(ROWS):
            fh.write(
                f"{rnd.randrange(6_000)},{rnd.randrange(9_000)},c{i},"
                f"{1_600_000_000 + rnd.randrange(30 * 86_400)}\n"
            )
    return path


def _wipe(db: Driver) -> None:
    write(db, "MATCH (n) DETACH DELETE n")


def _plain(value: Any) -> Any:
    return value.iso_format() if hasattr(value, "iso_format") else value


def signature(db: Driver) -> dict[str, Any]:
    """Counts per label and type, and a SHA-256 over keys and relationship properties."""
    nodes = read(db, "MATCH (n) WHERE NOT n:Source RETURN labels(n) AS l, n.key AS k")
    rels = read(
        db,
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.key AS a, b.key AS b, properties(r) AS p",
    )
    labels: dict[str, int] = {}
    for r in nodes:
        for label in r["l"]:
            labels[label] = labels.get(label, 0) + 1
    types: dict[str, int] = {}
    for r in rels:
        types[r["t"]] = types.get(r["t"], 0) + 1
    digest = hashlib.sha256()
    for line in sorted(
        [json.dumps([sorted(r["l"]), r["k"]]) for r in nodes]
        + [
            json.dumps(
                [
                    r["t"],
                    r["a"],
                    r["b"],
                    {k: _plain(v) for k, v in r["p"].items() if k not in STAMPS},
                ],
                sort_keys=True,
            )
            for r in rels
        ]
    ):
        digest.update(line.encode())
    return {"labels": labels, "types": types, "sha256": digest.hexdigest()}


@pytest.fixture(scope="module")
def shares_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _shares_file(tmp_path_factory.mktemp("faults") / "shares.csv")


@pytest.fixture(scope="module")
def clean(
    shares_file: Path, driver: Driver, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    _wipe(driver)
    run_load(
        ShareEventsLoader(),
        shares_file,
        driver=driver,
        rejects_dir=tmp_path_factory.mktemp("r"),
        batch_size=BATCH,
    )
    return signature(driver)


# Ten points, drawn once from a fixed seed: where the loader dies and at which row or batch.
POINTS = sorted(
    {
        (
            where,
            random.Random(f"{seed}-{where}").randint(
                1, ROWS if where == "parse" else ROWS // BATCH
            ),
        )
        for seed, where in enumerate(["parse", "before", "inside"] * 4)
    }
)[:10]


def test_the_seeded_points_are_ten_distinct_ones() -> None:
    assert len(POINTS) == 10
    assert {w for w, _ in POINTS} == {"parse", "before", "inside"}


@pytest.mark.parametrize(("where", "at"), POINTS)
def test_a_load_killed_with_sigkill_then_rerun_equals_a_clean_load(
    where: str, at: int, shares_file: Path, clean: dict[str, Any], db: Driver, tmp_path: Path
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(shares_file), str(tmp_path), where, str(at), str(BATCH)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2_000:]
    killed = signature(db)
    assert killed["types"].get("SHARED", 0) < ROWS  # it did die before the end
    assert read(db, "MATCH (s:Source) RETURN count(s) AS n")[0]["n"] == 0
    run_load(ShareEventsLoader(), shares_file, driver=db, rejects_dir=tmp_path, batch_size=BATCH)
    assert signature(db) == clean


def test_neo4j_killed_mid_load_ends_in_one_line_and_a_rerun_equals_a_clean_load(
    shares_file: Path,
    clean: dict[str, Any],
    db: Driver,
    neo4j_server: LocalNeo4j,
    settings: Settings,
    tmp_path: Path,
) -> None:
    env = {**os.environ, "COLUMNS": "300"}
    load = [sys.executable, "-m", "cibgraph.cli", "load", "share-events", str(shares_file)]
    load += ["--batch-size", str(BATCH), "--rejects-dir", str(tmp_path)]
    child = subprocess.Popen(
        load, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # Kill the server once some batches are in.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        n = read(db, "MATCH ()-[s:SHARED]->() RETURN count(s) AS n")[0]["n"]
        if n >= 2 * BATCH or child.poll() is not None:
            break
        time.sleep(0.2)
    assert child.poll() is None, "the load ended before Neo4j could be killed"
    pid = neo4j_server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    out, err = child.communicate(timeout=300)
    # A loaded machine can take minutes to bring the server back.
    LocalNeo4j(settings.model_copy(update={"neo4j_start_timeout": 600.0})).start()
    assert child.returncode == 1, (out + err)[-2_000:]
    assert "Traceback" not in out + err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err[-2_000:]
    assert "Neo4j" in errors[0]
    run_load(ShareEventsLoader(), shares_file, driver=db, rejects_dir=tmp_path, batch_size=BATCH)
    assert signature(db) == clean
