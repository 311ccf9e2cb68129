"""The network report: what it gathers from the graph, the HTML it writes, its CLI and API."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.api.app import create_app
from cibgraph.api.auth import Role, create_key
from cibgraph.cli import app
from cibgraph.report import build_network_report, render_html
from cibgraph.settings import Settings
from tests.export.conftest import Demo, demo  # noqa: F401 - the fixture


def test_the_report_gathers_members_ties_signals_and_activity(
    demo: Demo,  # noqa: F811
    db: Driver,
) -> None:
    r = build_network_report(db, network=demo.network)
    assert r.key == demo.network
    assert sorted(m.id for m in r.accounts) == [
        "Account:facebook:5001", "Account:twitter:1001", "Account:twitter:1002",
        "Account:twitter:1003", "Account:twitter:1005",
        "Account:twitter:vMm2zemFOF7kmXoDyX24Bo+TorqhNOdTSJLDQNRyQvw=",
    ]  # fmt: skip
    assert [(m.label, m.name) for m in r.entities] == [
        ("Page", "Bauhinia Voice"), ("Page", "HK Daily Truth"), ("Group", "Love HK"),
    ]  # fmt: skip
    by_type = {(t.a, t.b, t.type): t for t in r.ties}
    coord = by_type[("Account:twitter:1001", "Account:twitter:1002", "COORDINATED_WITH")]
    # fusion's strength of 7 co-shares: 1 - exp(-(7 - 1) / 3)
    assert math.isclose(coord.weight, 1 - math.exp(-2))
    assert coord.evidence.startswith("twitter:1001 and twitter:1002 shared the same content 7")
    assert r.ties_by_type == {"COORDINATED_WITH": 2, "ADMIN_OF": 3, "MEMBER_OF": 1}
    signals = r.signals
    assert list(signals) == ["coordination", "infrastructure"]  # by strength in the network
    assert (signals["coordination"].strength, signals["coordination"].links) == (0.9, 2)
    assert signals["coordination"].members == {
        "Account:twitter:1001", "Account:twitter:1002", "Account:twitter:1003",
    }  # fmt: skip
    assert (signals["infrastructure"].strength, signals["infrastructure"].links) == (0.7, 0)
    colours = {m.key: m.signal for m in r.members.values()}
    assert colours["twitter:1002"] == "coordination"
    assert colours["twitter:1005"] is None  # no tie to another member
    assert [(a.day, a.shares, a.accounts) for a in r.activity] == [(date(2019, 8, 12), 2, 2)]
    assert len(r.created()) == 6
    assert all("path" not in s for s in r.provenance.sources)


def test_the_html_is_self_contained_and_escapes_the_graph(
    demo: Demo,  # noqa: F811
    db: Driver,
) -> None:
    db.execute_query(
        "MATCH (p:Page {key: 'facebook:9002'}) SET p.name = '<script>alert(1)</script>'"
    )
    page = render_html(build_network_report(db, network=demo.network), tlp="red")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # nothing fetched from anywhere: no src or href, no url(), only the SVG namespace
    assert re.findall(r"\b(?:src|href)=", page) == []
    assert "url(" not in page
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert str(demo.bundle) not in page and "accounts.csv" in page
    assert "TLP:RED" in page
    assert page.count('class="account"') == 6
    assert page.count('class="page"') == 2 and page.count('class="group"') == 1
    assert page.count('class="bar"') == 1 + 2  # one day of shares; accounts in 2 months


def test_cli_writes_the_report_and_refuses_unknown_keys(
    demo: Demo,  # noqa: F811
    db: Driver,
    tmp_path: Path,
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "network", demo.network, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 accounts, 3 pages and groups, 6 links" in result.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(app, ["report", "network", "nope", "--out", str(out)])
    assert (bad.exit_code, bad.output.strip()) == (1, "error: no Network has key 'nope'")


def test_api_serves_the_report_to_key_holders(
    demo: Demo,  # noqa: F811
    db: Driver,
    settings: Settings,
) -> None:
    key = create_key(db, name="report-test", role=Role.READER).token
    with TestClient(create_app(settings)) as client:
        path = f"/reports/network/{demo.network}"
        assert client.get(path).status_code == 401
        ok = client.get(path, headers={"Authorization": f"Bearer {key}"})
        assert ok.status_code == 200
        assert ok.headers["content-type"].startswith("text/html")
        assert "Bauhinia Voice" in ok.text
        missing = client.get("/reports/network/nope", headers={"Authorization": f"Bearer {key}"})
        assert (missing.status_code, missing.json()) == (404, {"detail": "no Network has this key"})
