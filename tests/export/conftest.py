"""A small state network like the demo's, loaded through the bundle loader, with a fused Network."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import Driver

from cibgraph.ingest.base import run_load
from cibgraph.ingest.bundle import BundleLoader, bundle_files

NETWORK = "networks-20250101T000000Z-abcd1234:1"
FUSION_RUN = "networks-20250101T000000Z-abcd1234"
COORD_RUN = "coordination-20250101T000000Z-00000001"

D1, D2, D3, D4, D5, D6, D7, D9, D10 = (
    f"2019-08-{d:02d}T00:00:00Z" for d in (1, 2, 3, 4, 5, 6, 7, 9, 10)
)

BUNDLE: dict[str, list[list[object]]] = {
    "accounts": [
        ["platform", "id", "handle", "name", "description", "profile_url", "created_at",
         "followers", "language", "client"],
        ["twitter", "1001", "hk_truth", "HK Truth", "line one\nline 'two'; \"quoted\"",
         "https://twitter.com/hk_truth", "2017-08-30T01:02:03Z", 12000, "zh-cn", "Twitter Web"],
        ["twitter", "1002", "susan48213377", "Susan", "", "https://twitter.com/susan48213377",
         "2017-08-30T01:10:00Z", 40, "zh-cn", "Twitter Web"],
        ["twitter", "1003", "bo77310422", "Bo", "", "", "2017-08-30T02:00:00Z", 4999, "", ""],
        ["twitter", "vMm2zemFOF7kmXoDyX24Bo+TorqhNOdTSJLDQNRyQvw=", "", "", "", "",
         "2017-08-18T00:00:00Z", "", "", ""],
        ["twitter", "1005", "lee55512345", "Lee", "", "", "2017-08-18T03:00:00Z", 5000, "", ""],
        ["twitter", "2001", "organic_amy", "Amy", "", "", "2012-01-01T00:00:00Z", 300, "en", ""],
        ["facebook", "5001", "", "Admin One", "", "", "2018-01-01T00:00:00Z", 80, "", ""],
    ],
    "pages": [
        ["platform", "id", "name", "description", "created_at", "followers"],
        ["facebook", "9001", "Bauhinia Voice", "news", "2018-02-01T00:00:00Z", 15500],
        ["facebook", "9002", "HK Daily Truth", "", "", 800],
    ],
    "groups": [
        ["platform", "id", "name", "description", "created_at", "members"],
        ["facebook", "7001", "Love HK", "a group", "2018-03-01T00:00:00Z", 40],
    ],
    "page_admins": [
        ["platform", "account_id", "page_id", "role"],
        ["facebook", "5001", "9001", "admin"],
        ["facebook", "5001", "9002", "editor"],
    ],
    "group_admins": [
        ["platform", "account_id", "group_id", "role"],
        ["facebook", "5001", "7001", "moderator"],
    ],
    "group_members": [
        ["platform", "account_id", "group_id", "joined_at"],
        ["facebook", "5001", "7001", "2018-03-02T00:00:00Z"],
    ],
    "follows": [
        ["platform", "follower_id", "target_id", "target_type"],
        ["twitter", "1002", "1001", "account"],
        ["twitter", "1003", "1001", "account"],
        ["twitter", "2001", "1001", "account"],
    ],
    "ip_logins": [
        ["platform", "account_id", "ip", "first_seen", "last_seen", "count", "access"],
        ["twitter", "1001", "203.0.113.7", D1, D10, 4, "unblocked"],
        ["twitter", "1002", "203.0.113.7", D2, D9, 2, "unblocked"],
        ["twitter", "1003", "203.0.113.7", D3, D4, 1, "unblocked"],
        ["twitter", "1002", "2001:db8::1", D5, D6, 3, "vpn"],
        ["twitter", "vMm2zemFOF7kmXoDyX24Bo+TorqhNOdTSJLDQNRyQvw=", "2001:db8::1",
         D5, D7, 1, "vpn"],
        ["twitter", "1005", "198.51.100.9", D5, D7, 1, "hosting"],
    ],
    "attributions": [
        ["entity_type", "platform", "entity_id", "campaign", "note"],
        ["account", "twitter", "1001", "demo_hk_2019", "in the disclosure of 2019-08-19"],
    ],
}  # fmt: skip

# The fusion's results, as graph/detection/fusion.py writes them (the small accounts' keys
# appear in the evidence text, which a redacted export must rewrite).
DETECTIONS = """
MATCH (s1:Account {key: 'twitter:1001'}), (s2:Account {key: 'twitter:1002'}),
      (s3:Account {key: 'twitter:1003'}),
      (s4:Account {key: 'twitter:vMm2zemFOF7kmXoDyX24Bo+TorqhNOdTSJLDQNRyQvw='}),
      (s5:Account {key: 'twitter:1005'}), (f1:Account {key: 'facebook:5001'}),
      (p1:Page {key: 'facebook:9001'}), (p2:Page {key: 'facebook:9002'}),
      (g1:Group {key: 'facebook:7001'})
CREATE (c:DetectionRun {key: $coord_run, kind: 'coordination', time_window: 60,
                        min_participation: 2, status: 'complete'}),
       (r:DetectionRun {key: $fusion_run, kind: 'networks', coordination_run: $coord_run,
                        min_edge: 0.65, status: 'complete'}),
       (n:Network {key: $network, run: $fusion_run, rank: 1, score: 0.93, size: 6, pages: 2,
                   groups: 1, signals: ['coordination', 'infrastructure'],
                   signal_strengths: [0.9, 0.7],
                   explanation: 'twitter:1002 and twitter:1003 retweet twitter:1001 at once'}),
       (r)-[:PRODUCED]->(n),
       (s1)-[:COORDINATED_WITH {run: $coord_run, weight: 7, avg_time_delta: 12.5}]->(s2),
       (s2)-[:COORDINATED_WITH {run: $coord_run, weight: 3, avg_time_delta: 30.0}]->(s3),
       (u:Url {key: 'https://news.example/a?x=1&y=2'}),
       (s1)-[:SHARED {content_id: 'twitter:1', at: datetime('2019-08-12T10:00:00Z')}]->(u),
       (s2)-[:SHARED {content_id: 'twitter:2', at: datetime('2019-08-12T10:00:09Z')}]->(u)
WITH n, [s1, s2, s3, s4, s5, f1] AS accounts, [p1, p2, g1] AS entities
UNWIND accounts AS a
CREATE (a)-[:IN_NETWORK {run: $fusion_run, score: 0.8,
                         evidence: [a.key + ' shares 203.0.113.7 with twitter:1002']}]->(n)
WITH DISTINCT n, entities
UNWIND entities AS e
CREATE (e)-[:IN_NETWORK {run: $fusion_run, score: 0.7, evidence: ['run by facebook:5001']}]->(n)
"""


@dataclass(frozen=True)
class Demo:
    network: str
    bundle: Path


def write_bundle(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in BUNDLE.items():
        with (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    return folder


def load_bundle(driver: Driver, folder: Path, rejects: Path) -> None:
    for path in bundle_files([folder]):
        report = run_load(BundleLoader(), path, driver=driver, rejects_dir=rejects)
        assert report.rows_rejected == 0, path


@pytest.fixture()
def demo(db: Driver, tmp_path: Path) -> Demo:
    folder = write_bundle(tmp_path / "bundle")
    load_bundle(db, folder, tmp_path / "rejects")
    db.execute_query(
        DETECTIONS, {"coord_run": COORD_RUN, "fusion_run": FUSION_RUN, "network": NETWORK}
    )
    return Demo(network=NETWORK, bundle=folder)
