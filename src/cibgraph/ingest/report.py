"""A load's report (read, loaded, rejected, duplicates) and the `Source` node that records it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from neo4j import Driver

from cibgraph.neo4j.runner import QueryRunner


@dataclass
class ShareTally:
    """Share events of one object type in a load: read, repeating an earlier one, empty cells.

    A repeat is a share of the same object by the same account in the same post at the same
    time as an earlier one (CooRTweet's `unique()` before detection); writing it is a no-op.
    """

    events: int = 0
    repeats: int = 0
    empty: int = 0


@dataclass
class LoadReport:
    """What a load did: the summary printed by the CLI and stored on the `Source` node."""

    path: Path
    loader: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    skipped: int = 0
    shares: dict[str, ShareTally] = field(default_factory=dict)
    rejects_path: Path | None = None
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def source_key(self) -> str:
        return f"sha256:{self.sha256}"

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


def record_source(driver: Driver, report: LoadReport, now: datetime, database: str) -> None:
    QueryRunner(driver, database=database).write(
        "load/source",
        {
            "key": report.source_key,
            "props": {
                "name": report.path.name,
                "path": str(report.path),
                "sha256": report.sha256,
                "loader": report.loader,
                "loaded_at": now,
                "rows_read": report.rows_read,
                "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected,
                "duplicates": report.duplicates,
                "rows_skipped": report.skipped,
                # Per object type: share events read, and how many repeated an earlier one.
                "share_types": sorted(report.shares),
                "share_events": [report.shares[t].events for t in sorted(report.shares)],
                "share_repeats": [report.shares[t].repeats for t in sorted(report.shares)],
            },
        },
    )
