"""Exports of a network, a case or a neighbourhood: one module per format, one `Subgraph` model."""

from cibgraph.export.gexf import ColourBy, SizeBy
from cibgraph.export.model import ExportEdge, ExportNode, Provenance, Redaction, Subgraph
from cibgraph.export.select import (
    select_case,
    select_neighbourhood,
    select_network,
)
from cibgraph.export.stix import TLP, NetworkAs
from cibgraph.export.writers import FORMATS, ExportFormat, write_export

__all__ = [
    "FORMATS",
    "TLP",
    "ColourBy",
    "ExportEdge",
    "ExportFormat",
    "ExportNode",
    "NetworkAs",
    "Provenance",
    "Redaction",
    "SizeBy",
    "Subgraph",
    "select_case",
    "select_neighbourhood",
    "select_network",
    "write_export",
]
