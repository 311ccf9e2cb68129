"""One entry point for every export format: `write_export(subgraph, format, out)`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from cibgraph.export.coortweet import write_coortweet
from cibgraph.export.csv_zip import write_csv_zip
from cibgraph.export.cypher_script import write_cypher
from cibgraph.export.gexf import ColourBy, SizeBy, write_gexf
from cibgraph.export.graphml import write_graphml
from cibgraph.export.json_graph import write_json
from cibgraph.export.model import Subgraph
from cibgraph.export.stix import TLP, NetworkAs, write_stix


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CYPHER = "cypher"
    STIX = "stix"
    COORTWEET = "coortweet"


#: The file suffix each format is written with.
FORMATS: dict[ExportFormat, str] = {
    ExportFormat.CSV: ".zip",
    ExportFormat.JSON: ".json",
    ExportFormat.GRAPHML: ".graphml",
    ExportFormat.GEXF: ".gexf",
    ExportFormat.CYPHER: ".cypher",
    ExportFormat.STIX: ".stix.json",
    ExportFormat.COORTWEET: ".coortweet.csv",
}


def write_export(
    subgraph: Subgraph,
    fmt: ExportFormat | str,
    out: Path,
    *,
    tlp: TLP | str = TLP.AMBER,
    network_as: NetworkAs | str = NetworkAs.CAMPAIGN,
    colour_by: ColourBy | str = ColourBy.LABEL,
    size_by: SizeBy | str = SizeBy.DEGREE,
) -> tuple[int, int]:
    """Write `subgraph` to the file `out` in `fmt`; returns (nodes, edges) written."""
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.CSV:
        return write_csv_zip(subgraph, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        if fmt is ExportFormat.JSON:
            return write_json(subgraph, fh)
        if fmt is ExportFormat.GRAPHML:
            return write_graphml(subgraph, fh)
        if fmt is ExportFormat.GEXF:
            return write_gexf(subgraph, fh, colour_by=colour_by, size_by=size_by)
        if fmt is ExportFormat.CYPHER:
            return write_cypher(subgraph, fh)
        if fmt is ExportFormat.COORTWEET:
            return write_coortweet(subgraph, fh)
        return write_stix(subgraph, fh, tlp=TLP(tlp), network_as=NetworkAs(network_as))
