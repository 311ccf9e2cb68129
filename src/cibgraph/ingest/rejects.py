"""The rejects file: each rejected row with its file, line, field, reason and raw text."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, TextIO

from cibgraph.ingest.files import MAX_RAW_CHARS
from cibgraph.ingest.rows import Reject


class RejectsFile:
    """A CSV of rejected rows (`file, line, field, reason, raw`), created on the first reject."""

    COLUMNS = ("file", "line", "field", "reason", "raw")

    def __init__(self, directory: Path, source: Path) -> None:
        self.path = directory / f"{source.name}.rejects.csv"
        self.source = source
        self.count = 0
        self._fh: TextIO | None = None
        self._writer: Any = None
        directory.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)  # a rerun reports its own rejects only

    def add(self, reject: Reject) -> None:
        if self._fh is None:
            self._fh = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(self.COLUMNS)
        self._writer.writerow(
            (str(self.source), reject.line, reject.field, reject.reason, reject.raw[:MAX_RAW_CHARS])
        )
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
