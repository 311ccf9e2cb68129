"""The CooRTweet-shaped edge list: CooRTweet's own columns, read back as it reads them."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import networkx as nx
from neo4j import Driver

from cibgraph.export import Redaction, select_network, write_export
from tests.export.conftest import Demo


def test_coortweet_edge_list_has_coortweets_columns(
    demo: Demo, db: Driver, tmp_path: Path, data_dir: Path
) -> None:
    out = tmp_path / "net.coortweet.csv"
    assert write_export(select_network(db, network=demo.network), "coortweet", out) == (3, 2)
    reference = data_dir / "coortweet" / "russian_tw60_mp2_reference_edges.csv.gz"
    with gzip.open(reference, "rt", newline="") as fh:
        header = next(csv.reader(fh))  # CooRTweet 2.1's own output on the Russian data
    with out.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == header
    assert rows[1:] == [
        ["1001", "1002", "7", "12.5", "", "", "", ""],
        ["1002", "1003", "3", "30", "", "", "", ""],
    ]
    g = nx.from_edgelist((r[0], r[1], {"weight": int(r[2])}) for r in rows[1:])
    assert nx.get_edge_attributes(g, "weight") == {("1001", "1002"): 7, ("1002", "1003"): 3}


def test_coortweet_edge_list_redacted(demo: Demo, db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "net.coortweet.csv"
    sub = select_network(db, network=demo.network, redaction=Redaction(salt="pepper-pepper"))
    write_export(sub, "coortweet", out)
    text = out.read_text()
    assert "1002" not in text and "1003" not in text  # small accounts: hashed ids
    assert text.splitlines()[1].startswith("1001,")  # 12,000 followers: not redacted
