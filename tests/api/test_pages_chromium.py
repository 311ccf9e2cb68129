"""GraphiQL (with the explorer), Swagger UI and ReDoc in headless Chromium that reaches only
localhost: each page renders from local files, and GraphiQL runs a keyed query."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
from neo4j import Driver

from cibgraph.api.auth import Role, create_key
from cibgraph.api.pages import PREFIX, all_assets, installed
from tests.api.cdp import Chromium
from tests.export.conftest import Demo, demo  # noqa: F401 - the fixture

# Every host name but the loopback resolves to nothing: a page that needs a CDN stays blank.
LOCAL_ONLY = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",)
QUERY = '{ viewer { name role } accountsByHandle(handle: "hk_truth") { key } }'


def _open(c: Chromium, url: str) -> None:
    c.send("Page.enable")
    c.send("Page.navigate", url=url)
    c.wait_for("document.readyState === 'complete'")


def _outside_requests(c: Chromium) -> list[str]:
    names = c.js("performance.getEntriesByType('resource').map(e => e.name)") or []
    return [n for n in names if not n.startswith("http://127.0.0.1")]


def test_assets_are_installed_and_named_locally(live_api: str) -> None:
    assert installed(), "run `make assets` (python -m cibgraph.api.pages fetch)"
    page = httpx.get(f"{live_api}/graphql", headers={"Accept": "text/html"}).text
    assert "unpkg.com" not in page and "jsdelivr" not in page
    for asset in all_assets():
        resp = httpx.get(f"{live_api}{PREFIX}/{asset.local}")
        assert resp.status_code == 200, asset.local
    schema = httpx.get(f"{live_api}/openapi.json").json()
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from `cibgraph keys create NAME --role reader`.",
    }
    operation = schema["paths"]["/exports/{target}/{key}"]["get"]
    assert operation["security"] == [{"apiKey": []}]


def test_graphiql_runs_a_keyed_query_offline(
    demo: Demo,  # noqa: F811
    db: Driver,
    live_api: str,
    tmp_path: Path,
) -> None:
    key = create_key(db, name="graphiql-test", role=Role.READER).token
    params = {"q": QUERY, "headers": json.dumps({"Authorization": f"Bearer {key}"})}
    c = Chromium(tmp_path / "profile", flags=LOCAL_ONLY)
    try:
        # the page decodes its parameters with decodeURIComponent: spaces as %20, not +
        _open(c, f"{live_api}/graphql?{urlencode(params, quote_via=quote)}")
        c.wait_for("!!document.querySelector('.graphiql-execute-button')")
        assert c.js(
            "!!document.querySelector('.graphiql-explorer-root') || "
            "!!document.querySelector('[aria-label=\"Show GraphiQL Explorer\"]')"
        )
        time.sleep(0.5)
        c.js("document.querySelector('.graphiql-execute-button').click()")
        result = c.wait_for(
            "(() => { const t = document.querySelector('.result-window')?.innerText || '';"
            " return t.includes('twitter:1001') ? t : null })()"
        )
        outside = _outside_requests(c)
        c.screenshot(tmp_path / "graphiql.png")
    finally:
        c.close()
    assert '"name": "graphiql-test"' in result and '"role": "reader"' in result
    assert outside == []


def test_swagger_ui_and_redoc_render_offline(live_api: str, tmp_path: Path) -> None:
    c = Chromium(tmp_path / "profile", flags=LOCAL_ONLY)
    try:
        _open(c, f"{live_api}/docs")
        title = c.wait_for("document.querySelector('.swagger-ui .info .title')?.innerText")
        c.wait_for("!!document.querySelector('.swagger-ui .btn.authorize')")
        c.js("document.querySelector('.swagger-ui .btn.authorize').click()")
        dialog = c.wait_for("document.querySelector('.dialog-ux .modal-ux')?.innerText")
        swagger_outside = _outside_requests(c)
        _open(c, f"{live_api}/redoc")
        heading = c.wait_for("document.querySelector('.api-info h1')?.innerText")
        operations = c.wait_for(
            "document.body.innerText.includes('/exports/{target}/{key}') ? 'yes' : null"
        )
        redoc_outside = _outside_requests(c)
    finally:
        c.close()
    assert title.startswith("cibgraph")
    assert "apiKey" in dialog and "Bearer" in dialog
    assert heading.startswith("cibgraph") and operations == "yes"
    assert (swagger_outside, redoc_outside) == ([], [])
