"""The bundle loader against the test instance: every kind, both formats, rejects, reloads, CLI."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, LoadReport, run_load
from cibgraph.ingest.bundle import KINDS, BundleLoader, bundle_files, bundle_kind
from cibgraph.ingest.bundle_models import MODELS

HASHED = "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlC6/2f5Cs="

# One small bundle; JSONL keeps the JSON types, CSV writes every value as text.
BUNDLE: dict[str, list[dict[str, Any]]] = {
    "accounts": [
        {
            "platform": "twitter",
            "id": "1001",
            "handle": "hk_news",
            "name": "HK News, daily",
            "description": "line one\nline two",
            "location": "Hong Kong",
            "profile_url": "https://example.org/hk",
            "created_at": "2017-08-30T09:02:03+08:00",
            "followers": 120,
            "following": 5,
            "language": "zh-CN",
            "client": "Twitter Web App",
        },
        {"platform": "twitter", "id": HASHED, "followers": 3},
        {"platform": "facebook", "id": "5001", "name": "Admin One"},
    ],
    "pages": [
        {
            "platform": "facebook",
            "id": "9001",
            "name": "Bauhinia Voice",
            "created_at": "2019-06-01",
            "followers": 15500,
        }
    ],
    "groups": [{"platform": "facebook", "id": "7001", "name": "HK Truth", "members": 250}],
    "page_admins": [
        {"platform": "facebook", "account_id": "5001", "page_id": "9001", "role": "editor"},
        {"platform": "facebook", "account_id": "5002", "page_id": "9001", "role": None},
    ],
    "group_admins": [
        {"platform": "facebook", "account_id": "5001", "group_id": "7001", "role": "moderator"}
    ],
    "group_members": [
        {
            "platform": "facebook",
            "account_id": "5002",
            "group_id": "7001",
            "joined_at": "2019-07-01T12:00:00+08:00",
        },
        {"platform": "facebook", "account_id": "5001", "group_id": "7001"},
    ],
    "follows": [
        {
            "platform": "twitter",
            "follower_id": "1001",
            "target_id": "1002",
            "target_type": "account",
        },
        {
            "platform": "twitter",
            "follower_id": HASHED,
            "target_id": "1001",
            "target_type": "account",
        },
        {"platform": "facebook", "follower_id": "5002", "target_id": "9001", "target_type": "page"},
        {"platform": "facebook", "follower_id": "5003", "target_id": "9002", "target_type": "page"},
        # An exact duplicate: reported, not loaded twice.
        {"platform": "facebook", "follower_id": "5003", "target_id": "9002", "target_type": "page"},
    ],
    "ip_logins": [
        {
            "platform": "twitter",
            "account_id": "1001",
            "ip": "203.0.113.7",
            "first_seen": "2019-08-01T00:00:00Z",
            "last_seen": "2019-08-10T00:00:00Z",
            "count": 4,
            "access": "vpn",
        },
        # The same pair again: an earlier first_seen, an older last_seen (its count loses).
        {
            "platform": "twitter",
            "account_id": "1001",
            "ip": "203.0.113.7",
            "first_seen": "2019-07-20T00:00:00Z",
            "last_seen": "2019-08-05T00:00:00Z",
            "count": 2,
            "access": "hosting",
        },
        {
            "platform": "twitter",
            "account_id": "1001",
            "ip": "2001:DB8:0:0::1",
            "first_seen": "2019-08-02T00:00:00Z",
            "last_seen": "2019-08-02T00:00:00Z",
            "count": 1,
            "access": "unknown",
        },
        {
            "platform": "twitter",
            "account_id": HASHED,
            "ip": "203.0.113.7",
            "first_seen": "2019-08-03T00:00:00Z",
            "last_seen": "2019-08-04T00:00:00Z",
            "count": 1,
            "access": "unblocked",
        },
    ],
    "attributions": [
        {
            "entity_type": "account",
            "platform": "twitter",
            "entity_id": "1001",
            "campaign": "china_082019_1",
            "note": "in the Twitter disclosure",
        },
        {
            "entity_type": "page",
            "platform": "facebook",
            "entity_id": "9001",
            "campaign": "china_082019_1",
        },
        {
            "entity_type": "group",
            "platform": "facebook",
            "entity_id": "7001",
            "campaign": "china_082019_2",
        },
        {"entity_type": "ip", "entity_id": "198.51.100.9", "campaign": "china_082019_1"},
    ],
}

NODES = {
    "Account": 6,  # twitter:1001, 1002, the hashed one; facebook:5001, 5002, 5003
    "Page": 2,
    "Group": 1,
    "IP": 3,
    "Subnet": 3,
    "Campaign": 2,
    "Source": 9,
}
RELS = {
    "ADMIN_OF": 3,
    "MEMBER_OF": 2,
    "FOLLOWS": 4,
    "USED_IP": 3,
    "IN_SUBNET": 3,
    "ATTRIBUTED_TO": 4,
}
PROVENANCE = {"sources", "first_loaded_at", "last_loaded_at"}

runner = CliRunner()


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else str(r[c]) for c in columns])
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    return path


def write_bundle(directory: Path, fmt: str) -> Path:
    """Every kind in `fmt` (csv or jsonl); two of them gzipped, plus a README to be ignored."""
    directory.mkdir(parents=True, exist_ok=True)
    for kind, rows in BUNDLE.items():
        gz = ".gz" if kind in ("accounts", "follows") else ""
        if fmt == "csv":
            write_csv(directory / f"{kind}.csv{gz}", rows)
        else:
            write_jsonl(directory / f"{kind}.jsonl{gz}", rows)
    (directory / "README.md").write_text("notes for the reader")
    return directory


def load_all(
    driver: Driver | None, paths: list[Path], tmp_path: Path, **kw: Any
) -> list[LoadReport]:
    loader = BundleLoader()
    return [
        run_load(loader, p, driver=driver, rejects_dir=tmp_path / "rejects", **kw)
        for p in bundle_files(paths)
    ]


def counts(driver: Driver) -> tuple[dict[str, int], dict[str, int]]:
    nodes, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n"
    )
    rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    return {r["label"]: r["n"] for r in nodes}, {r["type"]: r["n"] for r in rels}


def props(driver: Driver, query: str, **params: Any) -> dict[str, Any]:
    """The properties of the one entity `query` returns as `x`, without provenance."""
    records, _, _ = driver.execute_query(query + " RETURN properties(x) AS p", params)
    assert len(records) == 1
    return {
        k: v.to_native() if hasattr(v, "to_native") else v
        for k, v in records[0]["p"].items()
        if k not in PROVENANCE
    }


def rejects(report: LoadReport) -> list[tuple[int, str, str]]:
    assert report.rejects_path is not None
    with report.rejects_path.open(newline="", encoding="utf-8") as fh:
        return [(int(r["line"]), r["field"], r["reason"]) for r in csv.DictReader(fh)]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_bundle_loads_every_kind(db: Driver, tmp_path: Path, fmt: str) -> None:
    bundle = write_bundle(tmp_path / "bundle", fmt)
    reports = load_all(db, [bundle], tmp_path)

    assert [bundle_kind(r.path)[0] for r in reports] == list(KINDS)
    by_kind = {bundle_kind(r.path)[0]: r for r in reports}
    assert {k: r.rows_loaded for k, r in by_kind.items()} == {
        "accounts": 3,
        "pages": 1,
        "groups": 1,
        "page_admins": 2,
        "group_admins": 1,
        "group_members": 2,
        "follows": 4,
        "ip_logins": 4,
        "attributions": 4,
    }
    assert by_kind["follows"].duplicates == 1
    assert sum(r.rows_rejected for r in reports) == 0
    assert counts(db) == (NODES, RELS)

    assert props(db, "MATCH (x:Account {key: 'twitter:1001'})") == {
        "key": "twitter:1001",
        "platform": "twitter",
        "platform_id": "1001",
        "hashed": False,
        "handle": "hk_news",
        "name": "HK News, daily",
        "description": "line one\nline two",
        "location": "Hong Kong",
        "profile_url": "https://example.org/hk",
        "created_at": utc(2017, 8, 30, 1, 2, 3),
        "followers": 120,
        "following": 5,
        "language": "zh-cn",
        "client": "Twitter Web App",
    }
    assert props(db, "MATCH (x:Account {key: $k})", k=f"twitter:{HASHED}") == {
        "key": f"twitter:{HASHED}",
        "platform": "twitter",
        "platform_id": HASHED,
        "hashed": True,
        "followers": 3,
    }
    # Made by a link row alone: its key and identity, nothing else.
    assert props(db, "MATCH (x:Account {key: 'facebook:5002'})") == {
        "key": "facebook:5002",
        "platform": "facebook",
        "platform_id": "5002",
        "hashed": False,
    }
    assert props(db, "MATCH (x:Page {key: 'facebook:9001'})") == {
        "key": "facebook:9001",
        "platform": "facebook",
        "platform_id": "9001",
        "name": "Bauhinia Voice",
        "created_at": utc(2019, 6, 1),
        "followers": 15500,
    }
    assert props(db, "MATCH (x:Page {key: 'facebook:9002'})") == {
        "key": "facebook:9002",
        "platform": "facebook",
        "platform_id": "9002",
    }
    assert props(db, "MATCH (x:Group {key: 'facebook:7001'})") == {
        "key": "facebook:7001",
        "platform": "facebook",
        "platform_id": "7001",
        "name": "HK Truth",
        "members": 250,
    }

    admins, _, _ = db.execute_query(
        "MATCH (a:Account)-[r:ADMIN_OF]->(x) RETURN a.key AS a, x.key AS x, r.role AS role "
        "ORDER BY a, x"
    )
    assert [tuple(r.values()) for r in admins] == [
        ("facebook:5001", "facebook:7001", "moderator"),
        ("facebook:5001", "facebook:9001", "editor"),
        ("facebook:5002", "facebook:9001", "admin"),
    ]
    members, _, _ = db.execute_query(
        "MATCH (a:Account)-[r:MEMBER_OF]->(g:Group) RETURN a.key AS a, r.joined_at AS j ORDER BY a"
    )
    assert [(r["a"], r["j"] and r["j"].to_native()) for r in members] == [
        ("facebook:5001", None),
        ("facebook:5002", utc(2019, 7, 1, 4)),
    ]
    follows, _, _ = db.execute_query(
        "MATCH (a:Account)-[:FOLLOWS]->(t) RETURN a.key AS a, labels(t)[0] AS l, t.key AS t "
        "ORDER BY a, t"
    )
    assert [tuple(r.values()) for r in follows] == [
        ("facebook:5002", "Page", "facebook:9001"),
        ("facebook:5003", "Page", "facebook:9002"),
        ("twitter:1001", "Account", "twitter:1002"),
        (f"twitter:{HASHED}", "Account", "twitter:1001"),
    ]

    logins, _, _ = db.execute_query(
        "MATCH (a:Account)-[u:USED_IP]->(ip:IP)-[:IN_SUBNET]->(s:Subnet) "
        "RETURN a.key AS a, ip.key AS ip, ip.version AS v, s.key AS s, u.first_seen AS f, "
        "u.last_seen AS l, u.count AS c, u.access AS x ORDER BY a, ip"
    )
    assert [
        (r["a"], r["ip"], r["v"], r["s"], r["f"].to_native(), r["l"].to_native(), r["c"], r["x"])
        for r in logins
    ] == [
        (
            "twitter:1001",
            "2001:db8::1",
            6,
            "2001:db8::/48",
            utc(2019, 8, 2),
            utc(2019, 8, 2),
            1,
            "unknown",
        ),
        (
            "twitter:1001",
            "203.0.113.7",
            4,
            "203.0.113.0/24",
            utc(2019, 7, 20),
            utc(2019, 8, 10),
            4,
            "vpn",
        ),
        (
            f"twitter:{HASHED}",
            "203.0.113.7",
            4,
            "203.0.113.0/24",
            utc(2019, 8, 3),
            utc(2019, 8, 4),
            1,
            "unblocked",
        ),
    ]

    attributed, _, _ = db.execute_query(
        "MATCH (e)-[r:ATTRIBUTED_TO]->(c:Campaign) "
        "RETURN labels(e)[0] AS l, e.key AS e, c.key AS c, r.note AS note ORDER BY e"
    )
    assert [tuple(r.values()) for r in attributed] == [
        ("IP", "198.51.100.9", "china_082019_1", None),
        ("Group", "facebook:7001", "china_082019_2", None),
        ("Page", "facebook:9001", "china_082019_1", None),
        ("Account", "twitter:1001", "china_082019_1", "in the Twitter disclosure"),
    ]
    subnet, _, _ = db.execute_query(
        "MATCH (:IP {key: '198.51.100.9'})-[:IN_SUBNET]->(s:Subnet) RETURN s.key AS s"
    )
    assert [r["s"] for r in subnet] == ["198.51.100.0/24"]

    # Provenance: twitter:1001 came from four files, each recorded once as a Source.
    sources, _, _ = db.execute_query(
        "MATCH (a:Account {key: 'twitter:1001'}) UNWIND a.sources AS key "
        "MATCH (s:Source {key: key}) RETURN s.name AS name ORDER BY name"
    )
    assert [r["name"] for r in sources] == sorted(
        [f"accounts.{fmt}.gz", f"follows.{fmt}.gz", f"ip_logins.{fmt}", f"attributions.{fmt}"]
    )


def test_loading_twice_changes_no_count(db: Driver, tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "bundle", "jsonl")
    load_all(db, [bundle], tmp_path)
    first = counts(db)
    load_all(db, [bundle], tmp_path)
    assert counts(db) == first == (NODES, RELS)
    lens, _, _ = db.execute_query(
        "MATCH (a:Account {key: 'twitter:1001'})-[u:USED_IP]->(:IP {key: '203.0.113.7'}) "
        "RETURN size(a.sources) AS a, size(u.sources) AS u, u.count AS c"
    )
    assert (lens[0]["a"], lens[0]["u"], lens[0]["c"]) == (4, 1, 4)


def test_the_same_bundle_in_csv_and_jsonl_gives_the_same_graph(db: Driver, tmp_path: Path) -> None:
    load_all(db, [write_bundle(tmp_path / "a", "csv")], tmp_path)
    load_all(db, [write_bundle(tmp_path / "b", "jsonl")], tmp_path)
    nodes, rels = counts(db)
    assert (nodes, rels) == ({**NODES, "Source": 18}, RELS)


def test_a_follows_file_alone_loads(db: Driver, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "follows.csv", BUNDLE["follows"])
    (report,) = load_all(db, [path], tmp_path)
    assert (report.rows_read, report.rows_loaded, report.duplicates) == (5, 4, 1)
    assert counts(db) == ({"Account": 5, "Page": 2, "Source": 1}, {"FOLLOWS": 4})


def test_ip_login_keeps_min_first_seen_max_last_seen_and_latest_count(
    db: Driver, tmp_path: Path
) -> None:
    base = BUNDLE["ip_logins"][0]
    older = tmp_path / "old" / "ip_logins.jsonl"
    older.parent.mkdir()
    newer = tmp_path / "new" / "ip_logins.jsonl"
    newer.parent.mkdir()
    write_jsonl(
        older, [{**base, "first_seen": "2019-06-01", "last_seen": "2019-06-30", "count": 9}]
    )
    write_jsonl(
        newer, [{**base, "first_seen": "2019-08-01", "last_seen": "2019-09-01", "count": 12}]
    )
    query = (
        "MATCH ()-[u:USED_IP]->() RETURN u.first_seen AS f, u.last_seen AS l, u.count AS c, "
        "u.access AS x, size(u.sources) AS s"
    )
    results = []
    for order in ([newer, older], [older, newer, older]):
        db.execute_query("MATCH (n) DETACH DELETE n")
        for path in order:
            load_all(db, [path], tmp_path)
        (r,) = db.execute_query(query).records
        results.append((r["f"].to_native(), r["l"].to_native(), r["c"], r["x"], r["s"]))
    assert results == [(utc(2019, 6, 1), utc(2019, 9, 1), 12, "vpn", 2)] * 2


def test_bad_rows_are_rejected_with_line_field_and_reason(db: Driver, tmp_path: Path) -> None:
    columns = list(MODELS["ip_logins"].model_fields)
    good = "twitter,1001,203.0.113.7,2019-08-01,2019-08-10,4,vpn"
    csv_path = tmp_path / "ip_logins.csv"
    csv_path.write_text(
        "\n".join(
            [
                ",".join(columns),
                good,
                "twitter,1002,999.1.2.3,2019-08-01,2019-08-10,4,vpn",
                "twitter,1003,203.0.113.8,2019-13-01,2019-08-10,4,vpn",
                "twitter,1004,203.0.113.9,2019-08-01,2019-08-10,4,tor",
                "twitter,1005,203.0.113.10,2019-08-01,2019-08-10,4,vpn,extra",
                "twitter,1006,203.0.113.11,2019-08-11,2019-08-10,4,vpn",
                "twitter,1007,203.0.113.12,2019-08-01,2019-08-10,0,vpn",
                "twitter,1008,2001:db8::2,2019-08-01,2019-08-10,,vpn",
                "twitter,1009,198.51.100.1,2019-08-01,2019-08-10,3,hosting",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    good_json = {
        "platform": "twitter",
        "account_id": "2001",
        "ip": "192.0.2.1",
        "first_seen": "2019-08-01",
        "last_seen": "2019-08-02",
        "count": 1,
        "access": "vpn",
    }
    jsonl_path = tmp_path / "json" / "ip_logins.jsonl"
    jsonl_path.parent.mkdir()
    jsonl_path.write_text(
        "\n".join(
            [
                json.dumps(good_json),
                json.dumps({**good_json, "account_id": "2002", "device": "android"}),
                "{not json",
                "",
                json.dumps({**good_json, "account_id": "2003", "count": "5"}),
                json.dumps(["a", "list"]),
                json.dumps({**good_json, "account_id": "2004", "ip": "10.0.0.300", "count": 0}),
                json.dumps({**good_json, "account_id": "2005"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    csv_report, jsonl_report = load_all(db, [csv_path, jsonl_path], tmp_path)

    assert (csv_report.rows_read, csv_report.rows_loaded, csv_report.rows_rejected) == (9, 2, 7)
    assert rejects(csv_report) == [
        (3, "ip", "'999.1.2.3' does not appear to be an IPv4 or IPv6 address"),
        (4, "first_seen", "not a date/time: '2019-13-01' (month must be in 1..12)"),
        (5, "access", "Input should be 'vpn', 'unblocked', 'hosting' or 'unknown'"),
        (6, "", "8 fields, expected 7"),
        (
            7,
            "last_seen",
            "first_seen 2019-08-11T00:00:00+00:00 is after last_seen 2019-08-10T00:00:00+00:00",
        ),
        (8, "count", "Input should be greater than 0"),
        (9, "count", "Field required"),
    ]
    assert (jsonl_report.rows_read, jsonl_report.rows_loaded, jsonl_report.rows_rejected) == (
        7,
        2,
        5,
    )
    assert rejects(jsonl_report) == [
        (2, "device", "Extra inputs are not permitted"),
        (
            3,
            "",
            "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (5, "count", "Input should be a valid integer"),
        (6, "", "not a JSON object: list"),
        (
            7,
            "ip,count",
            "ip: '10.0.0.300' does not appear to be an IPv4 or IPv6 address; "
            "count: Input should be greater than 0",
        ),
    ]
    assert csv_report.rejects_path == tmp_path / "rejects" / "ip_logins.csv.rejects.csv"
    loaded, _, _ = db.execute_query(
        "MATCH (a:Account)-[u:USED_IP]->(ip:IP) RETURN a.key AS a, ip.key AS ip ORDER BY a"
    )
    assert [tuple(r.values()) for r in loaded] == [
        ("twitter:1001", "203.0.113.7"),
        ("twitter:1009", "198.51.100.1"),
        ("twitter:2001", "192.0.2.1"),
        ("twitter:2005", "192.0.2.1"),
    ]


def test_wrong_header_fails_before_anything_is_written(db: Driver, tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "bundle", "csv")
    write_csv(bundle / "pages.csv", [{"platform": "facebook", "page_id": "1"}])
    with pytest.raises(LoadError) as info:
        load_all(db, [bundle], tmp_path)
    assert str(info.value) == (
        f"{(bundle / 'pages.csv').resolve()}: wrong header (missing id; unexpected page_id); "
        "expected columns: platform, id (optional: name, description, created_at, followers)"
    )
    assert counts(db) == ({}, {})


def test_a_gz_file_that_is_not_gzip_stops_the_bundle(db: Driver, tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "bundle", "jsonl")
    (bundle / "follows.jsonl.gz").write_text("plain text")
    with pytest.raises(LoadError, match=r"follows\.jsonl\.gz: not a readable gzip file"):
        load_all(db, [bundle], tmp_path)
    assert counts(db) == ({}, {})


def test_file_names_decide_the_kind(tmp_path: Path) -> None:
    assert bundle_kind(Path("accounts.csv")) == ("accounts", "csv")
    assert bundle_kind(Path("ip_logins.jsonl.gz")) == ("ip_logins", "jsonl")
    for name in ("users.csv", "accounts.json", "accounts.csv.zip"):
        with pytest.raises(LoadError, match="not a bundle file name"):
            bundle_kind(Path(name))
    typo = tmp_path / "bundle"
    write_bundle(typo, "csv")
    write_csv(typo / "acounts.csv", BUNDLE["accounts"])
    with pytest.raises(LoadError, match=r"acounts\.csv: not a bundle file name"):
        bundle_files([typo])


def test_dry_run_writes_nothing(db: Driver, tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "bundle", "jsonl")
    result = runner.invoke(
        app, ["load", "bundle", str(bundle), "--dry-run", "--rejects-dir", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was written" in result.output
    assert counts(db) == ({}, {})


def test_cli_loads_a_bundle_and_exits_2_on_rejects(db: Driver, tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "bundle", "csv")
    ok = runner.invoke(
        app,
        ["load", "bundle", str(bundle), "--rejects-dir", str(tmp_path / "r"), "--batch-size", "2"],
    )
    assert ok.exit_code == 0, ok.output
    assert counts(db) == (NODES, RELS)

    bad = tmp_path / "more" / "follows.jsonl"
    bad.parent.mkdir()
    write_jsonl(bad, [{**BUNDLE["follows"][0], "target_type": "group"}, BUNDLE["follows"][1]])
    result = runner.invoke(app, ["load", "bundle", str(bad), "--rejects-dir", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert (tmp_path / "r" / "follows.jsonl.rejects.csv").is_file()


def test_cli_refuses_an_unknown_file_name(db: Driver, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "users.csv", BUNDLE["accounts"])
    result = runner.invoke(app, ["load", "bundle", str(path)])
    assert result.exit_code == 1
    assert "not a bundle file name" in result.output
    assert counts(db) == ({}, {})


def test_one_account_on_two_rows_ends_as_row_by_row_writes_leave_it(
    db: Driver, tmp_path: Path
) -> None:
    rows = [
        {"platform": "twitter", "id": "1", "handle": "first", "location": "Hong Kong"},
        {"platform": "twitter", "id": "2", "handle": "other"},
        {"platform": "twitter", "id": "1", "handle": "second", "followers": 7},
    ]
    path = write_csv(tmp_path / "accounts.csv", rows)
    (report,) = load_all(db, [path], tmp_path)
    assert (report.rows_loaded, report.duplicates) == (3, 0)
    assert props(db, "MATCH (x:Account {key: 'twitter:1'})") == {
        "key": "twitter:1",
        "platform": "twitter",
        "platform_id": "1",
        "hashed": False,
        "handle": "second",  # the later row wins
        "location": "Hong Kong",  # a value the later row does not give is kept
        "followers": 7,
    }


def test_follows_over_many_batches_link_every_row(db: Driver, tmp_path: Path) -> None:
    """Endpoints sent with earlier batches are skipped later; every follow still finds them."""
    rows = [
        {"platform": "twitter", "follower_id": str(i % 97), "target_id": str(i), "target_type": t}
        for i in range(3_000)
        for t in ("account", "page")
    ]
    path = write_csv(tmp_path / "follows.csv", rows)
    (report,) = load_all(db, [path], tmp_path, batch_size=250)
    assert (report.rows_loaded, report.rows_rejected) == (6_000, 0)
    nodes, rels = counts(db)
    assert (nodes["Account"], nodes["Page"], rels["FOLLOWS"]) == (3_000, 3_000, 6_000)
    records, _, _ = db.execute_query(
        "MATCH (n) WHERE n:Account OR n:Page "
        "RETURN count(*) AS n, count(n.first_loaded_at) AS stamped, "
        "sum(size(n.sources)) AS sources"
    )
    assert dict(records[0]) == {"n": 6_000, "stamped": 6_000, "sources": 6_000}
