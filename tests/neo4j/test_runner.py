"""The query runner: checks before sending, routing, timeout, plain values, notifications, rows."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from neo4j import READ_ACCESS, WRITE_ACCESS, Driver
from neo4j.exceptions import ClientError

from cibgraph.neo4j.driver import open_async_driver
from cibgraph.neo4j.registry import NamedQuery, QueryMode, parse_query_file
from cibgraph.neo4j.runner import (
    AsyncQueryRunner,
    QueryCallError,
    QueryRunner,
    RowsLostError,
    prepare,
)
from cibgraph.settings import Settings


def _query(
    tmp_path: Path, name: str, body: str, *, params: str = "none", mode: str = "read"
) -> NamedQuery:
    path = tmp_path / "t" / f"{name}.cypher"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"// name: t/{name}\n// answers: a test\n// params: {params}\n// mode: {mode}\n{body}\n"
    )
    return parse_query_file(path, root=tmp_path)


@pytest.mark.parametrize(
    ("name", "params", "labels", "mode", "message"),
    [
        ("meta/entity_by_key", {}, None, None, r"missing params \['key'\], unknown \[\]"),
        ("meta/label_counts", {"x": 1}, None, None, r"missing params \[\], unknown \['x'\]"),
        ("meta/label_counts", {}, None, QueryMode.WRITE, "is read, not write"),
        ("load/source", {"key": "k", "props": {}}, None, QueryMode.READ, "is write, not read"),
        ("load/endpoints", {"rows": [], "source": "s", "now": 1}, None, None, "bind its label"),
        (
            "load/endpoints",
            {"rows": [], "source": "s", "now": 1},
            {"node": "Case"},
            None,
            "not allowed",
        ),
        (
            "load/share_events",
            {"rows": 3, "source": "s", "now": 1},
            {"object": "Url"},
            None,
            "must be a list",
        ),
        ("no/such_query", {}, None, None, "no query named 'no/such_query'"),
    ],
)
def test_calls_are_checked_before_anything_is_sent(
    name: str,
    params: dict[str, Any],
    labels: dict[str, str] | None,
    mode: QueryMode | None,
    message: str,
) -> None:
    with pytest.raises(QueryCallError, match=message):
        prepare(name, params, labels=labels, mode=mode)


def test_label_slots_are_bound_backticked() -> None:
    call = prepare("load/endpoints", {"rows": [], "source": "s", "now": 1}, labels={"node": "Url"})
    assert "MERGE (n:`Url` {key: row.key})" in call.text
    assert call.query.label_slots == {}


class _Tx:
    def __init__(self, log: list[Any]) -> None:
        self.log = log

    def run(self, text: str, params: dict[str, Any]) -> Any:
        self.log.append((text, params))
        return _Result()


class _Result:
    def __iter__(self) -> Any:
        return iter([])

    def consume(self) -> None:
        return None


class _Session:
    def __init__(self, log: list[Any], kwargs: dict[str, Any]) -> None:
        self.log, self.kwargs = log, kwargs

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_read(self, work: Any, *args: Any) -> Any:
        self.log.append(("read", self.kwargs, work.timeout))
        return work(_Tx(self.log), *args)

    def execute_write(self, work: Any, *args: Any) -> Any:
        self.log.append(("write", self.kwargs, work.timeout))
        return work(_Tx(self.log), *args)


class _Driver:
    """Stands in for the driver only to see the session, access mode and timeout asked for."""

    def __init__(self) -> None:
        self.log: list[Any] = []

    def session(self, **kwargs: Any) -> _Session:
        return _Session(self.log, kwargs)


def test_reads_use_read_sessions_writes_write_sessions_with_timeout_and_filters() -> None:
    fake = _Driver()
    runner = QueryRunner(fake, database="neo4j", timeout=7.0)  # type: ignore[arg-type]
    runner.read("meta/label_counts")
    runner.write("load/source", {"key": "k", "props": {"a": 1}}, timeout=2.0)
    (kind, session, timeout), (text, params) = fake.log[0], fake.log[1]
    assert "UNWIND labels(n) AS label" in text
    assert (kind, session["default_access_mode"], session["database"], timeout) == (
        "read",
        READ_ACCESS,
        "neo4j",
        7.0,
    )
    assert [c.value for c in session["notifications_disabled_classifications"]] == ["UNRECOGNIZED"]
    assert session["notifications_min_severity"].value == "WARNING"
    assert params == {}
    kind, session, timeout = fake.log[2]
    assert (kind, session["default_access_mode"], timeout) == ("write", WRITE_ACCESS, 2.0)
    assert fake.log[3][1] == {"key": "k", "props": {"a": 1}}


def test_values_come_back_plain(db: Driver, tmp_path: Path) -> None:
    q = _query(
        tmp_path,
        "values",
        "RETURN datetime('2020-01-02T03:04:05.123Z') AS t, date('2020-01-02') AS d, "
        "localtime('10:30') AS lt, duration('P1M2DT3S') AS du, "
        "point({longitude: 1.5, latitude: 2.5}) AS p, point({x: 1, y: 2, z: 3}) AS c, "
        "[datetime('2021-05-06T00:00:00Z')] AS l, {inner: date('1999-12-31')} AS m, $n AS n",
        params="n: int",
    )
    (row,) = QueryRunner(db).read(q, {"n": 5})
    assert row == {
        "t": datetime(2020, 1, 2, 3, 4, 5, 123000, tzinfo=UTC),
        "d": date(2020, 1, 2),
        "lt": time(10, 30),
        "du": "P1M2DT3S",
        "p": {"srid": 4326, "longitude": 1.5, "latitude": 2.5},
        "c": {"srid": 9157, "x": 1.0, "y": 2.0, "z": 3.0},
        "l": [datetime(2021, 5, 6, tzinfo=UTC)],
        "m": {"inner": date(1999, 12, 31)},
        "n": 5,
    }
    assert type(row["t"]) is datetime


def test_a_slow_query_stops_at_the_timeout(db: Driver, tmp_path: Path) -> None:
    q = _query(
        tmp_path,
        "slow",
        "UNWIND range(1, 1000000000) AS i WITH i WHERE i = -1 RETURN count(*) AS n",
    )
    started = datetime.now(UTC)
    with pytest.raises(ClientError, match=r"(?i)timeout|terminated"):
        QueryRunner(db, timeout=0.5).read(q)
    assert (datetime.now(UTC) - started).total_seconds() < 10


def test_a_warning_is_logged_once_on_one_line_and_unrecognized_ones_not_at_all(
    db: Driver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    deprecated = _query(tmp_path, "deprecated", "MATCH (n:Account) RETURN id(n) AS i")
    unknown = _query(tmp_path, "unknown", "MATCH (n:NeverSeenLabel) RETURN n.never_seen AS x")
    runner = QueryRunner(db)
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            runner.read(deprecated)
            runner.read(unknown)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.getMessage().split(":")[0]) for r in warnings] == [
        ("cibgraph.neo4j.runner", "query t/deprecated")
    ]
    assert "\n" not in warnings[0].getMessage()
    assert "id" in warnings[0].getMessage()
    assert not [r for r in caplog.records if "unknown" in r.getMessage()]


def test_rows_that_find_no_node_fail_the_batch(db: Driver) -> None:
    runner = QueryRunner(db)
    now = datetime.now(UTC)
    params = {"source": "s", "now": now}
    rows = [
        {"follower_key": "twitter:1", "target_key": "twitter:2"},
        {"follower_key": "twitter:1", "target_key": "twitter:3"},
    ]
    with pytest.raises(RowsLostError, match="2 of 2 rows found no node to link") as lost:
        runner.write_batches(
            "load/bundle_follows", rows, params=params, labels={"target": "Account"}
        )
    assert (lost.value.sent, lost.value.linked) == (2, 0)
    runner.write_batches(
        "load/endpoints",
        [{"key": k} for k in ("twitter:1", "twitter:2")],
        params=params,
        labels={"node": "Account"},
    )
    with pytest.raises(RowsLostError, match="1 of 2 rows"):
        runner.write_batches(
            "load/bundle_follows", rows, params=params, labels={"target": "Account"}
        )
    n = runner.write_batches(
        "load/bundle_follows", rows[:1], params=params, labels={"target": "Account"}
    )
    assert n == 1
    assert runner.read("meta/label_counts") == [{"label": "Account", "nodes": 2}]


def test_stream_yields_rows_as_they_arrive_and_can_keep_driver_values(db: Driver) -> None:
    runner = QueryRunner(db)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    runner.write_batches(
        "load/endpoints",
        [{"key": f"twitter:{i}"} for i in range(3)],
        params={"source": "s", "now": now},
        labels={"node": "Account"},
    )
    rows = runner.stream("export/nodes", {"ids": []})
    assert next(rows, None) is None
    kept = list(runner.stream("meta/entity_by_key", {"key": "twitter:1"}, convert=False))
    plain = list(runner.stream("meta/entity_by_key", {"key": "twitter:1"}))
    assert len(kept) == len(plain) == 1
    assert type(kept[0]["props"]["first_loaded_at"]).__module__.startswith("neo4j.time")
    assert plain[0]["props"]["first_loaded_at"] == now


def test_async_face_runs_the_same_checks(db: Driver, settings: Settings) -> None:
    async def go() -> tuple[list[dict[str, Any]], int]:
        driver = open_async_driver(settings)
        try:
            runner = AsyncQueryRunner(driver, database=settings.neo4j_database, timeout=5.0)
            with pytest.raises(QueryCallError, match="is read, not write"):
                await runner.write("meta/label_counts", {})
            await runner.write(
                "load/endpoints",
                {
                    "rows": [{"key": "twitter:9"}],
                    "source": "s",
                    "now": datetime(2024, 1, 1, tzinfo=UTC),
                },
                labels={"node": "Account"},
            )
            rows = await runner.read("meta/entity_by_key", {"key": "twitter:9"})
            return rows, runner.queries
        finally:
            await driver.close()

    rows, calls = asyncio.run(go())
    assert calls == 2
    assert rows[0]["props"]["first_loaded_at"] == datetime(2024, 1, 1, tzinfo=UTC)
