"""Every hostile corpus file through `cibgraph load`: no traceback, the exit code, exact counts.

For each case: the command ends without a traceback and with the expected exit code (0 loaded,
2 loaded with rejects, 1 refused); a refused file leaves one error line and nothing in the
graph; a loaded one leaves a Source whose counts add up (read = loaded + rejected + duplicates
+ skipped) and are the expected ones, and the expected nodes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.neo4j.db import read
from tests.hostile.corpus import CASES, Case

runner = CliRunner()


@pytest.mark.parametrize("case", CASES(), ids=lambda c: c.name)
def test_hostile_file(case: Case, db: Driver, tmp_path: Path) -> None:
    path = tmp_path / case.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.data)
    result = runner.invoke(
        app,
        ["load", case.loader, str(path), *case.args, "--rejects-dir", str(tmp_path / "rejects")],
    )
    output = result.output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output[-2_000:]
    assert result.exit_code == case.expect.exit_code, output[-2_000:]
    sources = read(
        db,
        "MATCH (s:Source) RETURN s.rows_read AS read, s.rows_loaded AS loaded, "
        "s.rows_rejected AS rejected, s.duplicates AS duplicates, s.rows_skipped AS skipped",
    )
    expect = case.expect
    if expect.error is not None:
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, output[-2_000:]
        assert expect.error in errors[0]
        assert len(errors[0]) < 2_000
        assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
        return
    (source,) = sources
    counts = (expect.read, expect.loaded, expect.rejected, expect.duplicates, expect.skipped)
    assert tuple(source.values()) == counts
    assert source["read"] == sum(counts[1:])
    for label, n in expect.nodes.items():
        # Labels come from the case table, not from input.
        found = read(db, f"MATCH (n:`{label}`) RETURN count(n) AS n")[0]["n"]  # type: ignore[arg-type]
        assert (label, found) == (label, n)
