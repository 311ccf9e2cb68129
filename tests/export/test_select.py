"""Selections: what a network, a case and a neighbourhood export hold, and the redacted profile."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from neo4j import Driver, Query
from neo4j.exceptions import Neo4jError

from cibgraph.export import ExportFormat
from cibgraph.export.model import Redaction, salted_hash
from cibgraph.export.select import (
    ExportTimeoutError,
    SelectionNotFoundError,
    is_timeout,
    select_case,
    select_neighbourhood,
    select_network,
)
from cibgraph.export.service import ExportRequest, ExportTarget, export_selection
from tests.export.conftest import COORD_RUN, FUSION_RUN, Demo

NETWORK_NODES = {
    "Network:" + "networks-20250101T000000Z-abcd1234:1",
    "Account:twitter:1001",
    "Account:twitter:1002",
    "Account:twitter:1003",
    "Account:twitter:vMm2zemFOF7kmXoDyX24Bo+TorqhNOdTSJLDQNRyQvw=",
    "Account:twitter:1005",
    "Account:facebook:5001",
    "Page:facebook:9001",
    "Page:facebook:9002",
    "Group:facebook:7001",
    "IP:203.0.113.7",
    "IP:2001:db8::1",
    "Url:https://news.example/a?x=1&y=2",
    "Campaign:demo_hk_2019",
}
NETWORK_EDGE_TYPES = Counter(
    {
        "IN_NETWORK": 9,
        "USED_IP": 5,
        "ADMIN_OF": 3,
        "COORDINATED_WITH": 2,
        "SHARED": 2,
        "FOLLOWS": 2,
        "MEMBER_OF": 1,
        "ATTRIBUTED_TO": 1,
    }
)
SMALL = {"1002", "1003", "vMm2zemFOF7kmXoDyX24Bo+TorqhNOdTSJLDQNRyQvw=", "5001"}


def test_a_network_export_holds_members_and_the_ips_and_urls_that_tie_them(
    demo: Demo, db: Driver
) -> None:
    sub = select_network(db, network=demo.network)
    nodes = list(sub.nodes())
    edges = list(sub.edges())
    assert {n.id for n in nodes} == NETWORK_NODES
    assert Counter(e.type for e in edges) == NETWORK_EDGE_TYPES
    coordinated = [e for e in edges if e.type == "COORDINATED_WITH"]
    assert coordinated[0].evidence == (
        f"coordinated sharing: 7 co-shared post pairs, average 12.5 s apart (run {COORD_RUN})"
    )
    member = next(e for e in edges if e.type == "IN_NETWORK" and e.start.endswith(":1001"))
    assert member.evidence == (
        f"twitter:1001 shares 203.0.113.7 with twitter:1002 (run {FUSION_RUN})"
    )
    prov = sub.provenance.as_dict()
    assert prov["selection"] == "network"
    assert [r["key"] for r in prov["detection_runs"]] == [COORD_RUN, FUSION_RUN]
    assert sorted(s["name"] for s in prov["sources"]) == [
        "accounts.csv", "attributions.csv", "follows.csv", "group_admins.csv",
        "group_members.csv", "groups.csv", "ip_logins.csv", "page_admins.csv", "pages.csv",
    ]  # fmt: skip
    assert [s for s in prov["sources"] if "path" in s] == []  # no local paths leak
    json.dumps(prov)  # plain values only


def test_redaction_replaces_exactly_the_small_accounts(demo: Demo, db: Driver) -> None:
    salt = "pepper-for-tests"
    sub = select_network(db, network=demo.network, redaction=Redaction(salt=salt))
    accounts = {n.key: n for n in sub.nodes() if n.label == "Account"}
    redacted = {k for k, n in accounts.items() if n.props.get("hashed") is True}
    expected = {f"{'facebook' if i == '5001' else 'twitter'}:{salted_hash(salt, i)}" for i in SMALL}
    assert redacted == expected
    assert {k for k in accounts if k not in redacted} == {"twitter:1001", "twitter:1005"}
    susan = accounts[f"twitter:{salted_hash(salt, '1002')}"]
    assert susan.props["handle"] == salted_hash(salt, "susan48213377")
    assert susan.props["name"] == salted_hash(salt, "Susan")
    assert susan.props["platform_id"] == salted_hash(salt, "1002")
    assert "profile_url" not in susan.props
    big = accounts["twitter:1001"]
    assert (big.props["handle"], big.props["name"]) == ("hk_truth", "HK Truth")
    # No small account's id, handle or name survives anywhere, evidence text included.
    text = json.dumps(
        [n.props for n in sub.nodes()]
        + [[e.start, e.end, e.props, e.evidence] for e in sub.edges()]
    )
    for secret in ("twitter:1002", "twitter:1003", "susan48213377", "bo77310422", "5001"):
        assert secret not in text
    assert sub.provenance.parameters["redacted_accounts"] == 4


def test_a_neighbourhood_export_is_bounded(demo: Demo, db: Driver) -> None:
    sub = select_neighbourhood(db, key="twitter:2001", label="Account", depth=1, limit=10)
    assert {n.id for n in sub.nodes()} == {"Account:twitter:2001", "Account:twitter:1001"}
    assert [(e.start, e.type, e.end) for e in sub.edges()] == [
        ("Account:twitter:2001", "FOLLOWS", "Account:twitter:1001")
    ]
    cut = select_neighbourhood(db, key="twitter:1001", depth=2, limit=3)
    assert cut.size == 3
    assert cut.provenance.truncated is True
    with pytest.raises(ValueError, match="depth"):
        select_neighbourhood(db, key="twitter:1001", depth=4)
    with pytest.raises(SelectionNotFoundError):
        select_neighbourhood(db, key="twitter:nobody")


def test_a_source_record_is_not_an_export_seed(demo: Demo, db: Driver) -> None:
    (source,) = db.execute_query(
        "MATCH (s:Source {name: 'accounts.csv'}) RETURN s.key AS key"
    ).records
    with pytest.raises(SelectionNotFoundError, match="no single node has key"):
        select_neighbourhood(db, key=source["key"])
    with pytest.raises(ValueError, match="an export cannot start from a Source node"):
        select_neighbourhood(db, key=source["key"], label="Source")


def test_an_export_past_its_timeout_stops(demo: Demo, db: Driver, tmp_path: Path) -> None:
    wanted = ExportRequest(ExportTarget.NETWORK, demo.network, ExportFormat.JSON)
    done = export_selection(db, wanted, tmp_path / "a.json", timeout=30)
    assert (done.nodes, done.edges) == (14, 25)
    with pytest.raises(ExportTimeoutError, match="the export ran past 1e-06 s"):
        export_selection(db, wanted, tmp_path / "b.json", timeout=0.000001)


def test_neo4j_transaction_timeouts_are_recognised(db: Driver) -> None:
    slow = Query("UNWIND range(1, 1000000000) AS x RETURN sum(x * x)", timeout=0.2)
    with db.session() as session, pytest.raises(Neo4jError) as caught:
        session.run(slow).consume()
    assert is_timeout(caught.value), caught.value.code


def test_a_case_export_holds_what_the_case_is_about(demo: Demo, db: Driver) -> None:
    db.execute_query(
        "MATCH (n:Network {key: $network}), (ip:IP {key: '198.51.100.9'}) "
        "CREATE (c:Case {key: 'case-1', name: 'HK'})-[:ABOUT]->(n), (c)-[:ABOUT]->(ip), "
        "(:Note {key: 'note-1', text: 'hosting exit'})-[:ABOUT]->(ip)",
        {"network": demo.network},
    )
    sub = select_case(db, case="case-1")
    ids = {n.id for n in sub.nodes()}
    members = NETWORK_NODES - {"IP:203.0.113.7", "IP:2001:db8::1", "Campaign:demo_hk_2019",
                               "Url:https://news.example/a?x=1&y=2"}  # fmt: skip
    assert ids == members | {"Case:case-1", "IP:198.51.100.9", "Note:note-1"}
    with pytest.raises(SelectionNotFoundError):
        select_case(db, case="case-2")


def test_an_export_tells_its_progress(demo: Demo, db: Driver, tmp_path: Path) -> None:
    told: list[tuple[str, int]] = []
    wanted = ExportRequest(ExportTarget.NETWORK, demo.network, ExportFormat.GEXF)
    done = export_selection(
        db, wanted, tmp_path / "a.gexf", progress=lambda w, n: told.append((w, n))
    )
    # the selection, then one read of the nodes and one of the edges (GEXF's second pass reads
    # its spool, not Neo4j)
    assert told == [("selected", 14), ("nodes", 14), ("edges", 25)]
    assert done.seconds > 0
