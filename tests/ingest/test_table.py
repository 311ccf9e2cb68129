"""Column-mapped tables: the mapping checked first, each time format, bad rows, reload."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, ShareTally, run_load
from cibgraph.ingest.shares import ObjectType
from cibgraph.ingest.table import TableLoader
from cibgraph.neo4j.db import read

runner = CliRunner()

ROWS = [
    ["handle", "link", "posted", "post", "body", "likes"],
    ["u1", "https://www.example.org/a?utm_source=x", "2024-01-02 03:04:05", "p1", "look #a", "3"],
    ["u2", "http://example.org/a/", "2024-01-02 03:04:35", "p2", "same here", "1"],
    ["u2", "http://example.org/a/", "2024-01-02 03:04:35", "p2", "same here", "1"],  # repeat
    ["u3", "", "2024-01-02 03:05:00", "p3", "no link", "0"],  # skipped
    ["u3", "https://example.net/b", "02/01/2024 03:05", "p4", "bad time", "0"],
    ["", "https://example.net/b", "2024-01-02 03:06:00", "p5", "no account", "0"],
    ["u4", "gopher://example.net/b", "2024-01-02 03:07:00", "p6", "not a URL", "0"],
    ["u4", "https://example.net/b", "2024-01-02 03:08:00", "p7", "multi\nline", "9"],
]
MAPPING = {
    "account": "handle",
    "object_column": "link",
    "object_type": ObjectType.URL,
    "time": "posted",
    "time_format": "%Y-%m-%d %H:%M:%S",
}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_mapped_table_loads_share_events(db: Driver, tmp_path: Path) -> None:
    path = _write(tmp_path / "posts.csv", ROWS)
    loader = TableLoader(**MAPPING, content="post", text="body")
    report = run_load(loader, path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (8, 3, 3)
    assert (report.duplicates, report.skipped) == (1, 1)
    assert report.shares == {"url": ShareTally(events=4, repeats=1)}
    rows = read(
        db,
        "MATCH (a:Account)-[s:SHARED]->(u:Url) RETURN a.platform_id AS a, s.content_id AS c, "
        "s.at.epochSeconds AS t, u.key AS u ORDER BY c",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("u1", "p1", 1704164645, "https://example.org/a"),
        ("u2", "p2", 1704164675, "https://example.org/a"),
        ("u4", "p7", 1704164880, "https://example.net/b"),
    ]
    posts = read(db, "MATCH (:Account)-[:POSTED]->(p:Post) RETURN p.text AS t ORDER BY t")
    assert [r["t"] for r in posts] == ["look #a", "multi\nline", "same here"]
    with (tmp_path / "posts.csv.rejects.csv").open() as fh:
        rejects = [(r["line"], r["field"]) for r in csv.DictReader(fh)]
    assert rejects == [("6", "posted"), ("7", "handle"), ("8", "link")]

    again = run_load(loader, path, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.duplicates, again.skipped) == (3, 1, 1)
    counts = "RETURN COUNT { ()-[:SHARED]->() } AS s, COUNT { (:Post) } AS p"
    assert read(db, counts)[0].data() == {"s": 3, "p": 3}


@pytest.mark.parametrize(
    ("time_format", "cell", "seconds"),
    [
        ("epoch", "1704164645", 1704164645),
        ("epoch", "1704164645.5", 1704164645),
        ("epoch_ms", "1704164645123", 1704164645),
        ("iso", "2024-01-02T03:04:05Z", 1704164645),
        ("iso", "2024-01-02T05:04:05+02:00", 1704164645),
        (None, "1704164645", 1704164645),
        (None, "2024-01-02 03:04:05", 1704164645),
        ("%d/%m/%Y %H:%M", "02/01/2024 03:04", 1704164640),
    ],
)
def test_time_formats(
    db: Driver, tmp_path: Path, time_format: str | None, cell: str, seconds: int
) -> None:
    path = _write(tmp_path / "t.csv", [["a", "o", "t"], ["u1", "h1", cell]])
    loader = TableLoader(
        account="a",
        object_column="o",
        object_type=ObjectType.HASHTAG,
        time="t",
        time_format=time_format,
    )
    report = run_load(loader, path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_loaded, report.rows_rejected) == (1, 0)
    (row,) = read(db, "MATCH ()-[s:SHARED]->(:Hashtag {key: 'h1'}) RETURN s.at.epochSeconds AS t")
    assert row["t"] == seconds


@pytest.mark.parametrize(
    ("time_format", "cell"),
    [("epoch", "2024-01-02"), ("epoch_ms", "abc"), ("iso", "1704164645"), ("epoch", "1e300")],
)
def test_a_cell_not_in_the_time_format_is_rejected(
    db: Driver, tmp_path: Path, time_format: str, cell: str
) -> None:
    path = _write(tmp_path / "t.csv", [["a", "o", "t"], ["u1", "h1", cell]])
    loader = TableLoader(
        account="a",
        object_column="o",
        object_type=ObjectType.HASHTAG,
        time="t",
        time_format=time_format,
    )
    report = run_load(loader, path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_loaded, report.rows_rejected) == (0, 1)


def test_an_unknown_column_writes_nothing(db: Driver, tmp_path: Path) -> None:
    path = _write(tmp_path / "posts.csv", ROWS)
    loader = TableLoader(**{**MAPPING, "account": "user"})
    with pytest.raises(LoadError) as err:
        run_load(loader, path, driver=db, rejects_dir=tmp_path)
    assert str(err.value).endswith(
        "no column 'user' in the file; its columns: handle, link, posted, post, body, likes"
    )
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_without_a_content_column_a_row_digest_keys_the_share(db: Driver, tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", [["a", "o", "t"], ["u1", "h1", "10"], ["u1", "h1", "20"]])
    loader = TableLoader(account="a", object_column="o", object_type=ObjectType.HASHTAG, time="t")
    run_load(loader, path, driver=db, rejects_dir=tmp_path)
    run_load(loader, path, driver=db, rejects_dir=tmp_path)
    contents = read(db, "MATCH ()-[s:SHARED]->() RETURN s.content_id AS c ORDER BY s.at")
    assert len(contents) == 2
    assert all(r["c"].startswith("row:") and len(r["c"]) == 44 for r in contents)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "nope"], "no column 'nope' in the file; its columns: handle, link"),
        (["--time-format", "%Q"], "bad time format '%Q'"),
        (["--time-format", "seconds"], "unknown time format 'seconds'"),
        (["--text", "body"], "--text needs --content"),
    ],
)
def test_cli_refuses_a_bad_mapping_in_one_line(
    db: Driver, tmp_path: Path, args: list[str], message: str
) -> None:
    path = _write(tmp_path / "posts.csv", ROWS)
    base = ["load", "table", str(path), "--account", "handle", "--object", "link"]
    result = runner.invoke(app, [*base, "--time", "posted", *args])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_loads_a_table(db: Driver, tmp_path: Path) -> None:
    path = _write(tmp_path / "posts.csv", ROWS)
    args = ["load", "table", str(path), "--account", "handle", "--object", "link"]
    args += ["--time", "posted", "--time-format", "%Y-%m-%d %H:%M:%S", "--object-type", "url"]
    result = runner.invoke(app, [*args, "--rejects-dir", str(tmp_path / "rej")])
    assert result.exit_code == 2, result.output
    assert read(db, "MATCH ()-[s:SHARED]->() RETURN count(s) AS n")[0]["n"] == 3
