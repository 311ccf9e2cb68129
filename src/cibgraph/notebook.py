"""A small Python API for notebooks: one network's members, links and evidence as pandas
DataFrames and as a networkx graph.

    from cibgraph import notebook
    net = notebook.network("networks-20250101T000000Z-abcd1234:1")
    net.members          # one row per account, page and group, with score, signal, evidence
    net.edges            # one row per link between members: signal, strength, evidence
    net.evidence         # one row per signal: strength in the network, links, members tied
    g = net.graph()      # networkx: members as nodes, links as weighted edges

It reads what `cibgraph report network` reads (`cibgraph.report.build_network_report`), once,
through the settings' Neo4j (`NEO4J_URI`, ...) or a driver you pass. pandas is the optional
extra `cibgraph[notebook]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
from neo4j import Driver

from cibgraph.report.network import NetworkReport, build_network_report

if TYPE_CHECKING:
    import pandas as pd


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the notebook API needs pandas: pip install 'cibgraph[notebook]'"
        ) from None
    return pandas


@dataclass(frozen=True)
class Network:
    """One network as read for a notebook; the tables are built from `report` on demand."""

    report: NetworkReport

    @property
    def key(self) -> str:
        return self.report.key

    @property
    def members(self) -> pd.DataFrame:
        rows = [
            {
                "id": m.id,
                "label": m.label,
                "key": m.key,
                "name": m.name,
                "score": m.score,
                "signal": m.signal,
                "platform": m.props.get("platform"),
                "followers": m.props.get("followers"),
                "created_at": m.props.get("created_at"),
                "evidence": "; ".join(m.evidence),
            }
            for m in sorted(self.report.members.values(), key=lambda m: (-m.score, m.id))
        ]
        frame: pd.DataFrame = _pandas().DataFrame(rows, columns=list(_MEMBER_COLUMNS))
        frame["created_at"] = _pandas().to_datetime(frame["created_at"], utc=True, format="ISO8601")
        return frame

    @property
    def edges(self) -> pd.DataFrame:
        rows = [
            {
                "source": t.a,
                "target": t.b,
                "type": t.type,
                "signal": t.signal,
                "strength": t.weight,
                "evidence": t.evidence,
            }
            for t in self.report.ties
        ]
        edges: pd.DataFrame = _pandas().DataFrame(rows, columns=list(_EDGE_COLUMNS))
        return edges

    @property
    def evidence(self) -> pd.DataFrame:
        rows = [
            {
                "signal": s.kind,
                "strength": s.strength,
                "links": s.links,
                "members": len(s.members),
                "strongest": s.examples[0][1] if s.examples else None,
            }
            for s in self.report.signals.values()
        ]
        table: pd.DataFrame = _pandas().DataFrame(rows, columns=list(_EVIDENCE_COLUMNS))
        return table

    def graph(self) -> nx.MultiGraph[str]:
        """Members as nodes (label, key, name, score, signal), links as edges (type, signal,
        weight = strength, evidence); a pair tied by two signals has two edges."""
        g: nx.MultiGraph[str] = nx.MultiGraph(network=self.key)
        for m in self.report.members.values():
            g.add_node(m.id, label=m.label, key=m.key, name=m.name, score=m.score, signal=m.signal)
        for t in self.report.ties:
            g.add_edge(t.a, t.b, type=t.type, signal=t.signal, weight=t.weight, evidence=t.evidence)
        return g


_MEMBER_COLUMNS = (
    "id", "label", "key", "name", "score", "signal", "platform", "followers", "created_at",
    "evidence",
)  # fmt: skip
_EDGE_COLUMNS = ("source", "target", "type", "signal", "strength", "evidence")
_EVIDENCE_COLUMNS = ("signal", "strength", "links", "members", "strongest")


def network(key: str, *, driver: Driver | None = None, database: str | None = None) -> Network:
    """Read one network (LookupError when no Network has this key)."""
    if driver is None:
        from cibgraph.neo4j.driver import get_driver

        driver = get_driver()
    return Network(build_network_report(driver, network=key, database=database))
