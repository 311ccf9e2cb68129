"""Removing what some loaded files brought, by their Source records: `cibgraph demo remove`.

Every node and relationship a loader writes lists the Source keys (`sha256:<hash of the file>`)
of the files it came from. Removing files strips their keys from those lists; what no other
file brought is deleted (a node with its relationships, detections' edges among them), what
another file brought too stays, with the properties it was last written with. The Source
records go, and so do networks left with no member; the detections should then be run again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

from cibgraph.ingest.base import file_sha256
from cibgraph.ingest.bundle import bundle_files
from cibgraph.neo4j.runner import QueryRunner

BATCH = 10_000


@dataclass(frozen=True, slots=True)
class Removal:
    sources: int  # Source records deleted
    relationships: int  # relationships deleted (besides those of deleted nodes)
    nodes: int  # nodes deleted
    kept: int  # nodes and relationships another file brought too, kept
    networks: int  # networks left with no member, deleted


def source_keys(paths: Iterable[Path]) -> list[str]:
    """The Source keys a load of these files recorded (their sha256)."""
    return sorted({f"sha256:{file_sha256(p)}" for p in paths if p.is_file()})


def demo_files(folder: Path) -> list[Path]:
    """The files `cibgraph demo load` loads from a demo folder."""
    bundle = folder / "bundle"
    found = bundle_files([bundle]) if bundle.is_dir() else []
    shares = sorted((folder / "shares").glob("*.csv"))
    return [*found, *shares, *sorted((folder / "posts").glob("*.csv"))]


def remove_sources(
    driver: Driver, keys: list[str], *, batch: int = BATCH, database: str | None = None
) -> Removal:
    """Remove what the files of these Source keys brought (idempotent: a second run is a no-op)."""
    runner = QueryRunner(driver, database=database)
    deleted = {"load/remove_source_rels": 0, "load/remove_source_nodes": 0}
    kept = 0
    for query in deleted:  # relationships first: a kept node's links are stripped, not lost
        while True:
            (row,) = runner.write(query, {"sources": keys, "batch": batch})
            if not row["matched"]:
                break
            deleted[query] += row["deleted"]
            kept += row["matched"] - row["deleted"]
    (done,) = runner.write("load/remove_sources", {"sources": keys})
    return Removal(
        sources=done["sources"],
        relationships=deleted["load/remove_source_rels"],
        nodes=deleted["load/remove_source_nodes"],
        kept=kept,
        networks=done["networks"],
    )
