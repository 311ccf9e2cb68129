"""Neo4j Browser in headless Chromium: connect, apply the style, run a guide query, screenshot."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

from neo4j import Driver

from cibgraph.api.browser import GUIDE, guide_url, serve_in_thread
from cibgraph.settings import Settings
from tests.api.cdp import Chromium
from tests.export.conftest import Demo, demo  # noqa: F401 - the fixture


def _guide_blocks() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return [
        html.unescape(b) for b in re.findall(r'<pre class="code runnable">(.*?)</pre>', text, re.S)
    ]


def _run(c: Chromium, command: str) -> None:
    c.js("document.querySelector('.monaco-editor textarea').focus()")
    c.send("Input.insertText", text=command.replace("\n", " "))
    for kind in ("keyDown", "keyUp"):
        c.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
               windowsVirtualKeyCode=13)  # fmt: skip


def test_browser_shows_the_styled_network(
    demo: Demo,  # noqa: F811 - the imported fixture
    db: Driver,
    settings: Settings,
    tmp_path: Path,
) -> None:
    blocks = _guide_blocks()
    set_network = next(b for b in blocks if b.startswith(":param network =>"))
    set_members = next(b for b in blocks if b.startswith(":param members =>"))
    named = next(b for b in blocks if b.startswith("// investigate/network_backbone:"))
    # typed on one line below, so its comment lines go first
    draw = "\n".join(line for line in named.splitlines() if not line.startswith("//"))
    assets = serve_in_thread("127.0.0.1", 0)
    base = f"http://localhost:{assets.server_address[1]}"
    c = Chromium(tmp_path / "profile")
    try:
        c.send("Page.enable")
        c.send(
            "Page.navigate",
            url=f"http://127.0.0.1:{settings.neo4j_http_port}/browser/"
            f"?dbms=neo4j://neo4j@127.0.0.1:{settings.bolt_port}&db={settings.neo4j_database}",
        )
        c.wait_for("!!document.querySelector('[data-testid=password]')")
        c.js("document.querySelector('[data-testid=password]').focus()")
        c.send("Input.insertText", text=settings.neo4j_password.get_secret_value())
        c.js("document.querySelector('[data-testid=connect]').click()")
        c.wait_for("document.body.innerText.includes('You are connected')")
        time.sleep(1)  # the Browser reads the server's settings (its allowlist) after connecting
        _run(c, f":style {base}/cibgraph.grass")
        c.wait_for("document.body.innerText.includes('node.Account')")
        _run(c, f":play {base}/guide.html")
        c.wait_for("document.body.innerText.includes('Find the state network')")
        _run(c, set_network)
        c.wait_for(f"document.body.innerText.includes({json.dumps(demo.network)})")
        _run(c, set_members)
        c.wait_for("document.body.innerText.includes('\"members\": 25')")
        _run(c, draw)
        shown = c.wait_for(
            "(document.body.innerText.match(/Displaying \\d+ nodes, \\d+ relationships/) || [])[0]"
        )
        # the Network, 6 accounts, 2 pages and a group; 9 memberships and 3 ADMIN_OF links
        assert shown == "Displaying 10 nodes, 12 relationships"
        # Account captions come from the style ({handle}); the default style would show names.
        # The graph view draws its captions a moment after the summary line: wait for them.
        captions = c.wait_for(
            "(() => { const t = Array.from(document.querySelectorAll('svg .node text'))"
            ".map(e => e.textContent.trim());"
            " return t.some(x => x && 'hk_truth'.startsWith(x.replace(/…$/, ''))) ? t : null })()"
        )
        # Long captions are cut with an ellipsis to fit the circle.
        assert any(t.rstrip("…") and "hk_truth".startswith(t.rstrip("…")) for t in captions)
        assert "HK Truth" not in captions
        assert "Bauhinia" in captions  # page captions: {name}, wrapped over two lines
        time.sleep(2)  # let the force layout settle for the picture
        # the picture goes to the test's folder: a test run never changes tracked files
        shot = tmp_path / "browser.png"
        c.screenshot(shot)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        c.close()
        assets.shutdown()
        assets.server_close()


def test_one_address_opens_the_guide(settings: Settings, tmp_path: Path) -> None:
    """README's one step: with `cibgraph browser serve` running, open guide_url(...)."""
    assets = serve_in_thread("127.0.0.1", 0)
    base = f"http://localhost:{assets.server_address[1]}"
    browser = f"http://127.0.0.1:{settings.neo4j_http_port}/browser"
    url = guide_url(browser, base)
    assert url == f"{browser}/?cmd=play&arg={base}/guide.html"
    c = Chromium(tmp_path / "profile")
    try:
        c.send("Page.enable")
        c.send("Page.navigate", url=url + f"&dbms=neo4j://neo4j@127.0.0.1:{settings.bolt_port}")
        c.wait_for("!!document.querySelector('[data-testid=password]')")
        c.js("document.querySelector('[data-testid=password]').focus()")
        c.send("Input.insertText", text=settings.neo4j_password.get_secret_value())
        c.js("document.querySelector('[data-testid=connect]').click()")
        assert c.wait_for("document.body.innerText.includes('Find the state network')")
    finally:
        c.close()
        assets.shutdown()
