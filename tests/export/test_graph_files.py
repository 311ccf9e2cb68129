"""GraphML, GEXF 1.3 and JSON node-link exports, read back by networkx with equal counts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
from neo4j import Driver

from cibgraph.export import ExportFormat, select_network, write_export
from tests.export.conftest import Demo

NODES, EDGES = 14, 25


def test_graphml_reads_back_in_networkx(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    assert write_export(select_network(db, network=demo.network), "graphml", out) == (NODES, EDGES)
    g = nx.read_graphml(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (NODES, EDGES)
    assert g.nodes["Account:twitter:1001"]["followers"] == 12000
    assert g.nodes["Account:twitter:1001"]["description"] == "line one\nline 'two'; \"quoted\""
    assert g.nodes["Page:facebook:9001"]["neo4j_label"] == "Page"
    prov = json.loads(g.graph["provenance"])
    assert prov["target"] == demo.network


def _read_gexf(path: Path) -> nx.Graph:
    # networkx reads GEXF 1.3 but not its `dateTime` time format: the times stay ISO text.
    reader = nx.readwrite.gexf.GEXFReader(version="1.3")
    reader.python_type["dateTime"] = str
    return reader(path)


def test_gexf_1_3_reads_back_in_networkx(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    assert write_export(select_network(db, network=demo.network), "gexf", out) == (NODES, EDGES)
    root = ET.parse(out).getroot()
    assert (root.tag, root.get("version")) == ("{http://gexf.net/1.3}gexf", "1.3")
    g = _read_gexf(out)
    assert g.graph["mode"] == "dynamic"
    assert (g.number_of_nodes(), g.number_of_edges()) == (NODES, EDGES)
    assert g.nodes["Account:twitter:1001"]["label"] == "hk_truth"
    assert g.nodes["Account:twitter:1001"]["followers"] == 12000


def test_gexf_carries_colours_sizes_weights_and_times(
    demo: Demo, db: Driver, tmp_path: Path
) -> None:
    out = tmp_path / "net.gexf"
    write_export(select_network(db, network=demo.network), "gexf", out)
    g = _read_gexf(out)
    hk, page, ip = (g.nodes[k] for k in ("Account:twitter:1001", "Page:facebook:9001",
                                          "IP:203.0.113.7"))  # fmt: skip
    # by label: accounts blue, pages orange, IPs red (export/common.py LABEL_COLOURS)
    assert hk["viz"]["color"] == {"r": 31, "g": 119, "b": 180, "a": 1.0}
    assert page["viz"]["color"] == {"r": 255, "g": 127, "b": 14, "a": 1.0}
    assert ip["viz"]["color"]["r"] == 214
    # by degree: hk_truth has 6 links (2 IN_NETWORK/USED_IP/COORDINATED_WITH/SHARED/FOLLOWS...)
    sizes = {k: d["viz"]["size"] for k, d in g.nodes(data=True)}
    assert sizes["Network:" + demo.network] == max(sizes.values()) == 24.0
    assert sizes["Account:twitter:1001"] > sizes["Account:twitter:1005"]
    edges = {(a, b, d["neo4j_type"]): d for a, b, d in g.edges(data=True)}
    coord = edges[("Account:twitter:1001", "Account:twitter:1002", "COORDINATED_WITH")]
    assert coord["weight"] == 7.0
    login = edges[("Account:twitter:1001", "IP:203.0.113.7", "USED_IP")]
    assert (login["weight"], login["start"], login["end"]) == (
        4.0, "2019-08-01T00:00:00+00:00", "2019-08-10T00:00:00+00:00",
    )  # fmt: skip
    follow = edges[("Account:twitter:1002", "Account:twitter:1001", "FOLLOWS")]
    assert (follow["weight"], "start" in follow) == (1.0, False)
    # an account lives from its creation to the last time one of its links was seen
    assert (hk["start"], hk["end"]) == ("2017-08-30T01:02:03+00:00", "2019-08-12T10:00:00+00:00")


def test_gexf_colours_by_network_and_sizes_by_score(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    sub = select_network(db, network=demo.network)
    write_export(sub, "gexf", out, colour_by="network", size_by="score")
    g = _read_gexf(out)
    colour = {k: (d["viz"]["color"]["r"], d["viz"]["color"]["g"]) for k, d in g.nodes(data=True)}
    network = colour["Network:" + demo.network]
    assert colour["Account:twitter:1002"] == colour["Page:facebook:9001"] == network
    assert colour["IP:203.0.113.7"] == (160, 160)  # in no network: grey
    # members sized by their IN_NETWORK score: 0.8 for accounts, 0.7 for pages
    assert g.nodes["Account:twitter:1002"]["viz"]["size"] == 20.0
    assert g.nodes["Page:facebook:9001"]["viz"]["size"] == 18.0


def test_graphml_has_a_label_key(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    write_export(select_network(db, network=demo.network), "graphml", out)
    root = ET.parse(out).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    keys = {(k.get("for"), k.get("attr.name")) for k in root.iter(f"{ns}key")}
    assert {("node", "label"), ("edge", "label")} <= keys
    g = nx.read_graphml(out)
    assert g.nodes["Account:twitter:1001"]["label"] == "hk_truth"
    assert g.nodes["Page:facebook:9001"]["label"] == "Bauhinia Voice"
    assert g.nodes["IP:203.0.113.7"]["label"] == "203.0.113.7"
    assert {d["label"] for _, _, d in g.edges(data=True)} >= {"COORDINATED_WITH", "IN_NETWORK"}


def test_json_node_link_reads_back_in_networkx(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    sub = select_network(db, network=demo.network)
    assert write_export(sub, ExportFormat.JSON, out) == (NODES, EDGES)
    data = json.loads(out.read_text())
    g = nx.node_link_graph(data, edges="edges")
    assert (g.number_of_nodes(), g.number_of_edges()) == (NODES, EDGES)
    assert g.nodes["IP:2001:db8::1"]["neo4j_label"] == "IP"
    assert data["graph"]["provenance"]["selection"] == "network"
