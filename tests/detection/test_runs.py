"""The generic DetectionRun record: parameters and counts as properties, the latest by kind."""

from __future__ import annotations

import pytest
from neo4j import Driver

from cibgraph.detection.runs import finish_run, latest_run, start_run
from cibgraph.neo4j.db import read


def test_start_and_finish_write_params_and_counts(db: Driver) -> None:
    run = start_run(db, kind="demo_kind", algorithm="test", params={"cap": 7, "factor": 0.5})
    assert latest_run(db, kind="demo_kind") is None  # not complete yet
    finish_run(db, run_id=run.run_id, counts={"edges": 3})
    r = read(db, "MATCH (r:DetectionRun {key: $k}) RETURN r", {"k": run.run_id})[0]["r"]
    assert (r["kind"], r["algorithm"], r["cap"], r["factor"], r["edges"], r["status"]) == (
        "demo_kind",
        "test",
        7,
        0.5,
        3,
        "complete",
    )
    assert run.run_id.startswith("demo_kind-")
    assert latest_run(db, kind="demo_kind") == run.run_id
    later = start_run(db, kind="demo_kind", algorithm="test", params={})
    finish_run(db, run_id=later.run_id, counts={})
    assert latest_run(db, kind="demo_kind") == later.run_id


def test_reserved_names_and_unknown_runs_are_refused(db: Driver) -> None:
    with pytest.raises(ValueError, match="status"):
        start_run(db, kind="k", algorithm="a", params={"status": "x"})
    with pytest.raises(KeyError):
        finish_run(db, run_id="no-such-run", counts={})
