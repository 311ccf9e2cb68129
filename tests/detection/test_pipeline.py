"""The detection pipeline: missing signals run, existing runs are reused, front ends share it."""

from __future__ import annotations

import logging
from itertools import combinations

import pytest
from neo4j import Driver, Session
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.detection.fusion import FusionParams
from cibgraph.detection.pipeline import detect_and_fuse, run_detections, run_signal
from cibgraph.detection.registry import SIGNALS, kinds
from cibgraph.neo4j.db import read, write
from cibgraph.neo4j.runner import QueryRunner

CREW = [f"twitter:c{i}" for i in range(6)]


def _crew_sharing(db: Driver) -> None:
    """Six accounts that each share the same six posts within seconds of each other."""
    write(
        db,
        "UNWIND $crew AS k MERGE (a:Account {key: k}) WITH a, k "
        "UNWIND range(1, 6) AS i MERGE (p:Post {key: 'twitter:p' + i}) "
        "CREATE (a)-[:SHARED {content_id: k + '-' + i, "
        "at: datetime('2024-01-01T00:00:00Z') + duration({seconds: i * 100})}]->(p)",
        {"crew": CREW},
    )


def _run_kinds(db: Driver) -> list[str]:
    return [r["k"] for r in read(db, "MATCH (r:DetectionRun) RETURN r.kind AS k ORDER BY k")]


def test_missing_signals_run_and_existing_runs_are_reused(db: Driver) -> None:
    _crew_sharing(db)
    steps: list[str] = []
    first = detect_and_fuse(
        db, fusion=FusionParams(min_score=0.1), use_gds=False, progress=steps.append
    )
    assert list(first.signals) == list(kinds())
    assert all(r.ran for r in first.signals.values())
    coordination = first.signals["coordination"]
    assert dict(coordination.report)["edges"] == len(list(combinations(CREW, 2)))
    assert [n.members for n in first.fusion.networks] == [CREW]
    assert steps[0] == "coordination: detecting"
    assert steps[-1].startswith(f"fusion: run {first.fusion.run_id}, 1 networks in ")
    again = detect_and_fuse(db, use_gds=False)
    assert {k: (r.ran, r.run_id) for k, r in again.signals.items()} == {
        k: (False, r.run_id) for k, r in first.signals.items()
    }
    fresh = run_detections(db, fresh=True, only=["cohorts", "control"])
    assert list(fresh) == ["cohorts", "control"]
    assert fresh["cohorts"].run_id != first.signals["cohorts"].run_id
    assert _run_kinds(db).count("cohorts") == 2


def test_parameters_are_checked_before_anything_runs(db: Driver) -> None:
    with pytest.raises(ValueError, match=r"^max_gap must be at least 0, not -1$"):
        run_detections(db, params={"coordination": {"time_window": 5}, "cohorts": {"max_gap": -1}})
    with pytest.raises(ValueError, match="parameters for signals that do not run: control"):
        run_detections(db, only=["cohorts"], params={"control": {}})
    with pytest.raises(TypeError, match="cohorts takes CohortParams, not FusionParams"):
        run_signal(db, "cohorts", FusionParams())
    assert _run_kinds(db) == []


@pytest.mark.parametrize("signal", SIGNALS, ids=lambda s: s.kind)
def test_each_cli_command_offers_every_parameter_with_its_default(signal: object) -> None:
    from cibgraph.detection.signal import Signal

    assert isinstance(signal, Signal)
    out = CliRunner().invoke(app, ["detect", signal.kind, "--help"], terminal_width=200)
    assert out.exit_code == 0, out.output
    for spec in signal.param_specs:
        assert f"--{spec.name.replace('_', '-')}" in out.output
        if (
            spec.name in signal.explicit
            or spec.default is False
            or spec.default == ""
            or spec.multiple
        ):
            continue  # click prints no default for a flag that is off by default
        assert f"[default: {spec.default}]" in out.output, spec.name


def test_cli_refuses_a_bad_parameter_in_one_line(db: Driver) -> None:
    out = CliRunner().invoke(app, ["detect", "infrastructure", "--max-accounts", "2"])
    assert out.exit_code == 1
    assert out.output == "error: max_accounts must be at least 3, not 2\n"
    out = CliRunner().invoke(app, ["detect", "networks", "--cohorts-min-size", "1"])
    assert (out.exit_code, out.output) == (1, "error: min_size must be at least 2, not 1\n")
    assert _run_kinds(db) == []


def test_cli_detect_cohorts_with_its_options(db: Driver) -> None:
    write(
        db,
        "UNWIND range(0, 3) AS i CREATE (:Account {key: 'twitter:b' + i, platform: 'twitter', "
        "handle: 'user' + (1000 + i), created_at: datetime('2024-01-01T00:00:00Z') "
        "+ duration({seconds: 30 * i})})",
    )
    out = CliRunner().invoke(app, ["detect", "cohorts", "--min-size", "4", "--neighbours", "1"])
    assert out.exit_code == 0, out.output
    lines = [" ".join(line.split()) for line in out.output.splitlines()]
    assert lines[0].startswith("run cohorts-")
    assert lines[1:4] == ["bursts 1", "accounts in bursts 4", "edges 3"]
    assert lines[4].startswith("seconds ")


def test_detect_networks_on_an_empty_graph_logs_no_driver_notification(
    db: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    """A fresh database has no DetectionRun yet: reading `kind`, `status` or `started_at` must
    not make the driver log a warning per query (they used to flood the terminal)."""
    caplog.set_level(logging.DEBUG, logger="neo4j.notifications")  # undo any quieting
    out = CliRunner().invoke(app, ["detect", "networks", "--no-gds"])
    assert out.exit_code == 0, out.output
    assert "0 networks in" in out.output
    assert "cohorts: detecting" in out.output  # progress, on stderr
    notices = [r.getMessage() for r in caplog.records if r.name.startswith("neo4j")]
    assert [m for m in notices if "notification" in m.lower()] == []
    assert "property key does not exist" not in out.output


def _warnings(session: Session) -> list[str]:
    summary = session.run(
        "MATCH (r:DetectionRun) WHERE r.never_written_by_cibgraph = 1 RETURN r"
    ).consume()
    return [s.status_description for s in summary.gql_status_objects if s.is_notification]


def test_the_queries_sessions_ask_the_server_for_no_unrecognized_notification(
    db: Driver,
) -> None:
    """What a fresh database does to every detection query, reproduced with a property key
    nothing writes: a plain session gets the warning, the runner's (every named query's) none."""
    with db.session() as plain:
        assert any("property key does not exist" in w for w in _warnings(plain))
    with QueryRunner(db).session(read=True) as quiet:
        assert _warnings(quiet) == []
