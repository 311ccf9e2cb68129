"""The investigative named queries of cypher/investigate/: exact rows on small graphs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import Driver

from cibgraph.neo4j.registry import QueryMode, get_query, registry
from cibgraph.neo4j.values import to_python as _native
from cibgraph.settings import Settings


def _setup(driver: Driver, settings: Settings, cypher: str) -> None:
    driver.execute_query(cypher, database_=settings.neo4j_database)


def _run(driver: Driver, name: str, **params: Any) -> list[dict[str, Any]]:
    return [_native(dict(r)) for r in get_query(f"investigate/{name}").run(driver, params)]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_investigate_query_is_a_read() -> None:
    names = {n for n in registry() if n.startswith("investigate/")}
    assert names >= {
        "investigate/accounts_behind_ip",
        "investigate/shared_ips_of_account",
        "investigate/pages_and_groups_of_network",
        "investigate/lockstep_sharers",
        "investigate/campaign_members",
        "investigate/creation_burst",
        "investigate/entity_sources",
        "investigate/network_backbone",
    }
    assert {registry()[n].mode for n in names} == {QueryMode.READ}


IPS = """
CREATE (a:Account {key: 'tw:a', handle: 'alice'}), (b:Account {key: 'tw:b', handle: 'bob'}),
       (c:Account {key: 'tw:c'}),
       (ip1:IP {key: '203.0.113.7'}), (ip2:IP {key: '2001:db8::1'}), (ip3:IP {key: '198.51.100.1'}),
       (camp:Campaign {key: 'china_082019_1'}), (a)-[:ATTRIBUTED_TO]->(camp),
       (a)-[:USED_IP {first_seen: datetime('2019-08-01T00:00:00Z'),
                      last_seen: datetime('2019-08-05T00:00:00Z'),
                      count: 3, access: 'unblocked'}]->(ip1),
       (b)-[:USED_IP {first_seen: datetime('2019-07-30T00:00:00Z'),
                      last_seen: datetime('2019-07-31T00:00:00Z'), count: 1, access: 'vpn'}]->(ip1),
       (a)-[:USED_IP {first_seen: datetime('2019-08-02T00:00:00Z'),
                      last_seen: datetime('2019-08-02T00:00:00Z'), count: 1, access: 'vpn'}]->(ip2),
       (b)-[:USED_IP {count: 1, access: 'vpn'}]->(ip2), (c)-[:USED_IP {count: 9}]->(ip2),
       (a)-[:USED_IP {first_seen: datetime('2019-08-03T00:00:00Z'),
                      last_seen: datetime('2019-08-04T00:00:00Z'),
                      count: 2, access: 'hosting'}]->(ip3)
"""


def test_accounts_behind_ip(db: Driver, settings: Settings) -> None:
    _setup(db, settings, IPS)
    rows = _run(db, "accounts_behind_ip", ip="203.0.113.7", limit=10)
    assert rows == [
        {
            "account": "tw:b",
            "handle": "bob",
            "first_seen": _t("2019-07-30T00:00:00"),
            "last_seen": _t("2019-07-31T00:00:00"),
            "count": 1,
            "access": "vpn",
            "campaigns": [],
        },
        {
            "account": "tw:a",
            "handle": "alice",
            "first_seen": _t("2019-08-01T00:00:00"),
            "last_seen": _t("2019-08-05T00:00:00"),
            "count": 3,
            "access": "unblocked",
            "campaigns": ["china_082019_1"],
        },
    ]
    assert [r["account"] for r in _run(db, "accounts_behind_ip", ip="203.0.113.7", limit=1)] == [
        "tw:b"
    ]
    assert _run(db, "accounts_behind_ip", ip="192.0.2.1", limit=10) == []


def test_shared_ips_of_account_rarest_first(db: Driver, settings: Settings) -> None:
    _setup(db, settings, IPS)
    rows = _run(db, "shared_ips_of_account", account="tw:a", max_others=10)
    assert [(r["ip"], r["access"], r["count"], r["accounts"], r["others"]) for r in rows] == [
        ("198.51.100.1", "hosting", 2, 1, []),
        ("203.0.113.7", "unblocked", 3, 2, ["tw:b"]),
        ("2001:db8::1", "vpn", 1, 3, ["tw:b", "tw:c"]),
    ]
    assert rows[0]["first_seen"] == _t("2019-08-03T00:00:00")
    assert rows[0]["last_seen"] == _t("2019-08-04T00:00:00")
    capped = _run(db, "shared_ips_of_account", account="tw:a", max_others=1)
    assert [(r["accounts"], r["others"]) for r in capped] == [(1, []), (2, ["tw:b"]), (3, ["tw:b"])]


NETWORK = """
CREATE (n:Network {key: 'net:1', run: 'fusion-1', score: 0.9}),
       (a:Account {key: 'tw:a'}), (b:Account {key: 'tw:b'}), (x:Account {key: 'tw:x'}),
       (p1:Page {key: 'fb:p1', name: 'Page one'}), (p2:Page {key: 'fb:p2', name: 'Page two'}),
       (p3:Page {key: 'fb:p3', name: 'Page three'}), (p4:Page {key: 'fb:p4'}),
       (g1:Group {key: 'fb:g1', name: 'Group one'}), (g2:Group {key: 'fb:g2'}),
       (a)-[:IN_NETWORK {score: 0.9}]->(n), (b)-[:IN_NETWORK {score: 0.8}]->(n),
       (p1)-[:IN_NETWORK {score: 0.6}]->(n),
       (a)-[:ADMIN_OF {role: 'admin'}]->(p1), (b)-[:ADMIN_OF {role: 'editor'}]->(p2),
       (a)-[:MEMBER_OF]->(g1), (b)-[:MEMBER_OF]->(g1), (x)-[:MEMBER_OF]->(g1),
       (x)-[:MEMBER_OF]->(g2), (x)-[:ADMIN_OF]->(p4),
       (p1)-[:AUDIENCE_OVERLAP {run: 'aud-1', weight: 0.4}]->(p3),
       (p3)-[:AUDIENCE_OVERLAP {run: 'aud-2', weight: 0.3}]->(p1)
"""


def test_pages_and_groups_of_network(db: Driver, settings: Settings) -> None:
    _setup(db, settings, NETWORK)
    rows = _run(db, "pages_and_groups_of_network", network="net:1")
    assert rows == [
        {
            "entity": "fb:p1",
            "label": "Page",
            "name": "Page one",
            "member_score": 0.6,
            "admins": ["tw:a"],
            "member_accounts": 0,
            "linked_to": [],  # fb:p3 is not of the network: no tie for fb:p1
        },
        {
            "entity": "fb:p2",
            "label": "Page",
            "name": "Page two",
            "member_score": None,
            "admins": ["tw:b"],
            "member_accounts": 0,
            "linked_to": [],
        },
        {
            "entity": "fb:g1",
            "label": "Group",
            "name": "Group one",
            "member_score": None,
            "admins": [],
            "member_accounts": 2,
            "linked_to": [],
        },
        {
            "entity": "fb:p3",
            "label": "Page",
            "name": "Page three",
            "member_score": None,
            "admins": [],
            "member_accounts": 0,
            "linked_to": [{"entity": "fb:p1", "signal": "AUDIENCE_OVERLAP", "weight": 0.4}],
        },
    ]
    assert _run(db, "pages_and_groups_of_network", network="net:none") == []


SHARES = """
CREATE (a:Account {key: 'tw:a'}), (b:Account {key: 'tw:b', handle: 'bob'}),
       (c:Account {key: 'tw:c'}), (d:Account {key: 'tw:d'}),
       (u:Url {key: 'https://example.org/a'}), (h:Hashtag {key: 'hongkong'}),
       (a)-[:SHARED {content_id: 'a1', at: datetime('2019-08-19T10:00:00Z')}]->(u),
       (b)-[:SHARED {content_id: 'b1', at: datetime('2019-08-19T10:00:10Z')}]->(u),
       (c)-[:SHARED {content_id: 'c1', at: datetime('2019-08-19T10:01:40Z')}]->(u),
       (d)-[:SHARED {content_id: 'd1', at: datetime('2019-08-19T09:59:55Z')}]->(u),
       (a)-[:SHARED {content_id: 'a2', at: datetime('2019-08-19T12:00:00Z')}]->(h),
       (b)-[:SHARED {content_id: 'b2', at: datetime('2019-08-19T12:01:00Z')}]->(h),
       (c)-[:SHARED {content_id: 'c2', at: datetime('2019-08-19T12:01:01Z')}]->(h)
"""


def test_lockstep_sharers(db: Driver, settings: Settings) -> None:
    _setup(db, settings, SHARES)
    rows = _run(db, "lockstep_sharers", account="tw:a", window=60, limit=10)
    assert rows == [
        {
            "account": "tw:b",
            "handle": "bob",
            "pairs": 2,
            "objects": 2,
            "min_delta": 10.0,
            "avg_delta": 35.0,  # 10 s and exactly 60 s (the window is inclusive)
            "first_at": _t("2019-08-19T10:00:00"),
            "last_at": _t("2019-08-19T12:00:00"),
        },
        {
            "account": "tw:d",
            "handle": None,
            "pairs": 1,
            "objects": 1,
            "min_delta": 5.0,
            "avg_delta": 5.0,
            "first_at": _t("2019-08-19T09:59:55"),
            "last_at": _t("2019-08-19T09:59:55"),
        },
    ]
    wide = _run(db, "lockstep_sharers", account="tw:a", window=100, limit=10)
    assert [(r["account"], r["pairs"]) for r in wide] == [("tw:b", 2), ("tw:c", 2), ("tw:d", 1)]
    assert [
        r["account"] for r in _run(db, "lockstep_sharers", account="tw:a", window=60, limit=1)
    ] == ["tw:b"]


def test_campaign_members(db: Driver, settings: Settings) -> None:
    _setup(
        db,
        settings,
        """
        CREATE (c:Campaign {key: 'china_082019_1'}), (o:Campaign {key: 'other'}),
               (a:Account {key: 'tw:a', handle: 'alice', platform: 'twitter'}),
               (z:Account {key: 'tw:z'}),
               (p:Page {key: 'fb:p', name: 'Page', platform: 'facebook'}),
               (ip:IP {key: '203.0.113.7'}),
               (a)-[:ATTRIBUTED_TO {note: 'disclosed'}]->(c), (p)-[:ATTRIBUTED_TO]->(c),
               (ip)-[:ATTRIBUTED_TO]->(c), (z)-[:ATTRIBUTED_TO]->(o)
        """,
    )
    rows = _run(db, "campaign_members", campaign="china_082019_1", limit=10)
    assert rows == [
        {
            "entity": "tw:a",
            "label": "Account",
            "handle": "alice",
            "name": None,
            "platform": "twitter",
            "note": "disclosed",
        },
        {
            "entity": "203.0.113.7",
            "label": "IP",
            "handle": None,
            "name": None,
            "platform": None,
            "note": None,
        },
        {
            "entity": "fb:p",
            "label": "Page",
            "handle": None,
            "name": "Page",
            "platform": "facebook",
            "note": None,
        },
    ]
    assert len(_run(db, "campaign_members", campaign="china_082019_1", limit=2)) == 2


def test_creation_burst(db: Driver, settings: Settings) -> None:
    _setup(
        db,
        settings,
        """
        CREATE (:Account {key: 'tw:a', handle: 'susan48213377', client: 'Twitter Web App',
                          created_at: datetime('2017-08-30T10:00:00Z')}),
               (:Account {key: 'tw:b', handle: 'Bo77310422', client: 'Twitter for iPhone',
                          created_at: datetime('2017-08-30T12:00:00Z')}),
               (:Account {key: 'tw:c', handle: 'mike_12345678',
                          created_at: datetime('2017-08-30T11:00:00Z')}),
               (:Account {key: 'tw:d', handle: 'tom11112222',
                          created_at: datetime('2017-09-05T10:00:00Z')}),
               (:Account {key: 'tw:e', hashed: true, created_at: datetime('2017-08-30T10:00:00Z')}),
               (:Account {key: 'tw:f', handle: 'lee99887766', client: 'Twitter Web App',
                          created_at: datetime('2017-08-30T08:30:00Z')}),
               (:Account {key: 'tw:g', handle: 'ann1234567',
                          created_at: datetime('2017-08-30T10:30:00Z')})
        """,
    )
    rows = _run(db, "creation_burst", account="tw:a", hours=6, limit=10)
    assert rows == [
        {
            "account": "tw:f",
            "handle": "lee99887766",
            "shape": "a99999999",
            "created_at": _t("2017-08-30T08:30:00"),
            "hours_apart": -1.5,
            "client": "Twitter Web App",
            "same_client": True,
        },
        {
            "account": "tw:b",
            "handle": "Bo77310422",
            "shape": "a99999999",
            "created_at": _t("2017-08-30T12:00:00"),
            "hours_apart": 2.0,
            "client": "Twitter for iPhone",
            "same_client": False,
        },
    ]
    assert [
        r["account"] for r in _run(db, "creation_burst", account="tw:a", hours=1, limit=10)
    ] == []
    assert [
        r["account"] for r in _run(db, "creation_burst", account="tw:a", hours=200, limit=10)
    ] == ["tw:f", "tw:b", "tw:d"]
    assert _run(db, "creation_burst", account="tw:e", hours=6, limit=10) == []


def test_entity_sources(db: Driver, settings: Settings) -> None:
    _setup(
        db,
        settings,
        """
        CREATE (:Account {key: 'tw:a', sources: ['sha256:2', 'sha256:1'],
                          first_loaded_at: datetime('2024-01-01T00:00:00Z'),
                          last_loaded_at: datetime('2024-01-02T00:00:00Z')}),
               (:Source {key: 'sha256:1', name: 'users.csv', path: '/d/users.csv',
                         loader: 'twitter-io', loaded_at: datetime('2024-01-01T00:00:00Z'),
                         rows_loaded: 744}),
               (:Source {key: 'sha256:2', name: 'tweets.csv', path: '/d/tweets.csv',
                         loader: 'twitter-io', loaded_at: datetime('2024-01-02T00:00:00Z'),
                         rows_loaded: 10}),
               (:Source {key: 'sha256:3', name: 'other.csv'}),
               (:Network {key: 'net:1'})
        """,
    )
    rows = _run(db, "entity_sources", key="tw:a")
    common = {
        "entity": "tw:a",
        "labels": ["Account"],
        "first_loaded_at": _t("2024-01-01T00:00:00"),
        "last_loaded_at": _t("2024-01-02T00:00:00"),
        "loader": "twitter-io",
    }
    assert rows == [
        {
            **common,
            "source": "sha256:1",
            "name": "users.csv",
            "path": "/d/users.csv",
            "loaded_at": _t("2024-01-01T00:00:00"),
            "rows_loaded": 744,
        },
        {
            **common,
            "source": "sha256:2",
            "name": "tweets.csv",
            "path": "/d/tweets.csv",
            "loaded_at": _t("2024-01-02T00:00:00"),
            "rows_loaded": 10,
        },
    ]
    assert [(r["entity"], r["source"]) for r in _run(db, "entity_sources", key="net:1")] == [
        ("net:1", None)
    ]
    assert _run(db, "entity_sources", key="nothing") == []


@pytest.mark.parametrize("name", sorted(n for n in registry() if n.startswith("investigate/")))
def test_investigate_queries_run_on_an_empty_database(db: Driver, name: str) -> None:
    samples = {"string": "x", "int": 1}
    q = get_query(name)
    assert q.run(db, {k: samples[t] for k, t in q.params.items()}) == []
