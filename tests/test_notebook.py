"""The notebook API: a network's members, links and evidence as DataFrames and a networkx graph."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from neo4j import Driver

from cibgraph import notebook
from cibgraph.export.select import SelectionNotFoundError
from tests.export.conftest import Demo, demo  # noqa: F401 - the fixture


def test_a_network_as_dataframes_and_a_graph(
    demo: Demo,  # noqa: F811
    db: Driver,
) -> None:
    net = notebook.network(demo.network, driver=db)
    members = net.members
    assert list(members.columns) == [
        "id", "label", "key", "name", "score", "signal", "platform", "followers", "created_at",
        "evidence",
    ]  # fmt: skip
    assert len(members) == 9
    assert members["label"].value_counts().to_dict() == {"Account": 6, "Page": 2, "Group": 1}
    hk = members.set_index("key").loc["twitter:1001"]
    assert (hk["name"], hk["score"], hk["signal"], hk["followers"]) == (
        "hk_truth", 0.8, "coordination", 12000,
    )  # fmt: skip
    assert hk["created_at"] == pd.Timestamp("2017-08-30T01:02:03Z")
    edges = net.edges
    assert edges.groupby("type").size().to_dict() == {
        "ADMIN_OF": 3, "COORDINATED_WITH": 2, "MEMBER_OF": 1,
    }  # fmt: skip
    coordination = edges[edges["signal"] == "coordination"]["strength"]
    assert coordination.max() == pytest.approx(0.8646647167633873)  # 1 - exp(-(7 - 1) / 3)
    evidence = net.evidence.set_index("signal")
    assert evidence.loc["coordination", ["strength", "links", "members"]].tolist() == [0.9, 2, 3]
    g = net.graph()
    assert isinstance(g, nx.MultiGraph)
    assert (g.number_of_nodes(), g.number_of_edges()) == (9, 6)
    assert g.nodes["Page:facebook:9001"]["name"] == "Bauhinia Voice"
    # the facebook admin with its pages and group; 1001-1002-1003; two accounts alone
    assert nx.number_connected_components(g) == 4


def test_an_unknown_network_is_a_lookup_error(db: Driver) -> None:
    with pytest.raises(SelectionNotFoundError, match="no Network has key 'nope'"):
        notebook.network("nope", driver=db)
