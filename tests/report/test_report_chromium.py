"""The network report in headless Chromium, offline: it renders its picture, charts and tables."""

from __future__ import annotations

import struct
import time
from pathlib import Path

from neo4j import Driver

from cibgraph.report import build_network_report, write_html
from tests.api.cdp import Chromium
from tests.export.conftest import Demo, demo  # noqa: F401 - the fixture


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_report_renders_offline_in_chromium(
    demo: Demo,  # noqa: F811
    db: Driver,
    tmp_path: Path,
) -> None:
    out = tmp_path / "report.html"
    write_html(build_network_report(db, network=demo.network), out)
    c = Chromium(tmp_path / "profile")
    try:
        c.send("Network.enable")
        c.send(
            "Network.emulateNetworkConditions",
            offline=True, latency=0, downloadThroughput=0, uploadThroughput=0,
        )  # fmt: skip
        c.send("Page.enable")
        c.send("Page.navigate", url=out.as_uri())
        c.wait_for("document.readyState === 'complete' && !!document.querySelector('svg')")
        time.sleep(0.3)
        seen = c.js(
            "({title: document.title,"
            " resources: performance.getEntriesByType('resource').length,"
            " picture: document.querySelector('svg.network').getBoundingClientRect().width,"
            " accounts: document.querySelectorAll('svg.network circle.account').length,"
            " entities: document.querySelectorAll('svg.network .page, svg.network .group').length,"
            " links: document.querySelectorAll('svg.network line').length,"
            " charts: document.querySelectorAll('svg.chart').length,"
            " bars: document.querySelectorAll('svg.chart rect.bar').length,"
            " signalRows: document.querySelectorAll('table.signals tr').length,"
            " entityRows: document.querySelectorAll('table.entities tr').length,"
            " sourceRows: document.querySelectorAll('table.sources tr').length,"
            " text: document.body.innerText})"
        )
        shot = tmp_path / "report.png"
        c.screenshot(shot)
    finally:
        c.close()
    assert seen["title"] == f"cibgraph network report: {demo.network}"
    assert seen["resources"] == 0  # nothing loaded but the file itself
    assert seen["picture"] > 900
    assert (seen["accounts"], seen["entities"], seen["links"]) == (6, 3, 6)
    assert (seen["charts"], seen["bars"]) == (2, 3)
    assert (seen["signalRows"], seen["entityRows"], seen["sourceRows"]) == (3, 4, 10)
    assert "Bauhinia Voice" in seen["text"] and "coordinated" in seen["text"]
    width, height = _png_size(shot)
    assert width == 1400 and height > 600  # the window the test opens
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
