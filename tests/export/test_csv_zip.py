"""CSV export: nodes.csv, edges.csv and README.txt in one zip, and a bundle/ that loads back."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from neo4j import Driver

from cibgraph.export import select_network, write_export
from tests.export.conftest import Demo, load_bundle

PROFILE = (
    "MATCH (n:Account|Page|Group) RETURN n.key AS key, labels(n)[0] AS label, "
    "[k IN ['platform', 'platform_id', 'handle', 'name', 'description', 'location', "
    "'profile_url', 'created_at', 'followers', 'following', 'language', 'client', 'hashed', "
    "'members'] | n[k]] AS values ORDER BY key"
)
LINKS = (
    "MATCH (a)-[r:ADMIN_OF|MEMBER_OF|FOLLOWS|USED_IP|ATTRIBUTED_TO]->(b) "
    "RETURN a.key AS a, type(r) AS t, b.key AS b, r.role AS role, r.count AS count, "
    "r.access AS access, r.first_seen AS first_seen, r.joined_at AS joined_at ORDER BY a, t, b"
)


def test_zip_holds_nodes_edges_readme(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.zip"
    assert write_export(select_network(db, network=demo.network), "csv", out) == (14, 25)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        nodes = list(csv.DictReader(io.TextIOWrapper(zf.open("nodes.csv"), encoding="utf-8")))
        edges = list(csv.DictReader(io.TextIOWrapper(zf.open("edges.csv"), encoding="utf-8")))
        readme = zf.read("README.txt").decode()
    assert names == {
        "README.txt", "provenance.json", "nodes.csv", "edges.csv", "bundle/accounts.csv",
        "bundle/pages.csv", "bundle/groups.csv", "bundle/page_admins.csv",
        "bundle/group_admins.csv", "bundle/group_members.csv", "bundle/follows.csv",
        "bundle/ip_logins.csv", "bundle/attributions.csv",
    }  # fmt: skip
    assert (len(nodes), len(edges)) == (14, 25)
    hk = next(n for n in nodes if n["id"] == "Account:twitter:1001")
    assert (hk["handle"], hk["followers"], hk["created_at"]) == (
        "hk_truth", "12000", "2017-08-30T01:02:03+00:00",
    )  # fmt: skip
    assert json.loads(hk["properties"])["language"] == "zh-cn"
    coordinated = next(e for e in edges if e["type"] == "COORDINATED_WITH")
    assert coordinated["weight"] == "7"
    assert "co-shared post pairs" in coordinated["evidence"]
    for column in ("id", "label", "key", "sources", "properties", "evidence", "weight"):
        assert f"  {column}" in readme


def test_bundle_folder_round_trips_through_the_bundle_loader(
    demo: Demo, db: Driver, tmp_path: Path
) -> None:
    out = tmp_path / "net.zip"
    write_export(select_network(db, network=demo.network), "csv", out)
    profiles_before, _, _ = db.execute_query(PROFILE)
    links_before, _, _ = db.execute_query(LINKS)
    db.execute_query("MATCH (n) DETACH DELETE n")
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "unzipped")
    load_bundle(db, tmp_path / "unzipped" / "bundle", tmp_path / "rejects")
    profiles_after, _, _ = db.execute_query(PROFILE)
    links_after, _, _ = db.execute_query(LINKS)
    # The organic account outside the network (twitter:2001) is not exported; the rest is equal.
    expected = [r.data() for r in profiles_before if r["key"] != "twitter:2001"]
    assert [r.data() for r in profiles_after] == expected
    assert [r.data() for r in links_after] == [
        r.data() for r in links_before if r["a"] not in ("twitter:2001", "twitter:1005")
    ]
