"""Browser assets: the guide is current with cypher/, the loopback server serves it with CORS."""

from __future__ import annotations

import re
import urllib.request
from html import unescape

from typer.testing import CliRunner

from cibgraph.api.browser import GUIDE, STYLE, render_guide, serve_in_thread
from cibgraph.cli import app
from cibgraph.neo4j.registry import get_query


def test_guide_is_generated_from_the_named_queries() -> None:
    assert GUIDE.read_text(encoding="utf-8") == render_guide(), "run `cibgraph browser guide`"
    blocks = [unescape(b) for b in re.findall(r'<pre class="code runnable">(.*?)</pre>',
                                               GUIDE.read_text(), re.S)]  # fmt: skip
    for name in (
        "investigate/pages_and_groups_of_network",
        "investigate/accounts_behind_ip",
        "investigate/lockstep_sharers",
        "investigate/entity_sources",
        "investigate/network_backbone",
    ):
        assert any(get_query(name).text in b for b in blocks), name
    params = {m for b in blocks for m in re.findall(r"^:param (\w+) =>", b, re.M)}
    assert params == {"network", "members", "ip", "limit", "account", "window", "key"}


def test_assets_are_served_on_loopback_with_cors() -> None:
    server = serve_in_thread("127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/cibgraph.grass") as resp:
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
            assert resp.read().decode() == STYLE.read_text()
        with urllib.request.urlopen(f"{base}/guide.html") as resp:
            assert resp.read().decode() == GUIDE.read_text()
    finally:
        server.shutdown()
        server.server_close()


def test_cli_prints_the_commands_to_paste() -> None:
    result = CliRunner().invoke(app, ["browser", "--port", "7499"])
    assert result.exit_code == 0, result.output
    assert ":style http://localhost:7499/cibgraph.grass" in result.output
    assert ":play http://localhost:7499/guide.html" in result.output
