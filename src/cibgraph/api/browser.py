"""Neo4j Browser assets (a GraSS style, a guide of named queries) and a loopback server for them.

Neo4j Browser fetches `:play <url>` and `:style <url>` with the page's own JavaScript, from hosts
listed in the server setting `browser.remote_content_hostname_whitelist` (graph/server.py lists
`localhost` and `127.0.0.1` there), and the page's content security policy lets it connect to any
http URL. So a tiny static server on loopback that answers with `Access-Control-Allow-Origin: *`
is all it takes for `:play` and `:style` to work without internet.
"""

from __future__ import annotations

import html
import logging
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cibgraph.neo4j.registry import get_query
from cibgraph.resources import BROWSER_ASSETS

logger = logging.getLogger(__name__)

ASSETS = BROWSER_ASSETS
GUIDE = ASSETS / "guide.html"
STYLE = ASSETS / "cibgraph.grass"
DEFAULT_PORT = 7480


class _Handler(SimpleHTTPRequestHandler):
    """Static files with CORS, so that the Browser page (another origin) may fetch them."""

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if str(path).endswith(".grass"):
            return "text/plain"
        return super().guess_type(path)

    def do_OPTIONS(self) -> None:
        # The Browser sends `pragma` and `cache-control` headers, so its fetch is preflighted.
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.end_headers()

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("browser assets: " + format, *args)


def make_server(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A server for docs/browser/ (not started); port 0 picks a free one."""
    handler = partial(_Handler, directory=str(ASSETS))
    return ThreadingHTTPServer((host, port), handler)


def serve_in_thread(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start a server in a daemon thread and return it (call `.shutdown()` to stop)."""
    server = make_server(host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def guide_url(browser_url: str, base_url: str) -> str:
    """Neo4j Browser's address that plays the cibgraph guide once connected (one click)."""
    return f"{browser_url.rstrip('/')}/?cmd=play&arg={base_url}/guide.html"


def browser_commands(base_url: str) -> list[str]:
    """The commands to paste into Neo4j Browser's editor."""
    return [f":style {base_url}/cibgraph.grass", f":play {base_url}/guide.html"]


# --- the guide: each step a named query of cypher/, shown and runnable ------------------------

_SETUP = {
    "network": ("head(COLLECT { MATCH (n:Network) RETURN n.key ORDER BY n.score DESC, n.key })"),
    # The rarest telling address: used by two or more of the network's accounts, unblocked
    # rather than hosting rather than a VPN exit, then by as few accounts in all as possible.
    "ip": (
        "head(COLLECT { MATCH (n:Network) WITH n ORDER BY n.score DESC, n.key LIMIT 1 "
        "MATCH (n)<-[:IN_NETWORK]-(a:Account)-[u:USED_IP]->(i:IP) "
        "WITH i, count(DISTINCT a) AS inside, collect(u.access) AS access WHERE inside >= 2 "
        "MATCH (i)<-[:USED_IP]-(x:Account) "
        "WITH i, inside, access, count(DISTINCT x) AS users "
        "RETURN i.key ORDER BY CASE WHEN 'vpn' IN access THEN 2 "
        "WHEN 'unblocked' IN access THEN 0 ELSE 1 END, users, "
        "inside DESC, i.key })"
    ),
    "account": (
        "head(COLLECT { MATCH (n:Network) WITH n ORDER BY n.score DESC, n.key LIMIT 1 "
        "MATCH (a:Account)-[m:IN_NETWORK]->(n) RETURN a.key ORDER BY m.score DESC, a.key })"
    ),
}

_STEPS: list[tuple[str, str, list[str]]] = [
    (
        "Find the state network",
        "Detections write every network they find as a <code>Network</code> node with a score, "
        "its size, its pages and groups and an explanation. The strongest comes first; the "
        "second query remembers its key as <code>$network</code> for the next steps, and the "
        "last draws its backbone: the <code>$members</code> accounts with the strongest "
        "evidence, and its pages and groups with the members who run them (named query "
        "<code>investigate/network_backbone</code>; every link at once would be a hairball).",
        [
            "MATCH (n:Network)\nRETURN n.key AS network, n.score AS score, n.size AS accounts,\n"
            "       n.pages AS pages, n.groups AS groups, n.signals AS signals\n"
            "ORDER BY score DESC LIMIT 10",
            ":param network => " + _SETUP["network"],
            ":param members => 25",
            "@investigate/network_backbone",
        ],
    ),
    (
        "Its pages and groups",
        "The pages and groups tied to the network, and through what: membership, admins among "
        "its accounts, members, shared admins or audience. Named query "
        "<code>investigate/pages_and_groups_of_network</code>.",
        ["@investigate/pages_and_groups_of_network"],
    ),
    (
        "The IPs that tie it together",
        "The rarest telling address (<code>$ip</code>): used by two or more of its accounts, "
        "unblocked rather than hosting rather than a VPN exit, by as few accounts in all as "
        "possible; then everyone behind it, when and "
        "through what access. An unblocked address shared by a crew and hardly anyone else is "
        "strong evidence; a VPN exit shared by thousands is not. Named query "
        "<code>investigate/accounts_behind_ip</code>.",
        [
            ":param ip => " + _SETUP["ip"],
            ":param limit => 25",
            "@investigate/accounts_behind_ip",
            "MATCH (:Network {key: $network})<-[:IN_NETWORK]-(a:Account)-[u:USED_IP]->(i:IP)\n"
            "RETURN a, u, i",
        ],
    ),
    (
        "The evidence of lockstep sharing",
        "Who shared the same posts, links and hashtags as the network's strongest member within "
        "a minute of it, and how often. Named query <code>investigate/lockstep_sharers</code>; "
        "the last query draws the coordination edges the detection wrote.",
        [
            ":param account => " + _SETUP["account"],
            ":param window => 60",
            "@investigate/lockstep_sharers",
            "MATCH (:Network {key: $network})<-[:IN_NETWORK]-(a:Account)\n"
            "MATCH (a)-[c:COORDINATED_WITH]->(b:Account)\nRETURN a, c, b LIMIT 300",
        ],
    ),
    (
        "Where it comes from",
        "Every node lists the files it was loaded from. Named query "
        "<code>investigate/entity_sources</code> for the strongest member "
        "(<code>$key</code>); export the network with "
        "<code>cibgraph export network KEY --format csv|json|graphml|gexf|cypher|stix</code>.",
        [":param key => " + _SETUP["account"], "@investigate/entity_sources"],
    ),
]


def _step_query(text: str) -> tuple[str, str]:
    if text.startswith("@"):
        q = get_query(text[1:])
        return f"// {q.name}: {q.answers}\n{q.text}", q.name
    return text, ""


def render_guide() -> str:
    """The guide's HTML: Neo4j Browser's slide format, each query a runnable block."""
    slides = []
    for title, lead, queries in _STEPS:
        blocks = []
        for text in queries:
            body, _ = _step_query(text)
            blocks.append(f'<pre class="code runnable">{html.escape(body)}</pre>')
        slides.append(
            '  <slide class="row-fluid">\n'
            '    <div class="col-sm-3">\n'
            f"      <h3>{html.escape(title)}</h3>\n"
            f'      <p class="lead">{lead}</p>\n'
            "    </div>\n"
            '    <div class="col-sm-9">\n      '
            + "\n      ".join(blocks)
            + "\n    </div>\n  </slide>"
        )
    return (
        "<!-- Generated by `cibgraph browser guide` from the named queries of cypher/; "
        "do not edit. -->\n"
        '<article class="guide">\n'
        '<carousel class="deck container-fluid">\n'
        + "\n".join(slides)
        + "\n</carousel>\n</article>\n"
    )


def write_guide(path: Path = GUIDE) -> bool:
    """Write the guide; returns True when it changed."""
    text = render_guide()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
