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


def test_gexf_1_3_reads_back_in_networkx(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    assert write_export(select_network(db, network=demo.network), "gexf", out) == (NODES, EDGES)
    root = ET.parse(out).getroot()
    assert (root.tag, root.get("version")) == ("{http://gexf.net/1.3}gexf", "1.3")
    # networkx knows GEXF 1.1draft and 1.2draft; 1.3 keeps their node, edge and attribute
    # elements, so its reader is pointed at the 1.3 namespace.
    versions = nx.readwrite.gexf.GEXF.versions
    versions.setdefault("1.3", {**versions["1.2draft"], "NS_GEXF": "http://gexf.net/1.3",
                                "VERSION": "1.3"})  # fmt: skip
    g = nx.read_gexf(out, version="1.3")
    assert (g.number_of_nodes(), g.number_of_edges()) == (NODES, EDGES)
    assert g.nodes["Account:twitter:1001"]["label"] == "hk_truth"
    assert g.nodes["Account:twitter:1001"]["followers"] == 12000


def test_json_node_link_reads_back_in_networkx(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    sub = select_network(db, network=demo.network)
    assert write_export(sub, ExportFormat.JSON, out) == (NODES, EDGES)
    data = json.loads(out.read_text())
    g = nx.node_link_graph(data, edges="edges")
    assert (g.number_of_nodes(), g.number_of_edges()) == (NODES, EDGES)
    assert g.nodes["IP:2001:db8::1"]["neo4j_label"] == "IP"
    assert data["graph"]["provenance"]["selection"] == "network"
