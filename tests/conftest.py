"""Test fixtures: a dedicated local Neo4j test instance, its driver, and a clean database per test.

The test instance has its own name, ports and data folder, so running the tests never touches a
user's `main` instance. When Neo4j cannot be installed or started the whole session stops with a
clear message: no test passes or skips without a real server.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

# Pin the test instance before any settings are read; a user's NEO4J_* variables must not leak in.
# CIBGRAPH_TEST_INSTANCE / _BOLT_PORT / _HTTP_PORT let parallel checkouts use separate instances.
_instance = os.environ.get("CIBGRAPH_TEST_INSTANCE", "test")
_bolt = os.environ.get("CIBGRAPH_TEST_BOLT_PORT", "7688")
_http = os.environ.get("CIBGRAPH_TEST_HTTP_PORT", "7475")
REPO_ROOT = Path(__file__).resolve().parent.parent
# The checkout's jars and instances, and the shared real data beside it, unless set explicitly.
os.environ.setdefault("CIBGRAPH_HOME", str(REPO_ROOT / ".neo4j"))
os.environ.setdefault("CIBGRAPH_DATA_DIR", str(REPO_ROOT.parent / "shared" / "data"))
os.environ.update(
    {
        "NEO4J_URI": f"neo4j://127.0.0.1:{_bolt}",
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": "cibgraph-test",
        "NEO4J_DATABASE": "neo4j",
        "NEO4J_INSTANCE": _instance,
        "NEO4J_HTTP_PORT": _http,
        "NEO4J_HEAP": "1g",
        "NEO4J_PAGECACHE": "512m",
        # a loaded machine (CI neighbours, parallel checkouts) can take minutes to start a JVM
        "NEO4J_START_TIMEOUT": os.environ.get("NEO4J_START_TIMEOUT", "300"),
    }
)

import pytest
from neo4j import Driver

from cibgraph.neo4j.driver import close_driver, get_driver
from cibgraph.neo4j.schema import apply_schema
from cibgraph.neo4j.server import LocalNeo4j, Neo4jServerError
from cibgraph.settings import Settings, get_settings
from cibgraph.sharelog import log_dir

# A test that uses one of these fixtures (directly or through another fixture) needs the Neo4j
# test instance: it is marked `neo4j`, and `make test-fast` (`-m "not neo4j ..."`) leaves it out.
NEO4J_FIXTURES = frozenset({"neo4j_server", "driver", "db"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[LocalNeo4j]:
    if os.environ.get("CIBGRAPH_TEST_NO_NEO4J"):  # set by `make test-fast`
        pytest.fail("the fast lane never starts Neo4j, yet a test asked for it: see NEO4J_FIXTURES")
    server = LocalNeo4j(settings)
    try:
        server.install()
        started = server.start()
    except Neo4jServerError as exc:
        pytest.exit(f"the Neo4j test instance is unavailable: {exc}", returncode=3)
    yield server
    close_driver()
    if started and not os.environ.get("CIBGRAPH_KEEP_TEST_NEO4J"):
        server.stop()


@pytest.fixture(scope="session")
def driver(neo4j_server: LocalNeo4j, settings: Settings) -> Driver:
    drv = get_driver(settings)
    apply_schema(drv, database=settings.neo4j_database)
    return drv


@pytest.fixture()
def db(driver: Driver, settings: Settings) -> Driver:
    """The driver, on an empty database (schema kept) with an empty share log."""
    # CALL { } IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    with driver.session(database=settings.neo4j_database) as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
    # The log of the wiped graph: shares an earlier test rebuilt from the graph (no Source
    # names them) would otherwise stay and make the next load's check rebuild the log.
    shutil.rmtree(log_dir(settings, settings.neo4j_database) / "events", ignore_errors=True)
    return driver


@pytest.fixture(scope="session")
def data_dir(settings: Settings) -> Path:
    """The shared real-data folder (CIBGRAPH_DATA_DIR, default ../shared/data)."""
    d = settings.cibgraph_data_dir
    if d is None or not d.is_dir():
        pytest.fail(f"real data folder {d} is missing: set CIBGRAPH_DATA_DIR")
    return d
