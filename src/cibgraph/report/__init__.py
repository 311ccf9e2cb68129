"""Visual reports: one self-contained HTML file per network, for a takedown memo."""

from cibgraph.report.html import render_html, write_html
from cibgraph.report.network import NetworkReport, build_network_report

__all__ = ["NetworkReport", "build_network_report", "render_html", "write_html"]
