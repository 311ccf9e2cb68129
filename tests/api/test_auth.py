"""API keys: stored hashed, checked per request, revocable; no key is 401."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.api.auth import KeyChecker, Role, create_key, list_keys, revoke_key
from cibgraph.cli import app
from cibgraph.neo4j.driver import open_async_driver
from cibgraph.settings import Settings


def test_keys_are_stored_hashed(db: Driver, settings: Settings) -> None:
    made = create_key(db, name="ana", role=Role.ANALYST)
    secret = made.token.split("_", 2)[2]  # cib_<id>_<secret>; the secret itself may hold "_"
    rows = db.execute_query("MATCH (k:ApiKey) RETURN properties(k) AS p").records
    assert len(rows) == 1
    stored = rows[0]["p"]
    assert stored["role"] == "analyst"
    assert secret not in str(stored)
    assert len(stored["hash"]) == 64 and len(stored["salt"]) == 32


def test_check_and_revoke(db: Driver, settings: Settings) -> None:
    made = create_key(db, name="ana", role=Role.ANALYST)

    async def check(token: str) -> object:
        driver = open_async_driver(settings)
        try:
            return await KeyChecker(driver, database=settings.neo4j_database).check(token)
        finally:
            await driver.close()

    p = asyncio.run(check(made.token))
    assert (p.name, p.role) == ("ana", Role.ANALYST)  # type: ignore[attr-defined]
    assert asyncio.run(check(made.token[:-1] + ("A" if made.token[-1] != "A" else "B"))) is None
    assert asyncio.run(check("cib_nonsense")) is None
    assert revoke_key(db, key="ana") == [made.key_id]
    assert asyncio.run(check(made.token)) is None
    assert [k["revoked_at"] is not None for k in list_keys(db)] == [True]


def test_http_without_or_with_a_bad_key_is_401(client: TestClient, keys: dict[str, str]) -> None:
    q = {"query": "{ viewer { name } }"}
    assert client.post("/graphql", json=q).status_code == 401
    resp = client.post("/graphql", json=q, headers={"Authorization": "Bearer cib_x_y"})
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    resp = client.get("/graphql", params=q)  # a GET query needs a key too
    assert resp.status_code == 401
    resp = client.post("/graphql", json=q, headers={"Authorization": f"Bearer {keys['reader']}"})
    assert resp.json() == {"data": {"viewer": {"name": "reader-1"}}}


def test_cli_keys_create_list_revoke(db: Driver) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "ines", "--role", "analyst"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("cib_")
    listing = runner.invoke(app, ["keys", "list"])
    assert "ines" in listing.output and "analyst" in listing.output
    assert runner.invoke(app, ["keys", "create", "x", "--role", "root"]).exit_code == 1
    revoked = runner.invoke(app, ["keys", "revoke", "ines"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert runner.invoke(app, ["keys", "revoke", "ines"]).exit_code == 1
