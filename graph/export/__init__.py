"""Exports of a network, a case or a neighbourhood: one module per format, one `Subgraph` model."""

from graph.export.model import ExportEdge, ExportNode, Provenance, Redaction, Subgraph
from graph.export.select import (
    select_case,
    select_neighbourhood,
    select_network,
)
from graph.export.stix import TLP, NetworkAs
from graph.export.writers import FORMATS, ExportFormat, write_export

__all__ = [
    "FORMATS",
    "TLP",
    "ExportEdge",
    "ExportFormat",
    "ExportNode",
    "NetworkAs",
    "Provenance",
    "Redaction",
    "Subgraph",
    "select_case",
    "select_neighbourhood",
    "select_network",
    "write_export",
]
